/**
 * HTTPS on loopback for tests: a request that trusts exactly one certificate (the server's own,
 * checked as a browser would once the parent accepted it: chain and name), and the fingerprint
 * a server presents, read without trusting it.
 */
import { request } from 'node:https';
import { connect } from 'node:tls';

/** What came back. */
export interface HttpsReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request to `url`, trusting `ca` (PEM) only; `host` overrides the Host header. */
export function httpsRequest(url: string, opts: { ca: string; method?: string; headers?: Record<string, string>; body?: string; servername?: string }): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? 'GET', headers: opts.headers ?? {}, ca: opts.ca, agent: false, timeout: 5000,
      ...(opts.servername ? { servername: opts.servername } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The SHA-256 fingerprint (`AB:CD:…`) of the certificate served on 127.0.0.1:`port`. */
export function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, timeout: 5000 }, () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (cert === undefined) reject(new Error('no certificate'));
      else resolve(cert.fingerprint256);
    });
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
    socket.on('error', reject);
  });
}
