/**
 * A test DNS client over real loopback sockets. It can bind its source address (127.0.0.2, …) to
 * act as another device, and decodes answers with dns2 so assertions do not trust our own reader.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dns2 from 'dns2';
import { buildQuery } from '../../src/dns/message-builder.js';
import { QType } from '../../src/dns/constants.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;

export interface Decoded {
  readonly id: number;
  readonly rcode: number;
  readonly tc: boolean;
  readonly answers: Array<{ name: string; type: number; ttl: number; address?: string; domain?: string; data?: unknown }>;
  readonly authorities: Array<{ name: string; type: number; ttl: number }>;
  readonly raw: Buffer;
}

/** Decodes with dns2 (independent of src/dns). */
export function decode(raw: Buffer): Decoded {
  const p = Packet.parse(raw);
  return { id: p.header.id, rcode: p.header.rcode, tc: p.header.tc === 1, answers: p.answers, authorities: p.authorities, raw };
}

let nextId = 1;

/** Query bytes for name/type (random-ish ID), optionally with EDNS. */
export function query(name: string, type: keyof typeof QType | number = 'A', edns?: { udpSize: number; dnssecOk?: boolean }): Buffer {
  const t = typeof type === 'number' ? type : QType[type];
  nextId = (nextId * 7919 + 13) & 0xffff || 1;
  return buildQuery({ id: nextId, name, type: t, ...(edns ? { edns: { udpSize: edns.udpSize, dnssecOk: edns.dnssecOk ?? false } } : {}) });
}

/** Sends raw bytes over UDP and resolves with the first reply (or null after timeoutMs). */
export function sendUdp(port: number, packet: Buffer, opts: { from?: string; timeoutMs?: number; host?: string } = {}): Promise<Buffer | null> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, opts.timeoutMs ?? 3000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.bind({ address: opts.from ?? (net.isIPv6(host) ? '::1' : '127.0.0.1'), port: 0 }, () => socket.send(packet, port, host));
  });
}

/** Sends one framed message over a new TCP connection and reads one framed reply. */
export function sendTcp(port: number, packet: Buffer, opts: { timeoutMs?: number; from?: string } = {}): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, ...(opts.from ? { localAddress: opts.from } : {}) });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, opts.timeoutMs ?? 3000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(null);
    });
    socket.on('connect', () => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(packet.length);
      socket.write(Buffer.concat([prefix, packet]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      }
    });
  });
}

/** Query + decode over UDP; throws if no answer came. */
export async function ask(port: number, name: string, type: keyof typeof QType | number = 'A', opts: { from?: string; edns?: { udpSize: number }; timeoutMs?: number } = {}): Promise<Decoded> {
  const raw = await sendUdp(port, query(name, type, opts.edns), opts);
  if (raw === null) throw new Error(`no answer for ${name}`);
  return decode(raw);
}
