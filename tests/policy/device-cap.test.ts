/**
 * The device table's bounds (issue 12 item 5) on a real config.db: new devices per minute, the
 * total, and forgetting devices no parent touched.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeviceStore, MAX_DEVICES, type DeviceStore, type Sighting } from '../../src/policy/device-store.js';
import { createDeviceTracker } from '../../src/policy/device-tracker.js';
import { createOverrideStore } from '../../src/policy/override-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';

const T0 = Date.UTC(2026, 10, 25, 12, 0);
const DAY = 86_400_000;
const sighting = (i: number, at = T0): Sighting => ({ id: `ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, mac: null, ip: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, at });

describe('device bounds', () => {
  const dir = useTempDir();
  let db: Database.Database;
  let store: DeviceStore;
  beforeEach(() => {
    db = openConfigDatabase({ file: join(dir(), 'config.db') });
    store = createDeviceStore({ db });
  });
  afterEach(() => db.close());

  it('the tracker creates at most maxNewPerMinute devices a minute, says how many it refused, and goes on next minute', async () => {
    const onCapped = vi.fn();
    const tracker = createDeviceTracker({ store, maxNewPerMinute: 20, onCapped });
    for (let i = 0; i < 500; i++) tracker.seen(sighting(i).id, null, sighting(i).ip, T0 + i);
    await tracker.flush();
    expect(store.count()).toBe(20);
    expect(onCapped).toHaveBeenCalledWith(480, T0 + 499);
    for (let i = 500; i < 530; i++) tracker.seen(sighting(i).id, null, sighting(i).ip, T0 + 60_000 + i);
    await tracker.flush();
    expect(store.count()).toBe(40);
    // Known devices are still updated when the cap is reached.
    tracker.seen(sighting(0).id, null, '10.9.9.9', T0 + 61_000);
    await tracker.flush();
    expect(store.get(sighting(0).id)?.ip).toBe('10.9.9.9');
  });

  it(`keeps at most ${MAX_DEVICES} devices: a newcomer replaces the untouched device seen longest ago, never a named one`, () => {
    store.recordSightings(Array.from({ length: MAX_DEVICES }, (_, i) => sighting(i, T0 + i)));
    store.update(sighting(0).id, { name: 'Tablette' });
    store.update(sighting(1).id, { profileId: 'teen' });
    createOverrideStore({ db, clock: () => T0 }).set(sighting(2).id, 'pause', 30);
    const { added, refused } = store.recordSightingsCapped([sighting(MAX_DEVICES, T0 + DAY)], 10);
    expect({ added, refused }).toEqual({ added: [sighting(MAX_DEVICES).id], refused: 0 });
    expect(store.count()).toBe(MAX_DEVICES);
    expect(store.get(sighting(3).id)).toBeNull(); // the oldest untouched one
    for (const i of [0, 1, 2]) expect(store.get(sighting(i).id)).not.toBeNull();
  });

  it('forgets untouched devices not seen for 30 days, and trims a table filled before the cap', () => {
    store.recordSightings([sighting(1, T0 - 31 * DAY), sighting(2, T0 - 31 * DAY), sighting(3, T0 - DAY)]);
    store.update(sighting(2).id, { name: 'Console' });
    expect(store.removeStale(T0 - 30 * DAY)).toBe(1);
    expect(store.list().map((d) => d.id).sort()).toEqual([sighting(2).id, sighting(3).id].sort());
    // 1,200 rows written before the cap existed (plain recordSightings does not evict).
    const many = Array.from({ length: 1_200 }, (_, i) => sighting(10 + i, T0 + i));
    db.prepare('DELETE FROM devices').run();
    for (const s of many) db.prepare('INSERT INTO devices (id, mac, randomized_mac, ip, addresses, first_seen, last_seen) VALUES (?, NULL, 0, ?, ?, ?, ?)').run(s.id, s.ip, JSON.stringify([s.ip]), s.at, s.at);
    expect(store.removeStale(0)).toBe(200);
    expect(store.count()).toBe(MAX_DEVICES);
    expect(store.get(many[0]!.id)).toBeNull();
    expect(store.get(many[1_199]!.id)).not.toBeNull();
  });

  it('pages new devices first, then by last seen', () => {
    store.recordSightings([sighting(1, T0), sighting(2, T0 + 1), sighting(3, T0 + 2)]);
    store.update(sighting(3).id, { profileId: 'adult' });
    expect(store.page(0, 2).map((d) => d.id)).toEqual([sighting(2).id, sighting(1).id]);
    expect(store.page(2, 2).map((d) => d.id)).toEqual([sighting(3).id]);
    expect(store.countNew()).toBe(2);
  });
});
