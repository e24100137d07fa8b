/**
 * The admin page's certificate: the one the parents provide (VIGIE_ADMIN_TLS_CERT and
 * VIGIE_ADMIN_TLS_KEY), or Vigie's own, made on the first start and kept in `<data dir>/tls/`
 * (folder 0700, key 0600) so its fingerprint stays the same across restarts: a parent compares
 * it once with the browser's and a secondary pins it (`vigie sync --fingerprint`). Vigie's own is
 * made again only when it is missing, damaged, or within 30 days of its end; the log says so.
 */
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../../config.js';
import { writeFileAtomically } from '../../blocklists/subscriptions/list-files.js';
import { AppError } from '../../errors.js';
import { certificateFingerprint } from '../../net/cert-fingerprint.js';
import { defaultAllowedHosts } from '../host-allowlist.js';
import { generateSelfSignedCertificate } from './self-signed.js';

/** Vigie's own certificate is made again when it ends within this time. */
export const RENEW_BEFORE_MS = 30 * 86_400_000;

/** A certificate ready for the HTTPS server. */
export interface AdminCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 fingerprint, `AB:CD:…`. */
  readonly fingerprint: string;
  readonly source: 'self-signed' | 'provided';
  readonly certFile: string;
  readonly keyFile: string;
  /** End of validity (ms since epoch). */
  readonly notAfter: number;
  /** Why Vigie's own certificate was made at this start (null: reused, or provided). */
  readonly madeBecause: string | null;
}

/** Where Vigie keeps its own certificate. */
export function selfSignedFiles(dataDir: string): { certFile: string; keyFile: string } {
  const dir = join(dataDir, 'tls');
  return { certFile: join(dir, 'admin-cert.pem'), keyFile: join(dir, 'admin-key.pem') };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied (the vigie user must be able to read it)' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new AppError('TLS_UNREADABLE', `cannot read the ${what} ${file}: ${why}`, { cause: err });
  }
}

/** How a parent's files are named in messages: by their variables, so the fix is obvious. */
export const PROVIDED_FILE_NAMES = { cert: 'certificate (VIGIE_ADMIN_TLS_CERT)', key: 'private key (VIGIE_ADMIN_TLS_KEY)' } as const;

/** A certificate and key pair read from files, checked to belong together. */
export interface CertificatePair {
  readonly certPem: string;
  readonly keyPem: string;
  readonly cert: X509Certificate;
}

/**
 * Reads and checks a PEM certificate (the first of a chain) and its private key.
 * @throws AppError TLS_UNREADABLE, TLS_BAD_CERT, TLS_BAD_KEY, TLS_KEY_MISMATCH with the file named
 */
export function readCertificatePair(certFile: string, keyFile: string, names: { readonly cert: string; readonly key: string } = { cert: 'certificate', key: 'private key' }): CertificatePair {
  const certPem = readText(certFile, names.cert);
  const keyPem = readText(keyFile, names.key);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new AppError('TLS_BAD_CERT', `the ${names.cert} ${certFile} is not a PEM certificate (-----BEGIN CERTIFICATE-----)`, { cause: err });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new AppError('TLS_BAD_KEY', `the ${names.key} ${keyFile} is not an unencrypted PEM private key (a key with a passphrase cannot be used)`, { cause: err });
  }
  if (!cert.checkPrivateKey(key)) throw new AppError('TLS_KEY_MISMATCH', `the ${names.key} ${keyFile} does not belong to the ${names.cert} ${certFile}`);
  return { certPem, keyPem, cert };
}

const describe = (pair: CertificatePair, files: { certFile: string; keyFile: string }, source: AdminCertificate['source'], madeBecause: string | null): AdminCertificate => ({
  certPem: pair.certPem, keyPem: pair.keyPem, fingerprint: certificateFingerprint(pair.cert), source, ...files, notAfter: Date.parse(pair.cert.validTo), madeBecause,
});

/** Why Vigie's own certificate must be made (again), or null when the kept one is good. */
function renewalReason(files: { certFile: string; keyFile: string }, now: number): { pair: CertificatePair | null; reason: string | null } {
  let pair: CertificatePair;
  try {
    pair = readCertificatePair(files.certFile, files.keyFile);
  } catch (err) {
    const code = (err as AppError).code;
    if (code === 'TLS_UNREADABLE' && /no such file/.test((err as Error).message)) return { pair: null, reason: 'first start' };
    if (code === 'TLS_UNREADABLE') throw err; // a permission problem: never overwrite what cannot be read
    return { pair: null, reason: `the kept one was damaged (${(err as Error).message})` };
  }
  const end = Date.parse(pair.cert.validTo);
  if (now > end - RENEW_BEFORE_MS) return { pair: null, reason: `the kept one ${now > end ? 'ended' : 'ends'} on ${new Date(end).toISOString().slice(0, 10)}` };
  return { pair, reason: null };
}

/**
 * The certificate for the admin page: the provided files when VIGIE_ADMIN_TLS_CERT/KEY are set
 * (never replaced), else Vigie's own (reused, or made and kept).
 * @throws AppError TLS_* with a sentence naming the file and what to do
 */
export async function loadAdminCertificate(config: Config, now: number): Promise<AdminCertificate> {
  const { tlsCert, tlsKey } = config.admin;
  if (tlsCert !== '' && tlsKey !== '') {
    const files = { certFile: resolve(tlsCert), keyFile: resolve(tlsKey) };
    const pair = readCertificatePair(files.certFile, files.keyFile, PROVIDED_FILE_NAMES);
    return describe(pair, files, 'provided', null);
  }
  const files = selfSignedFiles(config.dataDir);
  const { pair, reason } = renewalReason(files, now);
  if (pair !== null) return describe(pair, files, 'self-signed', null);
  const made = await generateSelfSignedCertificate({ hosts: defaultAllowedHosts(config.admin.host), now, label: `Vigie (${hostname()})` });
  const dir = join(files.keyFile, '..');
  // The folder is closed first, so the key is never readable by others, even for an instant.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileAtomically(files.keyFile, made.keyPem);
  chmodSync(files.keyFile, 0o600);
  writeFileAtomically(files.certFile, made.certPem);
  return describe(readCertificatePair(files.certFile, files.keyFile), files, 'self-signed', reason);
}
