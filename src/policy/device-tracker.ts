/**
 * Turns the stream of queries into device rows without touching SQLite per query: `seen` updates
 * an in-memory map; every few seconds one transaction records the batch (first/last seen,
 * addresses). A device seen for the first time gets a hostname (DHCP leases, then reverse DNS
 * against the router) and the policy is rebuilt so parents see it named; a device still without
 * one is asked again at most once an hour (its lease may be written after its first query).
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

/** A device without a hostname is asked about again after this long. */
const RETRY_NAME_MS = 60 * 60_000;
/** Name lookups for already-known devices per flush (each may wait for the router). */
const RETRIES_PER_FLUSH = 8;

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
  /** When a device without a hostname was last asked about (bounded; cleared when full). */
  const askedAt = new Map<string, number>();

  const retryUnnamed = async (batch: ReadonlyMap<string, Pending>, added: readonly string[]): Promise<void> => {
    if (deps.lookupName === undefined) return;
    let budget = RETRIES_PER_FLUSH;
    for (const [id, seen] of batch) {
      if (budget === 0) break;
      const last = askedAt.get(id);
      if (added.includes(id) || (last !== undefined && seen.at - last < RETRY_NAME_MS)) continue;
      if (askedAt.size >= 10_000) askedAt.clear();
      askedAt.set(id, seen.at);
      if (deps.store.get(id)?.hostname !== null) continue;
      budget--;
      const hostname = await deps.lookupName(seen.ip, seen.mac);
      if (hostname !== null) deps.store.setHostname(id, hostname);
    }
  };

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
    for (const id of added) askedAt.set(id, batch.get(id)?.at ?? 0);
    await retryUnnamed(batch, added);
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
        if (now < entry.at) return; // an older query finishing late: keep the newer sighting
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
