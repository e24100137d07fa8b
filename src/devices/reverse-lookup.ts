/**
 * Asks the home router for a device's name (PTR, RFC 1035 §3.5): routers that run DHCP usually
 * answer for their clients (`lea-phone.lan`). Used off the query path, to suggest a name for a
 * device the first time it is seen; every failure is just "no name".
 */
import { promises as dnsPromises } from 'node:dns';
import { sanitizeHostname } from './hostname.js';
import { normalizeIp } from './ip-text.js';

/** Where to ask and how patiently. */
export interface ReverseLookupDeps {
  /** The router (VIGIE_ROUTER): an IP address and port. */
  readonly server: { readonly host: string; readonly port: number };
  /** Limit per query on the wire (time waiting in the queue not included). Default 1 500 ms. */
  readonly timeoutMs?: number;
  /** Lookups on the wire at once; more wait in a queue. Default 4. */
  readonly maxConcurrent?: number;
  /** Lookups allowed to wait; beyond, lookup() answers null at once. Default 256. */
  readonly maxQueued?: number;
}

/** See {@link createReverseLookup}. */
export interface ReverseLookup {
  /**
   * First label of the PTR name of `ip` (`lea-phone.lan.` → `lea-phone`) when it is a safe
   * hostname (see sanitizeHostname); null on an invalid address, no answer, error or timeout.
   * Never rejects. Concurrent lookups of one address share one query.
   */
  lookup(ip: string): Promise<string | null>;
}

/** `[host]:port` for IPv6, `host:port` otherwise (node:dns setServers syntax). */
function serverText(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The first label of a PTR target, sanitized; c-ares returns names without the trailing dot. */
export function firstLabel(name: string): string | null {
  if (typeof name !== 'string') return null;
  const dot = name.indexOf('.');
  return sanitizeHostname(dot < 0 ? name : name.slice(0, dot));
}

/**
 * Creates the lookup. Uses node:dns `promises.Resolver` (c-ares) pointed only at the router,
 * one try, with its own timer as a hard limit; nothing is cached here.
 */
export function createReverseLookup(deps: ReverseLookupDeps): ReverseLookup {
  const timeoutMs = deps.timeoutMs ?? 1_500;
  const maxConcurrent = Math.max(1, deps.maxConcurrent ?? 4);
  const maxQueued = deps.maxQueued ?? 256;
  const resolver = new dnsPromises.Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([serverText(deps.server.host, deps.server.port)]);

  const pending = new Map<string, Promise<string | null>>();
  const queue: Array<() => void> = [];
  let active = 0;

  const ask = async (ip: string): Promise<string | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
      timer.unref();
    });
    const answer = resolver.reverse(ip).then(
      (names) => (names.length > 0 ? firstLabel(names[0]!) : null),
      () => null,
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  // A finishing lookup hands its slot straight to the next waiter, so `active` never overshoots.
  const acquire = (): Promise<boolean> => {
    if (active < maxConcurrent) {
      active++;
      return Promise.resolve(true);
    }
    if (queue.length >= maxQueued) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => queue.push(() => resolve(true)));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  const run = async (ip: string): Promise<string | null> => {
    if (!(await acquire())) return null;
    try {
      return await ask(ip);
    } finally {
      release();
    }
  };

  return {
    lookup(ip: string): Promise<string | null> {
      const n = normalizeIp(ip);
      if (n === null) return Promise.resolve(null);
      const shared = pending.get(n);
      if (shared) return shared;
      const p = run(n).finally(() => pending.delete(n));
      pending.set(n, p);
      return p;
    },
  };
}
