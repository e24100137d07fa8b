/**
 * Makes the admin page's own certificate: ECDSA P-256 with SHA-256, for this machine's names and
 * addresses. Node 20 can create keys but not X.509 certificates, so the certificate is built by
 * @peculiar/x509 (maintained, typed, signs through Node's own WebCrypto: no crypto of its own).
 * It is loaded only here, on the first start or when the certificate is renewed.
 *
 * The shape follows what phones accept for a server certificate (Apple's iOS 13 rules apply to
 * user-trusted certificates too): names in subjectAltName, serverAuth usage, at most 825 days.
 * Not a CA (basicConstraints cA=false): trusting it in a browser trusts this box only.
 */
import { isIP } from 'node:net';
import { randomBytes, webcrypto } from 'node:crypto';

/** Days a generated certificate is valid: under Apple's 825-day limit for TLS server certificates. */
export const SELF_SIGNED_DAYS = 800;

/** A generated certificate and its private key (PKCS#8), both PEM. */
export interface GeneratedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** subjectAltName entries for host names and IP literals (`[::1]` unbracketed); anything else dropped. */
export function subjectAltNames(hosts: readonly string[]): Array<{ type: 'dns' | 'ip'; value: string }> {
  const out = new Map<string, { type: 'dns' | 'ip'; value: string }>();
  for (const raw of hosts) {
    const host = raw.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0) out.set(`ip:${host}`, { type: 'ip', value: host });
    else if (DNS_NAME.test(host)) out.set(`dns:${host}`, { type: 'dns', value: host });
  }
  return [...out.values()];
}

function pem(label: string, der: ArrayBuffer): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * A new self-signed certificate for `hosts` (names and IP literals), valid from a day before
 * `now` (a clock a little behind) for {@link SELF_SIGNED_DAYS} days.
 */
export async function generateSelfSignedCertificate(opts: { readonly hosts: readonly string[]; readonly now: number; readonly label: string }): Promise<GeneratedCertificate> {
  await import('reflect-metadata'); // @peculiar/x509's dependency injection needs it loaded first
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]); // Node's own WebCrypto
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero (RFC 5280 §4.1.2.2)
  const day = 86_400_000;
  const cn = opts.label.replace(/[^A-Za-z0-9 .()-]/g, '').slice(0, 60) || 'Vigie';
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${cn}, O=Vigie`,
    notBefore: new Date(opts.now - day),
    notAfter: new Date(opts.now + SELF_SIGNED_DAYS * day),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(opts.hosts)),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem').trim() + '\n', keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
