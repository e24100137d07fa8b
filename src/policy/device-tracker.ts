/**
 * Turns the stream of queries into device rows without touching SQLite per query: `seen` updates
 * an in-memory map; every few seconds one transaction records the batch (first/last seen,
 * addresses). A device seen for the first time gets a hostname (DHCP leases, then reverse DNS
 * against the router) and the policy is rebuilt so parents see it named; a device still without
 * one is asked again at most once an hour (its lease may be written after its first query).
 *
 * Spoofed source addresses must not grow the table without bound (one query each from 10,500
 * forged addresses once made 11,001 devices, a 33 MB devices page and a backup that failed its
 * own restore check): at most `maxNewPerMinute` devices are created per minute (a home adds a few
 * a day), the store keeps at most MAX_DEVICES, and devices no parent touched that have not been
 * seen for `staleAfterMs` are forgotten (checked hourly).
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
  /** New devices created per minute at most. Default 20. */
  readonly maxNewPerMinute?: number;
  /** Devices no parent touched are forgotten after this long unseen. Default 30 days. */
  readonly staleAfterMs?: number;
  /** A flush did not record `refused` new devices (the per-minute or total cap); `at` is the batch's time. */
  readonly onCapped?: (refused: number, at: number) => void;
  /** Stale devices were forgotten (rebuild the policy). */
  readonly onForgotten?: (count: number) => void;
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
/** How often stale devices are looked for. */
const STALE_CHECK_MS = 60 * 60_000;

interface Pending {
  mac: string | null;
  ip: string;
  at: number;
}

/** Creates the tracker. */
export function createDeviceTracker(deps: DeviceTrackerDeps): DeviceTracker {
  const maxPending = deps.maxPending ?? 10_000;
  const maxNewPerMinute = deps.maxNewPerMinute ?? 20;
  const staleAfterMs = deps.staleAfterMs ?? 30 * 24 * 60 * 60_000;
  let minute = -1;
  let addedThisMinute = 0;
  let lastStaleCheck = -Infinity;
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
    let at = 0;
    for (const p of batch.values()) at = Math.max(at, p.at);
    if (Math.floor(at / 60_000) !== minute) [minute, addedThisMinute] = [Math.floor(at / 60_000), 0];
    const { added, refused } = deps.store.recordSightingsCapped([...batch].map(([id, p]) => ({ id, mac: p.mac, ip: p.ip, at: p.at })), maxNewPerMinute - addedThisMinute);
    addedThisMinute += added.length;
    if (refused > 0) deps.onCapped?.(refused, at);
    if (at - lastStaleCheck >= STALE_CHECK_MS) {
      lastStaleCheck = at;
      const forgotten = deps.store.removeStale(at - staleAfterMs);
      if (forgotten > 0) deps.onForgotten?.(forgotten);
    }
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
