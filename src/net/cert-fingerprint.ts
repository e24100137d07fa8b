/**
 * Certificate fingerprints as people compare them: the SHA-256 of the certificate's DER bytes,
 * written as 32 upper-case hex pairs joined by colons (what Firefox shows, what Node's
 * X509Certificate.fingerprint256 gives), and `sha256:` in front where a command takes one.
 * Browsers show the same bytes with spaces (Chrome) or in lower case: the parser accepts those.
 */
import { X509Certificate } from 'node:crypto';

/** The prefix `vigie sync --fingerprint` expects and `vigie doctor` prints. */
export const FINGERPRINT_PREFIX = 'sha256:';

/** `AB:CD:…` (32 pairs) of a certificate, PEM text or DER bytes. @throws when it is no certificate */
export function certificateFingerprint(cert: string | Buffer | X509Certificate): string {
  return (cert instanceof X509Certificate ? cert : new X509Certificate(cert)).fingerprint256.toUpperCase();
}

/**
 * A fingerprint as typed (`sha256:AB:CD:…`, `AB CD …`, `abcd…`) → `AB:CD:…`, or null when it is
 * not 64 hex digits (another hash, a truncated copy).
 */
export function parseFingerprint(text: string): string | null {
  const bare = text.trim().replace(/^sha-?256[:=]?/i, '').replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(bare)) return null;
  return bare.toUpperCase().match(/../g)!.join(':');
}
