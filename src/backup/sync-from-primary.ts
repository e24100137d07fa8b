/**
 * A secondary Vigie follows a primary: fetch the primary's backup from its admin API
 * (`GET /api/backup`, `Authorization: Bearer <token>`) and apply it locally when the configuration
 * differs (fingerprints compared, see backupFingerprint). Only what differs is written, in one
 * transaction; the lists stamp is touched so the secondary's `vigie serve` reloads.
 * http/https only, no redirects followed (the token must not travel elsewhere), one timeout
 * for the whole exchange, a size cap, and every failure an AppError with a sentence to act on.
 */
import type Database from 'better-sqlite3';
import { checkListUrl } from '../blocklists/subscriptions/downloader.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { backupFingerprint, MAX_BACKUP_BYTES, parseBackupText, type BackupDocument } from './backup-format.js';
import { readBackupData } from './export-backup.js';
import { importBackup, type ImportSummary } from './import-backup.js';

/** Default time allowed for the whole download. */
export const DEFAULT_SYNC_TIMEOUT_MS = 15_000;

/** Where and how to fetch the primary's backup. */
export interface PrimarySource {
  /** The primary's admin address, e.g. `http://192.168.1.10:8080` (a path prefix is kept). */
  readonly from: string;
  /** An API token created on the primary (`vigie token create secondary`). */
  readonly token: string;
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

/** The primary's `/api/backup` URL for an admin address; AppError SYNC_BAD_URL when unusable. */
export function backupUrlOf(from: string): URL {
  const base = checkListUrl(from.trim());
  if (!(base instanceof URL)) throw new AppError('SYNC_BAD_URL', `--from ${from}: ${base.message} (give the primary's admin address, e.g. http://192.168.1.10:8080)`);
  if (base.search !== '' || base.hash !== '') throw new AppError('SYNC_BAD_URL', `--from ${from}: give the admin address without ?query or #fragment`);
  const withSlash = base.pathname.endsWith('/') ? base : new URL(`${base.pathname}/`, base);
  return new URL('api/backup', withSlash);
}

function httpProblem(status: number, url: URL, location: string | null): AppError {
  const where = url.origin;
  if (status >= 300 && status < 400) return new AppError('SYNC_REDIRECT', `${where} answered with a redirect${location ? ` to ${location}` : ''}: give the primary's final admin address (redirects are not followed, so the token cannot leak)`);
  if (status === 401) return new AppError('SYNC_UNAUTHORIZED', `${where} refused the token (wrong or revoked): create one on the primary with 'vigie token create secondary'`);
  if (status === 403) return new AppError('SYNC_FORBIDDEN', `${where} does not allow this token to read the backup`);
  if (status === 404) return new AppError('SYNC_NOT_FOUND', `${url.href} does not exist: is ${where} the admin address of a Vigie with backups (same version as this one)?`);
  if (status === 421) return new AppError('SYNC_HOST', `${where} does not answer to this host name: use its IP address`);
  return new AppError('SYNC_HTTP', `${where} answered HTTP ${status} instead of the backup`);
}

function networkProblem(err: unknown, url: URL, timeoutMs: number): AppError {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new AppError('SYNC_TIMEOUT', `${url.origin} did not send the backup within ${Math.round(timeoutMs / 1000)} s`, { cause: err });
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return new AppError('SYNC_UNREACHABLE', `cannot connect to ${url.origin}: connection refused (is 'vigie serve' running there, on that port?)`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new AppError('SYNC_UNREACHABLE', `cannot find the host ${url.hostname}: use the primary's IP address`, { cause: err });
  return new AppError('SYNC_UNREACHABLE', `cannot reach ${url.origin}: ${e.cause?.message ?? e.message ?? String(err)}`, { cause: err });
}

async function readCapped(res: Response, url: URL): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  const tooBig = (): AppError => new AppError('SYNC_TOO_LARGE', `${url.origin} sent more than ${MAX_BACKUP_BYTES / 1024 / 1024} MiB: not a Vigie backup`);
  if (declared > MAX_BACKUP_BYTES) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_BACKUP_BYTES) throw tooBig();
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Downloads and validates the primary's backup.
 * @throws AppError SYNC_* (URL, network, HTTP status, size) or VALIDATION (not a valid backup).
 */
export async function fetchPrimaryBackup(source: PrimarySource): Promise<BackupDocument> {
  const url = backupUrlOf(source.from);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(source.token)) throw new AppError('SYNC_BAD_TOKEN', 'the token is not an API token (vigie_… as printed by vigie token create)');
  const timeoutMs = source.timeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let text: string;
  try {
    const res = await (source.fetchImpl ?? fetch)(url, { headers: { authorization: `Bearer ${source.token}`, accept: 'application/json' }, redirect: 'manual', signal });
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw httpProblem(res.status, url, res.headers.get('location'));
    }
    text = await readCapped(res, url);
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
