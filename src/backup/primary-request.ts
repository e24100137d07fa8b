/**
 * The one request a secondary makes to its primary: `GET /api/backup` with the sync token, over
 * plain HTTP or over HTTPS. Over HTTPS the certificate is checked BEFORE a byte of the request
 * (and so the token) is written: against the pinned SHA-256 fingerprint when one is given (Vigie's
 * own certificate is self-signed: the pin is what makes it trustworthy), else by the usual chain
 * and name checks. node:http/node:tls rather than fetch: fetch cannot pin a certificate.
 * One signal bounds the whole exchange; the body is capped; redirects are not followed.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { AppError } from '../errors.js';
import { certificateFingerprint, FINGERPRINT_PREFIX } from '../net/cert-fingerprint.js';

/** What came back: the status, a redirect's target, and the body of a 200. */
export interface PrimaryReply {
  readonly status: number;
  readonly location: string | null;
  readonly text: string | null;
}

/** One request. `pin`: `AB:CD:…` (parseFingerprint), or null for the usual certificate checks. */
export interface PrimaryRequest {
  readonly url: URL;
  readonly token: string;
  readonly pin: string | null;
  readonly signal: AbortSignal;
  readonly maxBytes: number;
}

const bareHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

function certificateProblem(url: URL, socket: TLSSocket, pin: string | null): AppError | null {
  const cert = socket.getPeerX509Certificate();
  const seen = cert === undefined ? null : `${FINGERPRINT_PREFIX}${certificateFingerprint(cert)}`;
  if (pin !== null) {
    if (seen === `${FINGERPRINT_PREFIX}${pin}`) return null;
    return new AppError('SYNC_CERT_MISMATCH', `${url.origin} presented a certificate with the fingerprint ${seen ?? '(none)'}, not the ${FINGERPRINT_PREFIX}${pin} given with --fingerprint: the token was not sent. If the primary's certificate was renewed, 'vigie doctor' on the primary shows the new fingerprint; otherwise another machine is answering in its place`);
  }
  if (socket.authorized) return null;
  return new AppError('SYNC_CERT_UNTRUSTED', `${url.origin} presented a certificate that no authority vouches for (${String(socket.authorizationError)}), as Vigie's own certificate is: the token was not sent. Run 'vigie doctor' on the primary; if it shows the fingerprint ${seen ?? '(none)'}, add --fingerprint ${seen ?? 'sha256:…'}`);
}

/** A TLS connection whose certificate passed; nothing has been written on it yet. */
function openVerifiedTls(url: URL, pin: string | null, signal: AbortSignal): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const host = bareHost(url);
    const socket = connect({
      host, port: Number(url.port || 443), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'],
      // SNI carries names only (RFC 6066 §3); an address is checked against the certificate's IP entries.
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    const onAbort = (): void => void socket.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => signal.removeEventListener('abort', onAbort);
    socket.once('error', (err) => {
      settle();
      reject(err);
    });
    socket.once('secureConnect', () => {
      settle();
      const problem = certificateProblem(url, socket, pin);
      if (problem === null) return resolve(socket);
      socket.destroy();
      reject(problem);
    });
  });
}

async function readCapped(res: IncomingMessage, maxBytes: number, tooBig: () => AppError): Promise<string> {
  if (Number(res.headers['content-length'] ?? '0') > maxBytes) throw tooBig();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).byteLength;
    if (size > maxBytes) throw tooBig();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends the request and reads the reply (the body only for a 200).
 * @throws AppError SYNC_CERT_MISMATCH / SYNC_CERT_UNTRUSTED / SYNC_TOO_LARGE; network errors as they come
 */
export async function requestPrimaryBackup(r: PrimaryRequest): Promise<PrimaryReply> {
  const { url, signal } = r;
  const tls = url.protocol === 'https:' ? await openVerifiedTls(url, r.pin, signal) : null;
  const headers = { host: url.host, authorization: `Bearer ${r.token}`, accept: 'application/json' };
  let req: ClientRequest | null = null;
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      req = request({
        host: bareHost(url), port: Number(url.port || (tls ? 443 : 80)), path: `${url.pathname}${url.search}`, method: 'GET', headers, signal,
        ...(tls ? { createConnection: () => tls } : { agent: false }),
      }, resolve);
      req.once('error', reject);
      req.end();
    });
    if (res.statusCode !== 200) {
      res.resume();
      return { status: res.statusCode ?? 0, location: typeof res.headers.location === 'string' ? res.headers.location : null, text: null };
    }
    const tooBig = (): AppError => new AppError('SYNC_TOO_LARGE', `${url.origin} sent more than ${r.maxBytes / 1024 / 1024} MiB: not a Vigie backup`);
    return { status: 200, location: null, text: await readCapped(res, r.maxBytes, tooBig) };
  } finally {
    (req as ClientRequest | null)?.destroy();
    tls?.destroy();
  }
}
