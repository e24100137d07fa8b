/**
 * One DNS question over UDP with a deadline, for `vigie doctor` (not the query path): does a
 * server answer at all, and with which RCODE.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { randomInt } from 'node:crypto';
import { QType } from '../dns/constants.js';
import { buildQuery } from '../dns/message-builder.js';

/** The outcome of one probe. */
export type ProbeResult = { readonly ok: true; readonly rcode: number; readonly ms: number } | { readonly ok: false; readonly error: string };

/** Asks `host:port` for `name`/`type`; resolves (never rejects) within `timeoutMs`. */
export function probeDns(host: string, port: number, opts: { name?: string; type?: number; timeoutMs?: number } = {}): Promise<ProbeResult> {
  const id = randomInt(0, 0x10000);
  const packet = buildQuery({ id, name: opts.name ?? '', type: opts.type ?? QType.NS });
  const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  const started = performance.now();
  return new Promise<ProbeResult>((resolve) => {
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer within ${opts.timeoutMs ?? 2000} ms` }), opts.timeoutMs ?? 2000);
    socket.on('error', (err) => done({ ok: false, error: err.message }));
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return; // not ours: keep waiting
      done({ ok: true, rcode: msg[3]! & 0x0f, ms: Math.round(performance.now() - started) });
    });
    socket.send(packet, port, host);
  });
}
