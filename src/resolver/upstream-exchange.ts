/**
 * One query to one upstream over UDP or TCP, with the RFC 5452 checks: a random ID on a socket
 * with a random port (UDP: a pooled socket picked at random, TCP: a fresh connection), and a reply
 * accepted only when it comes from the server's address and port, carries our ID and repeats our
 * exact question. Anything else is counted as unwanted and ignored (UDP) or fails the exchange
 * (TCP, where the stream is ours).
 */
import net from 'node:net';
import { parseReply, type ParsedReply } from '../dns/reply-reader.js';
import type { UdpSocketPool } from './udp-socket-pool.js';

/** Where to send, with the host in canonical text form (see canonicalHost). */
export interface UpstreamServer {
  readonly transport: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

/** What the reply must repeat. */
export interface Expected {
  readonly id: number;
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
}

export interface ExchangeResult {
  readonly message: Buffer;
  readonly reply: ParsedReply;
}

/** Raised for a timeout, so the caller can count it apart from other failures. */
export class ExchangeTimeout extends Error {
  constructor(server: UpstreamServer, ms: number) {
    super(`${server.transport}://${server.host}:${server.port} gave no answer in ${ms} ms`);
    this.name = 'ExchangeTimeout';
  }
}

/** Canonical text of an IP literal, as the socket layer reports peers ('::0001' → '::1'). */
export function canonicalHost(host: string): string {
  return net.isIPv6(host) ? new URL(`http://[${host}]/`).hostname.slice(1, -1) : host;
}

function matches(reply: ParsedReply, expect: Expected): boolean {
  return reply.id === expect.id && reply.name === expect.name && reply.type === expect.type && reply.qclass === expect.qclass;
}

/**
 * Sends a query over UDP on a pooled, connected socket (see udp-socket-pool.ts) and resolves with
 * the first reply that carries the ID and repeats the question (the kernel already checked the
 * address and port; they are checked again here). Other packets are counted by the pool.
 */
export function udpExchange(pool: UdpSocketPool, server: UpstreamServer, makeQuery: (id: number) => Buffer, expect: Omit<Expected, 'id'>, timeoutMs: number): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const socket = pool.pick();
    let done = false;
    let id = 0;
    const finish = (err: Error | null, result?: ExchangeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.release(id);
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new ExchangeTimeout(server, timeoutMs)), timeoutMs);
    id = socket.send(makeQuery, {
      offer(msg, rinfo) {
        if (rinfo.port !== server.port || rinfo.address !== server.host) return false;
        const reply = parseReply(msg);
        // A malformed packet with our ID from the server's address: the server is broken.
        if (typeof reply === 'string') {
          finish(new Error(`malformed reply: ${reply}`));
          return true;
        }
        if (reply.id !== id || reply.name !== expect.name || reply.type !== expect.type || reply.qclass !== expect.qclass) return false;
        finish(null, { message: msg, reply });
        return true;
      },
      fail: (err) => finish(err),
    });
  });
}

/** Largest reply accepted over TCP (the 16-bit length prefix allows no more). */
const MAX_TCP_MESSAGE = 65535;

/** Sends `query` over TCP (RFC 7766 framing) on a fresh connection and reads one reply. */
export function tcpExchange(server: UpstreamServer, query: Buffer, expect: Expected, timeoutMs: number): Promise<ExchangeResult> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let done = false;
    let buffered = Buffer.alloc(0);
    const finish = (err: Error | null, result?: ExchangeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new ExchangeTimeout(server, timeoutMs)), timeoutMs);
    socket.setNoDelay(true);
    socket.on('error', (err) => finish(err));
    socket.on('close', () => finish(new Error('connection closed before the reply')));
    socket.on('connect', () => {
      const prefix = Buffer.allocUnsafe(2);
      prefix.writeUInt16BE(query.length, 0);
      socket.write(Buffer.concat([prefix, query]));
    });
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_TCP_MESSAGE + 2) return finish(new Error('reply too long'));
      if (buffered.length < 2) return;
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) return;
      const msg = Buffer.from(buffered.subarray(2, 2 + len));
      const reply = parseReply(msg);
      if (typeof reply === 'string') return finish(new Error(`malformed reply: ${reply}`));
      if (!matches(reply, expect)) return finish(new Error('reply does not match the query'));
      finish(null, { message: msg, reply });
    });
  });
}
