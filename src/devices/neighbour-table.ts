/**
 * IP → MAC from the kernel's neighbour table, so a device keeps its profile when its IP changes.
 * A client that queries us has a neighbour entry (the kernel needs one to send the answer back),
 * so re-reading the table soon after an unknown address shows up finds it. macOf() is on the
 * DNS hot path: it reads a cached map and never waits on I/O.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../resolver/types.js';
import { normalizeIp } from './ip-text.js';
import { parseIpNeigh, parseProcNetArp, type Neighbour } from './neighbour-parsers.js';

export { parseIpNeigh, parseProcNetArp, MAX_NEIGHBOURS, type Neighbour } from './neighbour-parsers.js';

/** Where the neighbour table is read from. Both may reject; see createNeighbourTable. */
export interface NeighbourTableDeps {
  /** Text of /proc/net/arp. */
  readonly readArp: () => Promise<string>;
  /** Output of `ip neigh show` (adds IPv6); optional. */
  readonly runIpNeigh?: () => Promise<string>;
  readonly clock: Clock;
  /** Periodic re-read while started. Default 30 000 ms. */
  readonly refreshMs?: number;
  /** Smallest gap between two refreshes asked by requestRefresh(). Default 2 000 ms. */
  readonly minRefreshGapMs?: number;
}

/** The cached table. See {@link createNeighbourTable}. */
export interface NeighbourTable {
  /** MAC of `ip` from the last successful read, or null. Synchronous, no I/O. */
  macOf(ip: string): string | null;
  /** Re-reads now (joins a read already under way). Never rejects. */
  refresh(): Promise<void>;
  /** An unknown address was seen: refresh soon, at most once per minRefreshGapMs, never overlapping. */
  requestRefresh(): void;
  /** Reads now, then every refreshMs (timers unref'd). */
  start(): void;
  /** Cancels timers; requestRefresh() does nothing until start() again. */
  stop(): void;
  /** Number of addresses known. */
  readonly size: number;
}

/**
 * Creates the table. Each reader's last good result is kept when it later fails (a file missing
 * in a container, `ip` not installed, a timeout), so one bad read never empties the map; when
 * both give an entry for one address, `ip neigh` wins.
 */
export function createNeighbourTable(deps: NeighbourTableDeps): NeighbourTable {
  const refreshMs = deps.refreshMs ?? 30_000;
  const gapMs = deps.minRefreshGapMs ?? 2_000;
  let map = new Map<string, string>();
  let lastArp: Neighbour[] = [];
  let lastNeigh: Neighbour[] = [];
  let inFlight: Promise<void> | null = null;
  let lastStart = -Infinity;
  let wanted = false; // a refresh was asked while one ran
  let soon: NodeJS.Timeout | null = null;
  let every: NodeJS.Timeout | null = null;
  let stopped = false;

  const read = async (): Promise<void> => {
    const [arp, neigh] = await Promise.allSettled([
      deps.readArp(),
      deps.runIpNeigh ? deps.runIpNeigh() : Promise.resolve(''),
    ]);
    if (arp.status === 'fulfilled') lastArp = parseProcNetArp(arp.value);
    if (neigh.status === 'fulfilled') lastNeigh = parseIpNeigh(neigh.value);
    const next = new Map<string, string>();
    for (const n of lastArp) next.set(n.ip, n.mac);
    for (const n of lastNeigh) next.set(n.ip, n.mac);
    map = next; // swap: macOf() never sees a half-built map
  };

  const refresh = (): Promise<void> => {
    if (inFlight) return inFlight;
    lastStart = deps.clock();
    inFlight = read()
      .catch(() => undefined) // a parser bug must not break the DNS server either
      .finally(() => {
        inFlight = null;
        if (wanted) {
          wanted = false;
          requestRefresh();
        }
      });
    return inFlight;
  };

  const requestRefresh = (): void => {
    if (stopped || soon) return;
    if (inFlight) {
      wanted = true;
      return;
    }
    const wait = lastStart + gapMs - deps.clock();
    if (wait <= 0) {
      void refresh();
      return;
    }
    soon = setTimeout(() => {
      soon = null;
      if (!stopped) void refresh();
    }, wait);
    soon.unref();
  };

  return {
    macOf(ip: string): string | null {
      const mac = map.get(ip);
      if (mac !== undefined) return mac;
      // Slow path only for IPv6 misses: the server's text may differ from ours (zone, mapped,
      // case); Node's IPv4 text is already canonical, and misses are common (unknown devices).
      if (ip.indexOf(':') < 0) return null;
      const n = normalizeIp(ip);
      return n !== null && n !== ip ? (map.get(n) ?? null) : null;
    },
    refresh,
    requestRefresh,
    start(): void {
      stopped = false;
      if (every) return;
      every = setInterval(() => void refresh(), refreshMs);
      every.unref();
      void refresh();
    },
    stop(): void {
      stopped = true;
      wanted = false;
      if (every) clearInterval(every);
      if (soon) clearTimeout(soon);
      every = null;
      soon = null;
    },
    get size(): number {
      return map.size;
    },
  };
}

/** Options of {@link defaultNeighbourReaders} (tests point them elsewhere). */
export interface NeighbourReaderOptions {
  readonly arpPath?: string;
  readonly ipCommand?: string;
  readonly timeoutMs?: number;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/**
 * Readers for a Linux host: /proc/net/arp via fs, and `ip neigh show` via execFile (no shell)
 * with a 2 s timeout. A missing file or command (ENOENT: not Linux, a minimal container)
 * resolves to '' (nothing to learn, for good); other failures reject, so the table keeps
 * that reader's last good result.
 */
export function defaultNeighbourReaders(
  opts: NeighbourReaderOptions = {},
): Pick<NeighbourTableDeps, 'readArp' | 'runIpNeigh'> {
  const arpPath = opts.arpPath ?? '/proc/net/arp';
  const ipCommand = opts.ipCommand ?? 'ip';
  const timeout = opts.timeoutMs ?? 2_000;
  return {
    readArp: () => readFile(arpPath, 'utf8').catch((err: unknown) => (isMissing(err) ? '' : Promise.reject(err))),
    runIpNeigh: () =>
      new Promise<string>((resolve, reject) => {
        execFile(ipCommand, ['neigh', 'show'], { timeout, maxBuffer: 4 * 1024 * 1024, windowsHide: true }, (err, stdout) => {
          if (!err) resolve(String(stdout));
          else if (isMissing(err)) resolve('');
          else reject(err);
        });
      }),
  };
}
