/**
 * A secondary Vigie follows a primary: fetch the primary's backup from its admin API
 * (`GET /api/backup`, `Authorization: Bearer <token>`) and apply it locally when the configuration
 * differs (fingerprints compared, see backupFingerprint). Only what differs is written, in one
 * transaction; the lists stamp is touched so the secondary's `vigie serve` reloads.
 *
 * The token opens the primary's whole configuration, so it only travels protected: over HTTPS
 * with the primary's certificate pinned (`--fingerprint sha256:…`) or vouched for by an
 * authority, over plain HTTP only to this machine (loopback) unless the parent says
 * `--insecure-http`. No redirects followed (the token must not travel elsewhere), one timeout for
 * the whole exchange, a size cap, and every failure an AppError with a sentence to act on.
 */
import type Database from 'better-sqlite3';
import { checkListUrl } from '../blocklists/subscriptions/downloader.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { FINGERPRINT_PREFIX, parseFingerprint } from '../net/cert-fingerprint.js';
import { backupFingerprint, MAX_BACKUP_BYTES, parseBackupText, type BackupDocument } from './backup-format.js';
import { readBackupData } from './export-backup.js';
import { importBackup, type ImportSummary } from './import-backup.js';
import { requestPrimaryBackup } from './primary-request.js';

/** Default time allowed for the whole download. */
export const DEFAULT_SYNC_TIMEOUT_MS = 15_000;

/** Where and how to fetch the primary's backup. */
export interface PrimarySource {
  /** The primary's admin address, e.g. `https://192.168.1.10:8443` (a path prefix is kept). */
  readonly from: string;
  /** An API token created on the primary (`vigie token create secondary`). */
  readonly token: string;
  /** The primary certificate's SHA-256 fingerprint as typed (`sha256:AB:CD:…`); https only. */
  readonly fingerprint?: string;
  /** Allow plain http:// to another machine (the token and configuration cross the network in clear). */
  readonly insecureHttp?: boolean;
  readonly timeoutMs?: number;
}

/** The primary's `/api/backup` URL for an admin address; AppError SYNC_BAD_URL when unusable. */
export function backupUrlOf(from: string): URL {
  const base = checkListUrl(from.trim());
  if (!(base instanceof URL)) throw new AppError('SYNC_BAD_URL', `--from ${from}: ${base.message} (give the primary's admin address, e.g. https://192.168.1.10:8443)`);
  if (base.search !== '' || base.hash !== '') throw new AppError('SYNC_BAD_URL', `--from ${from}: give the admin address without ?query or #fragment`);
  const withSlash = base.pathname.endsWith('/') ? base : new URL(`${base.pathname}/`, base);
  return new URL('api/backup', withSlash);
}

/** True for this machine's own addresses: traffic to them never crosses the network. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The pin to check, after refusing the combinations that would send the token unprotected. */
function transportPolicy(url: URL, source: PrimarySource): string | null {
  const typed = source.fingerprint?.trim();
  const pin = typed === undefined || typed === '' ? null : parseFingerprint(typed);
  if (typed !== undefined && typed !== '' && pin === null) throw new AppError('SYNC_BAD_FINGERPRINT', `--fingerprint ${typed}: give the SHA-256 fingerprint as 'vigie doctor' on the primary prints it (${FINGERPRINT_PREFIX} and 32 pairs of hex digits, AB:CD:…)`);
  if (url.protocol === 'https:') return pin;
  if (pin !== null) throw new AppError('SYNC_BAD_URL', `--fingerprint checks an HTTPS certificate: give the primary's https:// address (https://${url.hostname}:8443 by default)`);
  if (!isLoopbackHost(url.hostname) && source.insecureHttp !== true) {
    throw new AppError('SYNC_INSECURE', `refusing to send the token over plain http:// to ${url.host}: anyone on the home network could read it, and with it the whole configuration, or answer in the primary's place. Use --from https://${url.hostname}:8443 --fingerprint sha256:… (the fingerprint 'vigie doctor' prints on the primary); only if the primary has HTTPS turned off, add --insecure-http`);
  }
  return null;
}

