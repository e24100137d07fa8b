/**
 * Devices in config.db (`devices`): created from sightings (the DNS server batches them, nothing
 * is written per query), named and assigned to a profile by parents. Rows are read back through
 * zod. Names and hostnames come from the network or from parents: stored as text, escaped by
 * whoever displays them.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { normalizeIp } from '../devices/ip-text.js';
import { isRandomizedMac, normalizeMac } from '../devices/mac-address.js';
import { AppError } from '../errors.js';
import type { Device } from './model.js';

/** Addresses kept per device (most recent first). */
const MAX_ADDRESSES = 8;

/**
 * Devices kept at most (a home has dozens). Past it, a new device takes the place of the device
 * seen longest ago among those no parent touched (no name, profile, rule or override); when there
 * is none, it is not recorded (it is still filtered, under the default profile). The backup
 * format accepts more (src/backup/backup-format.ts), so an export always restores.
 */
export const MAX_DEVICES = 1_000;

/** A device no parent touched: no name, no profile, no per-device rule, no pause or block. */
const UNTOUCHED = `name IS NULL AND profile_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM device_rules r WHERE r.device_id = devices.id)
  AND NOT EXISTS (SELECT 1 FROM overrides o WHERE o.device_id = devices.id)`;

const row = z.object({
  id: z.string(),
  mac: z.string().nullable(),
  randomized_mac: z.union([z.literal(0), z.literal(1)]),
  ip: z.string().nullable(),
  addresses: z.string().transform((text) => {
    try {
      const parsed = z.array(z.string()).safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }),
  hostname: z.string().nullable(),
  name: z.string().nullable(),
  profile_id: z.string().nullable(),
  first_seen: z.number().int(),
  last_seen: z.number().int(),
});

/** One sighting batched by the device tracker. */
export interface Sighting {
  readonly id: string;
  readonly mac: string | null;
  readonly ip: string;
  readonly at: number;
}

/** The device id for a MAC (preferred) or an address. */
export function deviceIdFor(mac: string | null, ip: string): string {
  return mac !== null ? `mac:${mac}` : `ip:${ip}`;
}

export interface DeviceStore {
  list(): Device[];
  count(): number;
  /** Devices not yet given a profile. */
  countNew(): number;
  /** One page for the devices page and API: new devices (no profile) first, then most recently seen. */
  page(offset: number, limit: number): Device[];
  /**
   * As recordSightings, but at most `maxNew` devices are created (the rest are counted in
   * `refused`), and the table never grows past {@link MAX_DEVICES}.
   */
  recordSightingsCapped(sightings: readonly Sighting[], maxNew: number): { added: string[]; refused: number };
  /**
   * Forgets devices no parent touched and not seen since `before` (ms), then, if the table still
   * holds more than {@link MAX_DEVICES} (a database filled before the cap), the oldest untouched
   * ones past it; returns how many.
   */
  removeStale(before: number): number;
  get(id: string): Device | null;
  /** Finds a device by id, MAC, current address or name (case-insensitive); null if none or ambiguous. */
  find(ref: string): Device | null;
  /** Records sightings in one transaction; returns the ids of devices seen for the first time. */
  recordSightings(sightings: readonly Sighting[]): string[];
  setHostname(id: string, hostname: string | null): void;
  /** Parent edits: a display name (null clears) and a profile (null = the default profile). */
  update(id: string, patch: { name?: string | null; profileId?: string | null }): Device;
  remove(id: string): boolean;
}

function toDevice(value: unknown): Device {
  const r = row.parse(value);
  return {
    id: r.id, mac: r.mac, randomizedMac: r.randomized_mac === 1, ip: r.ip, addresses: r.addresses, hostname: r.hostname,
    name: r.name, profileId: r.profile_id, firstSeen: r.first_seen, lastSeen: r.last_seen,
  };
}

function checkName(name: string | null): string | null {
  if (name === null) return null;
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 60) throw new AppError('VALIDATION', 'a device name needs 1 to 60 characters');
  return trimmed;
}

