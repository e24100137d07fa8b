/**
 * Turns the stream of queries into device rows without touching SQLite per query: `seen` updates
 * an in-memory map; every few seconds one transaction records the batch (first/last seen,
 * addresses). A device seen for the first time gets a hostname (DHCP leases, then reverse DNS
 * against the router) and the policy is rebuilt so parents see it named.
 */
import type { DeviceStore } from './device-store.js';

export interface DeviceTrackerDeps {
  readonly store: DeviceStore;
  /** Batch period. Default 5 000 ms. */
  readonly flushMs?: number;
  /** Distinct devices kept between flushes (a flood of spoofed addresses stops here). Default 10 000. */
  readonly maxPending?: number;
  /** A name for a new device, or null. Must not throw; may be slow (it is awaited off the query path). */
  readonly lookupName?: (ip: string, mac: string | null) => Promise<string | null>;
  /** Called after a flush that added devices (their ids). */
  readonly onNewDevices?: (ids: readonly string[]) => void;
  readonly onError?: (err: unknown) => void;
}

export interface DeviceTracker {
  /** Hot path: remembers that `id` asked from `ip` at `now`. O(1), allocates only for a new id. */
  seen(id: string, mac: string | null, ip: string, now: number): void;
  /** Writes the batch now (joins a flush under way). Never rejects. */
  flush(): Promise<void>;
  start(): void;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<void>;
  /** Sightings dropped because maxPending was reached. */
  readonly dropped: number;
}

interface Pending {
  mac: string | null;
  ip: string;
  at: number;
}

/** Creates the tracker. */
export function createDeviceTracker(deps: DeviceTrackerDeps): DeviceTracker {
  const maxPending = deps.maxPending ?? 10_000;
  let pending = new Map<string, Pending>();
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;

  const nameNewDevices = async (ids: readonly string[], batch: ReadonlyMap<string, Pending>): Promise<void> => {
    if (deps.lookupName === undefined) return;
    for (const id of ids) {
      const seen = batch.get(id);
      if (seen === undefined) continue;
      const hostname = await deps.lookupName(seen.ip, seen.mac);
      if (hostname !== null) deps.store.setHostname(id, hostname);
    }
  };
  const write = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const added = deps.store.recordSightings([...batch].map(([id, p]) => ({ id, mac: p.mac, ip: p.ip, at: p.at })));
    if (added.length === 0) return;
    await nameNewDevices(added, batch);
    deps.onNewDevices?.(added);
  };
  const flush = (): Promise<void> => {
    flushing ??= write()
      .catch((err: unknown) => deps.onError?.(err))
      .finally(() => {
        flushing = null;
      });
    return flushing;
  };

  return {
    seen(id, mac, ip, now) {
      const entry = pending.get(id);
      if (entry !== undefined) {
        entry.ip = ip;
        entry.at = now;
        if (mac !== null) entry.mac = mac;
        return;
      }
      if (pending.size >= maxPending) {
        dropped++;
        return;
      }
      pending.set(id, { mac, ip, at: now });
    },
    flush,
    start() {
      if (timer !== null) return;
      timer = setInterval(() => void flush(), deps.flushMs ?? 5_000);
      timer.unref();
    },
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await flushing;
      await flush();
    },
    get dropped() {
      return dropped;
    },
  };
}
