/**
 * The DNS server: UDP and TCP listeners on every configured address, bytes → DnsQuery through
 * the strict reader, the pipeline, and Resolution → bytes with the transport's size limit.
 * Malformed packets never enter the pipeline; a throw from the pipeline becomes SERVFAIL; nothing
 * a client sends can make this module throw out of a socket callback.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { parseQuery } from '../dns/query-reader.js';
import { AppError } from '../errors.js';
import { servfailAnswer } from './answers.js';
import { isUpstreamError } from './upstream-error.js';
import type { ResolverCounters } from './counters.js';
import { createTcpListener, type TcpLimits, type TcpListener } from './tcp-listener.js';
import { encodeAnswer, encodeRejection } from './wire-answer.js';
import type { Clock, DnsQuery, MaybePromise, Next, Resolution, Transport } from './types.js';

export interface DnsServerOptions {
  readonly hosts: readonly string[];
  readonly port: number;
  readonly handler: Next;
  readonly clock: Clock;
  readonly counters: ResolverCounters;
  readonly tcp: TcpLimits;
  /** Told about non-fatal problems (an address family missing, a socket error). */
  readonly warn: (msg: string, err?: unknown) => void;
}

export interface DnsServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Answers one packet as if it came from ip:port (what the sockets call; for tools and benches). */
  answer(packet: Buffer, ip: string, port: number, transport: Transport): MaybePromise<Buffer | null>;
  /** Bound addresses (useful with port 0). */
  addresses(): Array<{ transport: Transport; address: string; port: number }>;
}