/** Creates the store over an open, migrated config.db. */
export function createDeviceStore(deps: { db: Database.Database }): DeviceStore {
  const { db } = deps;
  const selectOne = db.prepare('SELECT * FROM devices WHERE id = ?');
  const insert = db.prepare('INSERT INTO devices (id, mac, randomized_mac, ip, addresses, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const touch = db.prepare('UPDATE devices SET ip = ?, addresses = ?, last_seen = max(last_seen, ?) WHERE id = ?');
  const get = (id: string): Device | null => {
    const found = selectOne.get(id);
    return found === undefined ? null : toDevice(found);
  };
  const must = (id: string): Device => get(id) ?? (() => { throw new AppError('NOT_FOUND', `no device '${id}'`); })();
  const list = (): Device[] => db.prepare('SELECT * FROM devices ORDER BY last_seen DESC, id').all().map(toDevice);
  const countAll = db.prepare('SELECT count(*) AS n FROM devices').pluck();
  const evictOne = db.prepare(`DELETE FROM devices WHERE id = (SELECT id FROM devices WHERE ${UNTOUCHED} ORDER BY last_seen, id LIMIT 1)`);
  const selectPage = db.prepare('SELECT * FROM devices ORDER BY profile_id IS NOT NULL, last_seen DESC, id LIMIT ? OFFSET ?');

  const record = db.transaction((sightings: readonly Sighting[], maxNew: number): { added: string[]; refused: number } => {
    const added: string[] = [];
    let refused = 0;
    let total = countAll.get() as number;
    for (const s of sightings) {
      const current = get(s.id);
      if (current === null) {
        if (added.length >= maxNew || (total >= MAX_DEVICES && evictOne.run().changes === 0)) {
          refused++;
          continue;
        }
        if (total < MAX_DEVICES) total++;
        insert.run(s.id, s.mac, s.mac !== null && isRandomizedMac(s.mac) ? 1 : 0, s.ip, JSON.stringify([s.ip]), s.at, s.at);
        added.push(s.id);
        continue;
      }
      // A late sighting (an older batch) only keeps last_seen; it never replaces the newer address.
      if (s.at < current.lastSeen) continue;
      const addresses = [s.ip, ...current.addresses.filter((a) => a !== s.ip)].slice(0, MAX_ADDRESSES);
      touch.run(s.ip, JSON.stringify(addresses), s.at, s.id);
    }
    return { added, refused };
  });

  return {
    list,
    count: () => countAll.get() as number,
    countNew: () => db.prepare('SELECT count(*) FROM devices WHERE profile_id IS NULL').pluck().get() as number,
    page: (offset, limit) => selectPage.all(limit, offset).map(toDevice),
    recordSightingsCapped: (sightings, maxNew) => (sightings.length === 0 ? { added: [], refused: 0 } : record(sightings, maxNew)),
    removeStale: (before) => {
      const stale = db.prepare(`DELETE FROM devices WHERE last_seen < ? AND ${UNTOUCHED}`).run(before).changes;
      const excess = (countAll.get() as number) - MAX_DEVICES;
      if (excess <= 0) return stale;
      return stale + db.prepare(`DELETE FROM devices WHERE id IN (SELECT id FROM devices WHERE ${UNTOUCHED} ORDER BY last_seen, id LIMIT ?)`).run(excess).changes;
    },
    get,
    find(ref) {
      const text = ref.trim();
      if (text === '') return null;
      const exact = get(text);
      if (exact) return exact;
      const mac = normalizeMac(text);
      if (mac !== null) return get(`mac:${mac}`);
      const all = list();
      const ip = normalizeIp(text);
      const matches = ip !== null
        ? all.filter((d) => d.ip === ip).slice(0, 1) // most recently seen first
        : all.filter((d) => (d.name ?? d.hostname ?? '').toLowerCase() === text.toLowerCase());
      return matches.length === 1 ? (matches[0] as Device) : null;
    },
    recordSightings: (sightings) => (sightings.length === 0 ? [] : record(sightings, Infinity).added),
    setHostname(id, hostname) {
      db.prepare('UPDATE devices SET hostname = ? WHERE id = ?').run(hostname, id);
    },
    update(id, patch) {
      const current = must(id);
      const name = patch.name === undefined ? current.name : checkName(patch.name);
      const profileId = patch.profileId === undefined ? current.profileId : patch.profileId;
      try {
        db.prepare('UPDATE devices SET name = ?, profile_id = ? WHERE id = ?').run(name, profileId, id);
      } catch (err) {
        if ((err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new AppError('NOT_FOUND', `no profile '${String(profileId)}'`, { cause: err });
        throw err;
      }
      return must(id);
    },
    remove: (id) => db.prepare('DELETE FROM devices WHERE id = ?').run(id).changes > 0,
  };
}