function httpProblem(status: number, url: URL, location: string | null): AppError {
  const where = url.origin;
  if (status >= 300 && status < 400 && location !== null && location.startsWith(`https://${url.hostname}`)) {
    const target = new URL(location);
    return new AppError('SYNC_REDIRECT', `${where} serves its admin page over HTTPS: use --from ${target.origin} with --fingerprint sha256:… (the fingerprint 'vigie doctor' prints on the primary); redirects are not followed, so the token cannot leak`);
  }
  if (status >= 300 && status < 400) return new AppError('SYNC_REDIRECT', `${where} answered with a redirect${location ? ` to ${location}` : ''}: give the primary's final admin address (redirects are not followed, so the token cannot leak)`);
  if (status === 401) return new AppError('SYNC_UNAUTHORIZED', `${where} refused the token (wrong or revoked): create one on the primary with 'vigie token create secondary'`);
  if (status === 403) return new AppError('SYNC_FORBIDDEN', `${where} does not allow this token to read the backup`);
  if (status === 404) return new AppError('SYNC_NOT_FOUND', `${url.href} does not exist: is ${where} the admin address of a Vigie with backups (same version as this one)?`);
  if (status === 421) return new AppError('SYNC_HOST', `${where} does not answer to this host name: use its IP address`);
  return new AppError('SYNC_HTTP', `${where} answered HTTP ${status} instead of the backup`);
}

function networkProblem(err: unknown, url: URL, timeoutMs: number): AppError {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new AppError('SYNC_TIMEOUT', `${url.origin} did not send the backup within ${Math.round(timeoutMs / 1000)} s`, { cause: err });
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED') return new AppError('SYNC_UNREACHABLE', `cannot connect to ${url.origin}: connection refused (is 'vigie serve' running there, on that port?)`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('SYNC_UNREACHABLE', `cannot find the host ${url.hostname}: use the primary's IP address`, { cause: err });
  // An HTTPS server hangs up on plain HTTP without a word.
  if (code === 'ECONNRESET' && url.protocol === 'http:') return new AppError('SYNC_UNREACHABLE', `${url.origin} closed the connection without answering: if it is the primary's HTTPS port, use https://${url.host} with --fingerprint sha256:… (the fingerprint 'vigie doctor' prints on the primary)`, { cause: err });
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') return new AppError('SYNC_UNREACHABLE', `${url.origin} does not speak HTTPS on that port: give the admin page's HTTPS port (8443 by default)`, { cause: err });
  return new AppError('SYNC_UNREACHABLE', `cannot reach ${url.origin}: ${e.cause?.message ?? e.message ?? String(err)}`, { cause: err });
}

/**
 * Downloads and validates the primary's backup.
 * @throws AppError SYNC_* (URL, transport policy, certificate, network, HTTP status, size) or
 *   VALIDATION (not a valid backup)
 */
export async function fetchPrimaryBackup(source: PrimarySource): Promise<BackupDocument> {
  const url = backupUrlOf(source.from);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(source.token)) throw new AppError('SYNC_BAD_TOKEN', 'the token is not an API token (vigie_… as printed by vigie token create)');
  const pin = transportPolicy(url, source);
  const timeoutMs = source.timeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  let text: string;
  try {
    const reply = await requestPrimaryBackup({ url, token: source.token, pin, signal: AbortSignal.timeout(timeoutMs), maxBytes: MAX_BACKUP_BYTES });
    if (reply.status !== 200 || reply.text === null) throw httpProblem(reply.status, url, reply.location);
    text = reply.text;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw networkProblem(err, url, timeoutMs);
  }
  return parseBackupText(text);
}

/** What one sync did. */
export interface SyncResult {
  /** False when the secondary already had the primary's configuration (nothing written). */
  readonly changed: boolean;
  /** Fingerprint of the primary's configuration. */
  readonly fingerprint: string;
  /** Per-table changes when something was applied. */
  readonly summary: ImportSummary | null;
}

/**
 * One sync round: fetch, compare with the local configuration, apply the differences. The local
 * admin password, sessions and tokens are never touched: a password hash in the primary's
 * document is dropped before the import.
 */
export async function syncFromPrimary(deps: PrimarySource & { readonly db: Database.Database; readonly dataDir: string }): Promise<SyncResult> {
  const doc = await fetchPrimaryBackup(deps);
  const fingerprint = backupFingerprint(doc.data);
  if (fingerprint === backupFingerprint(readBackupData(deps.db))) return { changed: false, fingerprint, summary: null };
  // Never the password: a backup that carries a hash (an older primary, a hand-made document,
  // anyone answering in the primary's place) must not choose the secondary's admin password.
  const { adminPasswordHash: _never, ...data } = doc.data;
  const summary = importBackup(deps.db, { ...doc, data });
  if (summary.changed) touchListsChanged(deps.dataDir);
  return { changed: summary.changed, fingerprint, summary };
}
