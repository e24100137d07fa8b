/**
 * Keeps the DHCP server's leases file in memory: re-read when its mtime or size changes, so
 * lookups by IP or MAC never touch the disk. Parsing lives in dhcp-lease-parsers.ts.
 */
import type { Clock } from '../resolver/types.js';
import { normalizeMac } from './mac-address.js';
import { normalizeIp } from './ip-text.js';
import { parseDhcpLeases, type DhcpLease } from './dhcp-lease-parsers.js';

export { parseDhcpLeases, MAX_LEASES, type DhcpLease } from './dhcp-lease-parsers.js';

/** A leases file larger than this is not read (the last good leases are kept). */
export const MAX_LEASES_FILE_BYTES = 16 * 1024 * 1024;

/** What the watcher needs; `stat` and `readFile` are node:fs/promises-shaped. */
export interface LeasesWatcherDeps {
  readonly path: string;
  readonly readFile: (path: string) => Promise<string>;
  readonly stat: (path: string) => Promise<{ readonly mtimeMs: number; readonly size: number }>;
  readonly clock: Clock;
  /** How often the file's mtime is checked while started. Default 15 000 ms. */
  readonly refreshMs?: number;
}

/** In-memory view of the leases file. See {@link createLeasesWatcher}. */
export interface LeasesWatcher {
  /** The unexpired lease of `ip` (per the clock), or null. Synchronous. */
  byIp(ip: string): DhcpLease | null;
  /** The unexpired lease of `mac` (any MAC form) that ends last, or null. Synchronous. */
  byMac(mac: string): DhcpLease | null;
  /** Checks the file now (joins a check under way). Never rejects. */
  refresh(): Promise<void>;
  /** Checks now, then every refreshMs (timer unref'd). */
  start(): void;
  stop(): void;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Latest end first; null (infinite) beats any date. */
function endsLater(a: DhcpLease, b: DhcpLease): boolean {
  if (a.expiresAt === null) return b.expiresAt !== null;
  return b.expiresAt !== null && a.expiresAt > b.expiresAt;
}

/**
 * Creates the watcher. A missing file (ENOENT: no DHCP server here, or not yet written) means no
 * leases; any other stat/read failure keeps the last good leases and is retried next time.
 */
export function createLeasesWatcher(deps: LeasesWatcherDeps): LeasesWatcher {
  const refreshMs = deps.refreshMs ?? 15_000;
  let ipIndex = new Map<string, DhcpLease>();
  let macIndex = new Map<string, DhcpLease[]>();
  let seen: string | null = null; // "mtime:size" of the last file read
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const install = (leases: readonly DhcpLease[]): void => {
    const ips = new Map<string, DhcpLease>();
    const macs = new Map<string, DhcpLease[]>();
    for (const l of leases) {
      ips.set(l.ip, l);
      const list = macs.get(l.mac);
      if (list) list.push(l);
      else macs.set(l.mac, [l]);
    }
    ipIndex = ips;
    macIndex = macs;
  };

  const check = async (): Promise<void> => {
    let info: { mtimeMs: number; size: number };
    try {
      info = await deps.stat(deps.path);
    } catch (err) {
      if (isMissing(err)) {
        install([]);
        seen = null;
      }
      return;
    }
    const key = `${info.mtimeMs}:${info.size}`;
    if (key === seen || info.size > MAX_LEASES_FILE_BYTES) return;
    const text = await deps.readFile(deps.path);
    install(parseDhcpLeases(text));
    seen = key;
  };

  const refresh = (): Promise<void> => {
    inFlight ??= check()
      .catch(() => undefined)
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const live = (l: DhcpLease | undefined): DhcpLease | null =>
    l !== undefined && (l.expiresAt === null || l.expiresAt > deps.clock()) ? l : null;

  return {
    byIp(ip: string): DhcpLease | null {
      const hit = ipIndex.get(ip);
      if (hit !== undefined) return live(hit);
      const n = normalizeIp(ip);
      return n !== null && n !== ip ? live(ipIndex.get(n)) : null;
    },
    byMac(mac: string): DhcpLease | null {
      const n = normalizeMac(mac);
      let best: DhcpLease | null = null;
      for (const l of (n !== null && macIndex.get(n)) || []) {
        if (live(l) && (best === null || endsLater(l, best))) best = l;
      }
      return best;
    },
    refresh,
    start(): void {
      if (timer) return;
      timer = setInterval(() => void refresh(), refreshMs);
      timer.unref();
      void refresh();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
