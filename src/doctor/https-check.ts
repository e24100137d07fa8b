/**
 * `vigie doctor`'s look at the admin page's HTTPS: is it on, which certificate, until when, and
 * its SHA-256 fingerprint, printed so a parent can compare it with what the browser shows and
 * give it to a secondary (`vigie sync --fingerprint`). When the page is running, the certificate
 * it actually serves is compared with the file (a renewed file is served after a restart).
 * Read-only: Vigie's own certificate is only ever made by `vigie serve`.
 */
import { connect } from 'node:tls';
import { PROVIDED_FILE_NAMES, readCertificatePair, RENEW_BEFORE_MS, selfSignedFiles } from '../admin/tls/admin-certificate.js';
import type { Config } from '../config.js';
import type { AppError } from '../errors.js';
import { certificateFingerprint, FINGERPRINT_PREFIX } from '../net/cert-fingerprint.js';
import type { Finding } from './checks.js';

/** The fingerprint served on the admin HTTPS port of this machine, or null when nothing answers. */
export function servedAdminFingerprint(config: Config, timeoutMs = 1500): Promise<string | null> {
  const { host, httpsPort } = config.admin;
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return new Promise((resolve) => {
    const socket = connect({ host: target, port: httpsPort, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      resolve(cert === undefined ? null : certificateFingerprint(cert));
    });
    socket.once('timeout', () => socket.destroy());
    socket.once('close', () => resolve(null)); // no-op once resolved
    socket.once('error', () => resolve(null));
  });
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The HTTPS finding, plus one when the running page serves another certificate than the file's. */
export async function checkAdminHttps(config: Config, now: number): Promise<Finding[]> {
  const { admin } = config;
  if (admin.https === 'off') {
    return [{ check: 'https', status: 'warn', message: 'the admin page is plain HTTP (VIGIE_ADMIN_HTTPS=off): its password and sessions cross the home network unencrypted', fix: 'remove VIGIE_ADMIN_HTTPS=off (HTTPS is the default) and restart Vigie' }];
  }
  const provided = admin.tlsCert !== '' && admin.tlsKey !== '';
  const files = provided ? { certFile: admin.tlsCert, keyFile: admin.tlsKey } : selfSignedFiles(config.dataDir);
  let pair;
  try {
    pair = provided ? readCertificatePair(files.certFile, files.keyFile, PROVIDED_FILE_NAMES) : readCertificatePair(files.certFile, files.keyFile);
  } catch (err) {
    const message = (err as AppError).message;
    if (provided) return [{ check: 'https', status: 'fail', message: `admin page certificate: ${message}`, fix: 'fix VIGIE_ADMIN_TLS_CERT / VIGIE_ADMIN_TLS_KEY (paths, permissions for the vigie user) and restart Vigie; until then the admin page is off (DNS keeps filtering)' }];
    if (/no such file/.test(message)) return [{ check: 'https', status: 'warn', message: `Vigie has not made its admin page certificate yet (${files.certFile})`, fix: 'start Vigie: it makes one on its first start' }];
    if (/permission denied/.test(message)) return [{ check: 'https', status: 'warn', message: `admin page certificate: ${message}`, fix: 'run vigie doctor as the user running Vigie (e.g. sudo -u vigie vigie doctor)' }];
    return [{ check: 'https', status: 'warn', message: `admin page certificate: ${message}`, fix: 'restart Vigie: it makes a new certificate (its fingerprint changes: accept it again in the browser and give it to a secondary)' }];
  }
  const fingerprint = certificateFingerprint(pair.cert);
  const end = Date.parse(pair.cert.validTo);
  const whose = provided ? `your certificate ${files.certFile}` : "Vigie's own certificate";
  const finding: Finding = now > end
    ? { check: 'https', status: 'fail', message: `the admin page certificate (${whose}) ended on ${day(end)}: browsers refuse it`, fix: provided ? 'renew your certificate and restart Vigie' : 'restart Vigie: it makes a new one' }
    : provided && now > end - RENEW_BEFORE_MS
      ? { check: 'https', status: 'warn', message: `the admin page certificate (${whose}) ends on ${day(end)}`, fix: 'renew it and restart Vigie' }
      : { check: 'https', status: 'ok', message: `admin page over HTTPS on port ${admin.httpsPort} with ${whose} (until ${day(end)}); SHA-256 fingerprint ${FINGERPRINT_PREFIX}${fingerprint} (compare it with the browser's; give it to a secondary: vigie sync --fingerprint)` };
  const served = await servedAdminFingerprint(config);
  if (served === null || served === fingerprint) return [finding];
  return [finding, { check: 'https', status: 'warn', message: `the running admin page serves another certificate (${FINGERPRINT_PREFIX}${served}) than ${files.certFile}`, fix: 'restart Vigie to serve the certificate on file' }];
}
