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

  const record = db.transaction((sightings: readonly Sighting[]): string[] => {
    const added: string[] = [];
    for (const s of sightings) {
      const current = get(s.id);
      if (current === null) {
        insert.run(s.id, s.mac, s.mac !== null && isRandomizedMac(s.mac) ? 1 : 0, s.ip, JSON.stringify([s.ip]), s.at, s.at);
        added.push(s.id);
        continue;
      }
      // A late sighting (an older batch) only keeps last_seen; it never replaces the newer address.
      if (s.at < current.lastSeen) continue;
      const addresses = [s.ip, ...current.addresses.filter((a) => a !== s.ip)].slice(0, MAX_ADDRESSES);
      touch.run(s.ip, JSON.stringify(addresses), s.at, s.id);
    }
    return added;
  });

  return {
    list,
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
    recordSightings: (sightings) => (sightings.length === 0 ? [] : record(sightings)),
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