/** '::ffff:10.0.0.1' → '10.0.0.1': one spelling per client for limits, lists and logs. */
export function unmapIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** Creates the server (listens on start()). */
export function createDnsServer(opts: DnsServerOptions): DnsServer {
  const { counters } = opts;
  const udpSockets: dgram.Socket[] = [];
  const tcpServers: TcpListener[] = [];

  /** Handles one packet from any transport. Returns the answer bytes or null (drop). */
  const handlePacket = (packet: Buffer, ip: string, port: number, transport: Transport): MaybePromise<Buffer | null> => {
    const parsed = parseQuery(packet);
    if (!parsed.ok) {
      if (parsed.drop) {
        counters.dropped++;
        return null;
      }
      counters.malformed++;
      return encodeRejection(packet, parsed);
    }
    const q: DnsQuery = {
      id: parsed.id,
      name: parsed.name,
      type: parsed.type,
      qclass: parsed.qclass,
      flags: parsed.flags,
      question: packet.subarray(12, parsed.questionEnd),
      edns: parsed.edns,
      client: { ip, port, transport },
      receivedAt: opts.clock(),
      requester: null,
    };
    let res: MaybePromise<Resolution>;
    try {
      res = opts.handler(q);
    } catch (err) {
      return encodeFailure(q, transport, err);
    }
    return res instanceof Promise ? res.then((r) => encodeResolution(q, r, transport), (err: unknown) => encodeFailure(q, transport, err)) : encodeResolution(q, res, transport);
  };

  const encodeResolution = (q: DnsQuery, res: Resolution, transport: Transport): Buffer => {
    const out = encodeAnswer(q, res, transport);
    if (out.truncated) counters.truncatedAnswers++;
    return out.bytes;
  };

  const encodeFailure = (q: DnsQuery, transport: Transport, err: unknown): Buffer => {
    if (!isUpstreamError(err)) opts.warn('query failed', err);
    return encodeResolution(q, servfailAnswer(q), transport);
  };

  const bindUdp = (host: string): Promise<dgram.Socket> =>
    new Promise((resolve, reject) => {
      const v6 = net.isIPv6(host);
      const socket = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, reuseAddr: false });
      // No per-send callback: a send error surfaces as the socket's 'error' event (warned below).
      const send = (bytes: Buffer | null, rinfo: dgram.RemoteInfo): void => {
        if (bytes !== null) socket.send(bytes, rinfo.port, rinfo.address);
      };
      socket.on('message', (msg, rinfo) => {
        // A synchronous throw here would escape the socket callback and end the process.
        let out: MaybePromise<Buffer | null>;
        try {
          out = handlePacket(msg, unmapIp(rinfo.address), rinfo.port, 'udp');
        } catch (err) {
          opts.warn('udp answer failed', err);
          return;
        }
        if (out instanceof Promise) out.then((b) => send(b, rinfo), (err) => opts.warn('udp answer failed', err));
        else send(out, rinfo);
      });
      socket.once('error', reject);
      socket.bind({ address: host, port: opts.port }, () => {
        socket.off('error', reject);
        socket.on('error', (err) => opts.warn('udp socket error', err));
        resolve(socket);
      });
    });

  const bindTcp = (host: string, port: number): Promise<TcpListener> =>
    new Promise((resolve, reject) => {
      const server = createTcpListener(opts.tcp, async (message, client) => handlePacket(message, client.ip, client.port, 'tcp'), {
        onConnection: () => counters.tcpConnections++,
        onRejected: () => counters.tcpRejected++,
        unmap: unmapIp,
      });
      server.once('error', reject);
      server.listen({ host, port, ipv6Only: net.isIPv6(host), backlog: 128 }, () => {
        server.off('error', reject);
        resolve(server);
      });
    });

  return {
    answer: handlePacket,
    async start() {
      for (const host of opts.hosts) {
        let udp: dgram.Socket;
        try {
          udp = await bindUdp(host);
        } catch (err) {
          // No IPv6 on this machine is common on small boards: keep serving IPv4.
          if (net.isIPv6(host) && opts.hosts.length > 1 && isAddressUnavailable(err)) {
            opts.warn(`IPv6 is not available here; not listening on [${host}]`, err);
            continue;
          }
          throw bindError(err, host, opts.port);
        }
        // Port 0: let TCP use the port the kernel gave UDP so both answer on one number. That
        // number may already be taken for TCP; then try another pair (a few times).
        for (let attempt = 0; ; attempt++) {
          const port = opts.port === 0 ? udp.address().port : opts.port;
          try {
            tcpServers.push(await bindTcp(host, port));
            udpSockets.push(udp);
            break;
          } catch (err) {
            if (opts.port !== 0 || attempt >= 10 || (err as { code?: string }).code !== 'EADDRINUSE') {
              udp.close();
              throw bindError(err, host, port);
            }
            udp.close();
            udp = await bindUdp(host);
          }
        }
      }
    },
    async stop() {
      await Promise.all(udpSockets.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
      await Promise.all(
        tcpServers.splice(0).map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r());
              // close() waits for open connections; a client holding one must not delay shutdown.
              s.closeAllConnections();
            }),
        ),
      );
    },
    addresses() {
      const out: Array<{ transport: Transport; address: string; port: number }> = [];
      for (const s of udpSockets) out.push({ transport: 'udp', address: s.address().address, port: s.address().port });
      for (const s of tcpServers) {
        const a = s.address() as net.AddressInfo;
        out.push({ transport: 'tcp', address: a.address, port: a.port });
      }
      return out;
    },
  };
}

function isAddressUnavailable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}

function bindError(err: unknown, host: string, port: number): AppError {
  const code = (err as { code?: string }).code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'PORT_DENIED',
      `cannot listen on ${where}: permission denied. Run as root, or allow Node to bind low ports with ` +
        `'sudo setcap cap_net_bind_service=+ep "$(readlink -f "$(command -v node)")"', or choose another port with VIGIE_DNS_PORT=5353`,
      { cause: err },
    );
  }
  if (code === 'EADDRINUSE') {
    return new AppError(
      'PORT_IN_USE',
      `cannot listen on ${where}: the port is already in use (often systemd-resolved or dnsmasq: see 'sudo ss -lunp sport = :${port}'); stop that service or set VIGIE_DNS_PORT`,
      { cause: err },
    );
  }
  return new AppError('LISTEN_FAILED', `cannot listen on ${where}: ${(err as Error).message ?? String(err)}`, { cause: err });
}
