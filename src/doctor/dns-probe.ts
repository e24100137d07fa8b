/**
 * One DNS question over UDP with a deadline, for `vigie doctor` and `vigie healthcheck` (not the
 * query path): does a server answer at all, and with which RCODE. Only a real answer to our own
 * question counts: from the address and port asked, with our ID, the QR bit set and the same
 * question (case aside); anything else (a copy of the query, a stray packet) is ignored.
 */
import dgram from 'node:dgram';
import { isIP, isIPv6 } from 'node:net';
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
    socket.on('message', (msg, from) => {
      if (!isAnswerTo(packet, msg) || from.port !== port || (isIP(host) !== 0 && !sameAddress(from.address, host))) return; // not ours: keep waiting
      done({ ok: true, rcode: msg[3]! & 0x0f, ms: Math.round(performance.now() - started) });
    });
    socket.send(packet, port, host);
  });
}

/** ASCII letters folded to lower case (DNS names compare case-insensitively, RFC 4343). */
const fold = (b: number): number => (b >= 0x41 && b <= 0x5a ? b | 0x20 : b);

/**
 * Whether `msg` answers `query`: same ID, QR set, opcode QUERY, one question, and that question's
 * bytes equal the query's (name case aside).
 */
export function isAnswerTo(query: Buffer, msg: Buffer): boolean {
  if (msg.length < query.length || msg.readUInt16BE(0) !== query.readUInt16BE(0)) return false;
  if ((msg[2]! & 0x80) === 0 || (msg[2]! & 0x78) !== 0 || msg.readUInt16BE(4) !== 1) return false;
  for (let i = 12; i < query.length; i++) if (fold(msg[i]!) !== fold(query[i]!)) return false;
  return true;
}

function sameAddress(a: string, b: string): boolean {
  const strip = (x: string): string => x.replace(/^::ffff:/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return strip(a) === strip(b);
}
