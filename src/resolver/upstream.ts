/**
 * The upstream client: tries the configured servers in order (healthy ones first), each within a
 * per-try timeout and all within one budget (RFC 8767's 1.8 s client timer), retries over TCP when
 * a UDP reply is truncated (RFC 7766 §5), and treats SERVFAIL/REFUSED as "try the next one".
 * A server that timed out or broke is tried last for `downMs` (rechecked no more often).
 */
import { Rcode } from '../dns/constants.js';
import { buildQueryFromQuestion } from '../dns/message-builder.js';
import type { ParsedReply } from '../dns/reply-reader.js';
import { cleanReply } from '../dns/reply-scrub.js';
import { recordUpstreamLatency, type ResolverCounters } from './counters.js';
import { UpstreamError } from './upstream-error.js';
import { canonicalHost, ExchangeTimeout, tcpExchange, udpExchange, type Expected, type ExchangeResult, type UpstreamServer } from './upstream-exchange.js';
import type { Clock, DnsQuery } from './types.js';
import { createUdpSocketPool, type UdpSocketPool } from './udp-socket-pool.js';

/** Our EDNS buffer towards upstreams (DNS Flag Day 2020). */
const UPSTREAM_UDP_SIZE = 1232;

/** An upstream answer, OPT and out-of-chain records removed, ready for patching to the client. */
export interface UpstreamAnswer {
  readonly message: Buffer;
  readonly reply: ParsedReply;
  readonly server: string;
}

export interface UpstreamClient {
  /**
   * Resolves the query's question (its bytes as the client sent them, and the name, type and class
   * the wire reader already read from them). Throws UpstreamError on failure.
   */
  resolve(q: Pick<DnsQuery, 'question' | 'name' | 'type' | 'qclass' | 'flags' | 'edns'>): Promise<UpstreamAnswer>;
  /** Closes the pooled sockets. */
  close(): void;
  /** Per server: label and whether it is currently considered down. */
  health(): Array<{ server: string; down: boolean; lastError: string | null }>;
}

export interface UpstreamOptions {
  readonly servers: readonly UpstreamServer[];
  readonly timeoutMs: number;
  readonly budgetMs: number;
  readonly downMs?: number;
  readonly clock: Clock;
  readonly randomId: () => number;
  readonly counters: ResolverCounters;
}

interface ServerState {
  readonly server: UpstreamServer;
  readonly pool: UdpSocketPool;
  readonly label: string;
  downUntil: number;
  lastError: string | null;
}

const RETRYABLE_RCODES = new Set<number>([Rcode.SERVFAIL, Rcode.REFUSED, Rcode.NOTIMP, Rcode.FORMERR]);

/** Creates the client. */
export function createUpstreamClient(opts: UpstreamOptions): UpstreamClient {
  const downMs = opts.downMs ?? 30_000;
  const counters = opts.counters;
  const states: ServerState[] = opts.servers.map((s) => {
    const server = { ...s, host: canonicalHost(s.host) };
    const label = `${s.transport}://${server.host.includes(':') ? `[${server.host}]` : server.host}:${s.port}`;
    const pool = createUdpSocketPool({ host: server.host, port: server.port, randomId: opts.randomId, onUnwanted: () => counters.unwantedReplies++ });
    return { server, pool, label, downUntil: 0, lastError: null };
  });

  const exchangeOnce = async (st: ServerState, question: Buffer, flags: number, dnssecOk: boolean, expect: Omit<Expected, 'id'>, ms: number): Promise<ExchangeResult> => {
    const makeQuery = (id: number): Buffer => buildQueryFromQuestion(id, flags, question, { udpSize: UPSTREAM_UDP_SIZE, dnssecOk });
    counters.upstreamQueries++;
    if (st.server.transport === 'tcp') {
      const id = opts.randomId();
      return tcpExchange(st.server, makeQuery(id), { ...expect, id }, ms);
    }
    const started = opts.clock();
    const res = await udpExchange(st.pool, st.server, makeQuery, expect, ms);
    if (!res.reply.truncated) return res;
    // TC=1: the full answer only fits over TCP (RFC 7766 §5); fresh ID, remaining time.
    const left = Math.max(ms - (opts.clock() - started), 1);
    const tcpId = opts.randomId();
    const tcpQuery = buildQueryFromQuestion(tcpId, flags, question, { udpSize: UPSTREAM_UDP_SIZE, dnssecOk });
    counters.upstreamQueries++;
    return tcpExchange(st.server, tcpQuery, { ...expect, id: tcpId }, left);
  };

  return {
    close() {
      for (const st of states) st.pool.close();
    },
    health: () => states.map((s) => ({ server: s.label, down: s.downUntil > opts.clock(), lastError: s.lastError })),
    async resolve(q) {
      const { question } = q;
      const dnssecOk = q.edns?.dnssecOk ?? false;
      const expect = { name: q.name, type: q.type, qclass: q.qclass };
      const flags = (q.flags & 0x0010) | 0x0100; // CD as the client asked, RD always
      const deadline = opts.clock() + opts.budgetMs;
      let lastError = 'no upstream configured';
      // Two passes at most: with a single server, a lost packet gets one more chance in budget.
      for (let pass = 0; pass < 2; pass++) {
        const now = opts.clock();
        // Healthy servers first, in configured order; sort only when one is down (rare).
        const order = states.some((s) => s.downUntil > now) ? [...states].sort((a, b) => Number(a.downUntil > now) - Number(b.downUntil > now)) : states;
        for (const st of order) {
          const left = deadline - opts.clock();
          if (left <= 0) break;
          try {
            const started = performance.now();
            const res = await exchangeOnce(st, question, flags, dnssecOk, expect, Math.min(opts.timeoutMs, left));
            recordUpstreamLatency(counters, performance.now() - started);
            if (RETRYABLE_RCODES.has(res.reply.rcode)) {
              lastError = `${st.label} answered rcode ${res.reply.rcode}`;
              st.lastError = lastError;
              continue;
            }
            st.downUntil = 0;
            // Out-of-chain records go here, before the cache, so no client ever gets them.
            const clean = cleanReply(res.message, res.reply);
            if (typeof clean === 'string') {
              lastError = `${st.label} sent a reply that cannot be cleaned: ${clean}`;
              st.lastError = lastError;
              continue;
            }
            st.lastError = null;
            return { message: clean.message, reply: clean.reply, server: st.label };
          } catch (err) {
            if (err instanceof ExchangeTimeout) counters.upstreamTimeouts++;
            else counters.upstreamErrors++;
            lastError = err instanceof Error ? err.message : String(err);
            st.lastError = lastError;
            st.downUntil = opts.clock() + downMs;
          }
        }
      }
      throw new UpstreamError(`all upstreams failed: ${lastError}`);
    },
  };
}

