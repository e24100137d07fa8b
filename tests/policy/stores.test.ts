/** The policy stores over a real config.db: profiles, schedule windows, devices and overrides. */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { isAppError } from '../../src/errors.js';
import { createDeviceStore, deviceIdFor, type DeviceStore, type Sighting } from '../../src/policy/device-store.js';
import type { Weekday } from '../../src/policy/model.js';
import { createOverrideStore, MAX_OVERRIDE_MINUTES, type OverrideStore } from '../../src/policy/override-store.js';
import { createProfileStore, type ProfileStore } from '../../src/policy/profile-store.js';
import { createScheduleStore, type NewScheduleWindow, type ScheduleStore } from '../../src/policy/schedule-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { useTempDir } from '../store/temp-dir.js';

const dir = useTempDir('vigie-policy-stores-');
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 7, 12, 0);

let db: Database.Database;
let now = T0;
const clock = (): number => now;
let profiles: ProfileStore;
let schedules: ScheduleStore;
let devices: DeviceStore;
let overrides: OverrideStore;

beforeEach(() => {
  now = T0;
  db = openConfigDatabase({ file: join(dir(), 'config.db') });
  profiles = createProfileStore({ db, clock });
  schedules = createScheduleStore({ db });
  devices = createDeviceStore({ db });
  overrides = createOverrideStore({ db, clock });
});

afterEach(() => {
  db.close();
});

/** The AppError code `fn` throws, 'no error' when it returns, or a description of another throw. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : `not an AppError: ${String(err)}`;
  }
  return 'no error';
}

const MAC1 = '02:00:5e:00:53:01';
const MAC2 = '02:00:5e:00:53:02';

function sighting(mac: string | null, ip: string, at: number): Sighting {
  return { id: deviceIdFor(mac, ip), mac, ip, at };
}

function windowFor(profileId: string, over: Partial<NewScheduleWindow> = {}): NewScheduleWindow {
  return {
    profileId, label: 'school nights', days: ['mon', 'tue', 'wed', 'thu', 'sun'], start: 21 * 60, end: 7 * 60, mode: 'bedtime',
    categories: [], allow: ['ent.example'], enabled: true, ...over,
  };
}

describe('profile store', () => {
  it('seeds the four built-in presets', () => {
    expect(profiles.list()).toEqual([
      { id: 'adult', name: 'Adult', base: 'adult', categories: {}, services: {}, safeSearch: false, builtIn: true },
      { id: 'child', name: 'Child', base: 'child', categories: {}, services: {}, safeSearch: true, builtIn: true },
      { id: 'teen', name: 'Teen', base: 'teen', categories: {}, services: {}, safeSearch: true, builtIn: true },
      { id: 'unfiltered', name: 'Unfiltered', base: 'unfiltered', categories: {}, services: {}, safeSearch: false, builtIn: true },
    ]);
    expect(profiles.get('child')?.safeSearch).toBe(true);
    expect(profiles.get('nope')).toBeNull();
  });

  it('creates a profile copying categories, SafeSearch and rules of the profile it starts from', () => {
    profiles.update('teen', { categories: { 'social-media': true, dating: false }, safeSearch: false });
    profiles.addRule({ profileId: 'teen', name: 'ent.example', kind: 'allow', subdomains: true });
    profiles.addRule({ profileId: 'teen', name: 'games.example', kind: 'block', subdomains: false });

    const lea = profiles.create({ id: 'lea', name: '  Léa  ', from: 'teen' });
    expect(lea).toEqual({ id: 'lea', name: 'Léa', base: 'teen', categories: { 'social-media': true, dating: false }, services: {}, safeSearch: false, builtIn: false });
    expect(profiles.rules('lea')).toEqual([
      { profileId: 'lea', name: 'ent.example', kind: 'allow', subdomains: true },
      { profileId: 'lea', name: 'games.example', kind: 'block', subdomains: false },
    ]);
    // A copy, not a link: editing the new profile leaves the source alone.
    profiles.update('lea', { categories: { gaming: true } });
    expect(profiles.get('teen')?.categories).toEqual({ 'social-media': true, dating: false });
    expect(profiles.list().map((p) => p.id)).toEqual(['adult', 'child', 'teen', 'unfiltered', 'lea']);
  });

  it('creates from the base preset when no source is given, and from child by default', () => {
    expect(profiles.create({ id: 'grown', name: 'Grown', base: 'adult' })).toMatchObject({ base: 'adult', safeSearch: false, categories: {} });
    expect(profiles.create({ id: 'small', name: 'Small' })).toMatchObject({ base: 'child', safeSearch: true });
    expect(profiles.create({ id: 'mixed', name: 'Mixed', base: 'adult', from: 'child' })).toMatchObject({ base: 'adult', safeSearch: true });
  });

  it('refuses a duplicate id with CONFLICT, an unknown source with NOT_FOUND', () => {
    profiles.create({ id: 'lea', name: 'Léa' });
    expect(codeOf(() => profiles.create({ id: 'lea', name: 'Other' }))).toBe('CONFLICT');
    expect(codeOf(() => profiles.create({ id: 'child', name: 'Child 2' }))).toBe('CONFLICT');
    expect(codeOf(() => profiles.create({ id: 'tom', name: 'Tom', from: 'ghost' }))).toBe('NOT_FOUND');
    expect(profiles.get('tom')).toBeNull();
  });

  it.each(['Lea', '-lea', '', 'lé', 'lea school', 'lea_school', 'a'.repeat(41)])('refuses the id %j with VALIDATION', (id) => {
    expect(codeOf(() => profiles.create({ id, name: 'X' }))).toBe('VALIDATION');
    expect(profiles.list()).toHaveLength(4);
  });

  it.each(['', '   ', 'x'.repeat(61)])('refuses the name %j with VALIDATION and writes nothing', (name) => {
    expect(codeOf(() => profiles.create({ id: 'lea', name }))).toBe('VALIDATION');
    expect(profiles.get('lea')).toBeNull();
    expect(codeOf(() => profiles.update('teen', { name }))).toBe('VALIDATION');
    expect(profiles.get('teen')?.name).toBe('Teen');
  });

  it('accepts a 40-character id and a 60-character name', () => {
    const id = `a${'b'.repeat(39)}`;
    expect(profiles.create({ id, name: 'n'.repeat(60) })).toMatchObject({ id, name: 'n'.repeat(60) });
  });

  it('updates categories (set, then clear with null), the name and SafeSearch', () => {
    expect(profiles.update('child', { categories: { 'social-media': true, gaming: false } }).categories).toEqual({ 'social-media': true, gaming: false });
    expect(profiles.update('child', { categories: { gaming: null, dating: false } }).categories).toEqual({ 'social-media': true, dating: false });
    const renamed = profiles.update('child', { name: ' Little ones ', safeSearch: false });
    expect(renamed).toEqual({ id: 'child', name: 'Little ones', base: 'child', categories: { 'social-media': true, dating: false }, services: {}, safeSearch: false, builtIn: true });
    // An empty patch changes nothing; re-reading gives the same row.
    expect(profiles.update('child', {})).toEqual(renamed);
    expect(profiles.get('child')).toEqual(renamed);
  });

  it('refuses a bad category id and an unknown profile', () => {
    expect(codeOf(() => profiles.update('child', { categories: { 'Social Media': true } }))).toBe('VALIDATION');
    expect(profiles.get('child')?.categories).toEqual({});
    expect(codeOf(() => profiles.update('ghost', { safeSearch: true }))).toBe('NOT_FOUND');
  });

  it.each(['child', 'teen', 'adult', 'unfiltered'])('never removes the built-in %s', (id) => {
    expect(codeOf(() => profiles.remove(id))).toBe('VALIDATION');
    expect(profiles.get(id)?.builtIn).toBe(true);
  });

  it('does not remove the default profile, nor an unknown one', () => {
    profiles.create({ id: 'lea', name: 'Léa' });
    profiles.setDefaultProfileId('lea');
    expect(codeOf(() => profiles.remove('lea'))).toBe('VALIDATION');
    expect(profiles.get('lea')).not.toBeNull();
    expect(codeOf(() => profiles.remove('ghost'))).toBe('NOT_FOUND');
    profiles.setDefaultProfileId('teen');
    profiles.remove('lea');
    expect(profiles.get('lea')).toBeNull();
  });

  it("removing a profile puts its devices back on the default profile and drops its rules and schedules", () => {
    profiles.create({ id: 'lea', name: 'Léa' });
    profiles.addRule({ profileId: 'lea', name: 'ent.example', kind: 'allow', subdomains: true });
    profiles.addRule({ profileId: 'teen', name: 'ent.example', kind: 'allow', subdomains: true });
    const leaWindow = schedules.add(windowFor('lea'));
    const teenWindow = schedules.add(windowFor('teen'));
    devices.recordSightings([sighting(MAC1, '192.0.2.10', T0), sighting(MAC2, '192.0.2.11', T0)]);
    devices.update(`mac:${MAC1}`, { profileId: 'lea', name: 'Tablet' });
    devices.update(`mac:${MAC2}`, { profileId: 'teen' });

    profiles.remove('lea');

    expect(devices.get(`mac:${MAC1}`)).toMatchObject({ profileId: null, name: 'Tablet' });
    expect(devices.get(`mac:${MAC2}`)?.profileId).toBe('teen');
    expect(profiles.rules('lea')).toEqual([]);
    expect(profiles.rules()).toEqual([{ profileId: 'teen', name: 'ent.example', kind: 'allow', subdomains: true }]);
    expect(schedules.get(leaWindow.id)).toBeNull();
    expect(schedules.list().map((w) => w.id)).toEqual([teenWindow.id]);
  });

  it.each([
    ['ENT.Example', 'ent.example'],
    ['www.Example.ORG.', 'www.example.org'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['  MÜNCHEN.example  ', 'xn--mnchen-3ya.example'],
  ])('stores the rule name %j as %j', (raw, stored) => {
    expect(profiles.addRule({ profileId: 'child', name: raw, kind: 'block', subdomains: true }).name).toBe(stored);
    expect(profiles.rules('child')).toEqual([{ profileId: 'child', name: stored, kind: 'block', subdomains: true }]);
    // Removing with another spelling of the same name finds it.
    expect(profiles.removeRule('child', raw.toUpperCase(), 'block')).toBe(1);
    expect(profiles.rules('child')).toEqual([]);
  });

  it('replaces a rule of the same name and kind, keeps both kinds, and removes by kind or both', () => {
    profiles.addRule({ profileId: 'child', name: 'ent.example', kind: 'allow', subdomains: true });
    profiles.addRule({ profileId: 'child', name: 'ent.example', kind: 'allow', subdomains: false });
    profiles.addRule({ profileId: 'child', name: 'ent.example', kind: 'block', subdomains: true });
    expect(profiles.rules('child')).toEqual([
      { profileId: 'child', name: 'ent.example', kind: 'allow', subdomains: false },
      { profileId: 'child', name: 'ent.example', kind: 'block', subdomains: true },
    ]);
    expect(profiles.removeRule('child', 'ent.example', 'block')).toBe(1);
    expect(profiles.removeRule('child', 'ent.example', 'block')).toBe(0);
    profiles.addRule({ profileId: 'child', name: 'ent.example', kind: 'block', subdomains: true });
    expect(profiles.removeRule('child', 'ent.example')).toBe(2);
  });

  it('refuses a rule that is not a domain name (VALIDATION) or for an unknown profile (NOT_FOUND)', () => {
    expect(codeOf(() => profiles.addRule({ profileId: 'child', name: 'not a name', kind: 'block', subdomains: true }))).toBe('VALIDATION');
    expect(codeOf(() => profiles.addRule({ profileId: 'child', name: '', kind: 'allow', subdomains: true }))).toBe('VALIDATION');
    expect(codeOf(() => profiles.addRule({ profileId: 'ghost', name: 'ent.example', kind: 'allow', subdomains: true }))).toBe('NOT_FOUND');
    expect(profiles.rules()).toEqual([]);
  });

  it('gets and sets the default profile; an unknown id is NOT_FOUND and changes nothing', () => {
    expect(profiles.defaultProfileId()).toBe('child');
    profiles.setDefaultProfileId('teen');
    expect(profiles.defaultProfileId()).toBe('teen');
    expect(codeOf(() => profiles.setDefaultProfileId('ghost'))).toBe('NOT_FOUND');
    expect(profiles.defaultProfileId()).toBe('teen');
    // A fresh store over the same file reads the saved choice.
    expect(createProfileStore({ db }).defaultProfileId()).toBe('teen');
  });

  it('falls back to child when the stored default names no profile', () => {
    db.prepare("UPDATE settings SET value = 'ghost' WHERE key = 'default_profile'").run();
    expect(profiles.defaultProfileId()).toBe('child');
  });

  it('rejects a profile row whose categories are not a JSON object of booleans', () => {
    db.prepare("UPDATE profiles SET categories = '{\"gaming\": \"yes\"}' WHERE id = 'teen'").run();
    expect(() => profiles.get('teen')).toThrow(ZodError);
  });
});

describe('schedule store', () => {
  it('adds, lists (all or per profile), gets and removes windows', () => {
    const a = schedules.add(windowFor('child'));
    const b = schedules.add(windowFor('teen', { label: '', days: ['sat'], start: 600, end: 720, mode: 'block', categories: ['gaming', 'social-media'], allow: [] }));
    const c = schedules.add(windowFor('child', { enabled: false }));
    expect(a).toEqual({ id: a.id, ...windowFor('child') });
    expect(b).toEqual({
      id: b.id, profileId: 'teen', label: '', days: ['sat'], start: 600, end: 720, mode: 'block', categories: ['gaming', 'social-media'], allow: [], enabled: true,
    });
    expect(c.enabled).toBe(false);
    expect(schedules.list().map((w) => w.id)).toEqual([a.id, b.id, c.id]);
    expect(schedules.list('child').map((w) => w.id)).toEqual([a.id, c.id]);
    expect(schedules.list('adult')).toEqual([]);
    expect(schedules.get(b.id)).toEqual(b);
    expect(schedules.get(9999)).toBeNull();
    expect(schedules.remove(a.id)).toBe(true);
    expect(schedules.remove(a.id)).toBe(false);
    expect(schedules.list().map((w) => w.id)).toEqual([b.id, c.id]);
  });

  it.each<[Weekday[], number, Weekday[]]>([
    [['mon'], 1, ['mon']],
    [['sun'], 64, ['sun']],
    [['sun', 'mon'], 65, ['mon', 'sun']],
    [['fri', 'wed', 'mon', 'wed'], 21, ['mon', 'wed', 'fri']],
    [['mon', 'tue', 'wed', 'thu', 'fri'], 31, ['mon', 'tue', 'wed', 'thu', 'fri']],
    [['sat', 'sun'], 96, ['sat', 'sun']],
    [['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], 127, ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']],
  ])('stores days %j as mask %i and reads them back as %j', (days, mask, back) => {
    const w = schedules.add(windowFor('child', { days }));
    expect((db.prepare('SELECT days FROM schedules WHERE id = ?').get(w.id) as { days: number }).days).toBe(mask);
    expect(w.days).toEqual(back);
    expect(schedules.get(w.id)?.days).toEqual(back);
  });

  it('replaces every field but the id, and enables or disables a window', () => {
    const w = schedules.add(windowFor('child'));
    const next = windowFor('teen', { label: 'homework', days: ['wed'], start: 14 * 60, end: 16 * 60, mode: 'block', categories: ['gaming'], allow: [], enabled: false });
    expect(schedules.replace(w.id, next)).toEqual({ id: w.id, ...next });
    expect(schedules.list('child')).toEqual([]);
    expect(schedules.setEnabled(w.id, true)).toEqual({ id: w.id, ...next, enabled: true });
    expect(schedules.setEnabled(w.id, false).enabled).toBe(false);
    expect(schedules.get(w.id)).toEqual({ id: w.id, ...next });
  });

  it('says NOT_FOUND for an unknown window or profile, and writes nothing', () => {
    const w = schedules.add(windowFor('child'));
    expect(codeOf(() => schedules.add(windowFor('ghost')))).toBe('NOT_FOUND');
    expect(codeOf(() => schedules.replace(w.id, windowFor('ghost')))).toBe('NOT_FOUND');
    expect(codeOf(() => schedules.replace(9999, windowFor('child')))).toBe('NOT_FOUND');
    expect(codeOf(() => schedules.setEnabled(9999, true))).toBe('NOT_FOUND');
    expect(schedules.list()).toEqual([w]);
  });

  it.each(['not json', '{"a": 1}', '[1, 2]', '["gaming", null]'])('rejects a row whose categories column holds %j when read', (text) => {
    const w = schedules.add(windowFor('child', { mode: 'block', categories: ['gaming'], allow: [] }));
    db.prepare('UPDATE schedules SET categories = ? WHERE id = ?').run(text, w.id);
    expect(() => schedules.get(w.id)).toThrow(ZodError);
    expect(() => schedules.list()).toThrow(ZodError);
  });

  it('rejects a row whose allow column is not a JSON array of strings', () => {
    const w = schedules.add(windowFor('child'));
    db.prepare("UPDATE schedules SET allow = '\"ent.example\"' WHERE id = ?").run(w.id);
    expect(() => schedules.get(w.id)).toThrow(ZodError);
  });
});

describe('device store', () => {
  it('creates devices from sightings and returns only the new ids', () => {
    const first = devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000), sighting(null, '192.0.2.20', 1500)]);
    expect(first).toEqual([`mac:${MAC1}`, 'ip:192.0.2.20']);
    expect(devices.get(`mac:${MAC1}`)).toEqual({
      id: `mac:${MAC1}`, mac: MAC1, randomizedMac: true, ip: '192.0.2.10', addresses: ['192.0.2.10'], hostname: null, name: null,
      profileId: null, firstSeen: 1000, lastSeen: 1000,
    });
    expect(devices.get('ip:192.0.2.20')).toMatchObject({ mac: null, randomizedMac: false, ip: '192.0.2.20', firstSeen: 1500, lastSeen: 1500 });
    expect(devices.recordSightings([sighting(MAC1, '192.0.2.10', 2000), sighting(MAC2, '192.0.2.11', 2000)])).toEqual([`mac:${MAC2}`]);
    expect(devices.recordSightings([])).toEqual([]);
    expect(devices.list().map((d) => d.id)).toEqual([`mac:${MAC1}`, `mac:${MAC2}`, 'ip:192.0.2.20']);
  });

  it.each([
    ['02:00:5e:00:53:01', true],
    ['06:00:5e:00:53:02', true],
    ['0a:00:5e:00:53:03', true],
    ['0e:00:5e:00:53:04', true],
    ['00:1a:2b:3c:4d:5e', false],
    ['00:00:5e:00:53:05', false],
    ['04:00:5e:00:53:06', false],
  ])('marks %s as randomized: %s', (mac, randomized) => {
    devices.recordSightings([sighting(mac, '192.0.2.10', 1000)]);
    expect(devices.get(`mac:${mac}`)?.randomizedMac).toBe(randomized);
  });

  it('updates last seen and addresses, most recent first, at most 8, without moving first seen', () => {
    const id = `mac:${MAC1}`;
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 1000)]);
    devices.recordSightings([sighting(MAC1, '192.0.2.2', 2000)]);
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 3000)]);
    expect(devices.get(id)).toMatchObject({ ip: '192.0.2.1', addresses: ['192.0.2.1', '192.0.2.2'], firstSeen: 1000, lastSeen: 3000 });
    for (let i = 3; i <= 12; i++) devices.recordSightings([sighting(MAC1, `192.0.2.${i}`, 1000 * (i + 1))]);
    const d = devices.get(id);
    expect(d?.addresses).toEqual(['192.0.2.12', '192.0.2.11', '192.0.2.10', '192.0.2.9', '192.0.2.8', '192.0.2.7', '192.0.2.6', '192.0.2.5']);
    expect(d).toMatchObject({ ip: '192.0.2.12', firstSeen: 1000, lastSeen: 13_000 });
  });

  it('records several sightings of one device in one batch, in order', () => {
    const added = devices.recordSightings([
      sighting(MAC1, '192.0.2.1', 1000), sighting(MAC1, '192.0.2.2', 2000), sighting(MAC1, '2001:db8::1', 3000),
    ]);
    expect(added).toEqual([`mac:${MAC1}`]);
    expect(devices.get(`mac:${MAC1}`)).toMatchObject({ ip: '2001:db8::1', addresses: ['2001:db8::1', '192.0.2.2', '192.0.2.1'], firstSeen: 1000, lastSeen: 3000 });
  });

  it('never moves last seen backwards', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 5000)]);
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 3000)]);
    expect(devices.get(`mac:${MAC1}`)).toMatchObject({ firstSeen: 5000, lastSeen: 5000 });
  });

  // Regression test (found in review, fixed).
  it('keeps the newest address as ip when an older sighting arrives late', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 5000)]);
    devices.recordSightings([sighting(MAC1, '192.0.2.2', 3000)]);
    const d = devices.get(`mac:${MAC1}`);
    expect(d?.lastSeen).toBe(5000);
    expect(d?.ip).toBe('192.0.2.1');
    expect(d?.addresses[0]).toBe('192.0.2.1');
  });

  it('reads an unreadable addresses column as no addresses', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.1', 1000)]);
    db.prepare("UPDATE devices SET addresses = 'garbage' WHERE id = ?").run(`mac:${MAC1}`);
    expect(devices.get(`mac:${MAC1}`)?.addresses).toEqual([]);
  });

  describe('find', () => {
    beforeEach(() => {
      devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000), sighting(MAC2, '192.0.2.11', 1000), sighting(null, '2001:db8::20', 1000)]);
    });

    it.each([`mac:${MAC1}`, MAC1, '02-00-5E-00-53-01', '02005e005301', '0200.5e00.5301', ' 02:00:5E:00:53:01 ', '192.0.2.10'])('finds the device by %j', (ref) => {
      expect(devices.find(ref)?.id).toBe(`mac:${MAC1}`);
    });

    it('finds an IPv6-only device by id and address', () => {
      expect(devices.find('ip:2001:db8::20')?.id).toBe('ip:2001:db8::20');
      expect(devices.find('2001:db8::20')?.id).toBe('ip:2001:db8::20');
    });

    it.each(['02:00:5e:00:53:99', '192.0.2.99', 'mac:02:00:5e:00:53:99', 'nobody', ''])('finds nothing for %j', (ref) => {
      expect(devices.find(ref)).toBeNull();
    });

    it('finds the most recently seen device when two had the same address', () => {
      devices.recordSightings([sighting(MAC2, '192.0.2.10', 5000)]);
      expect(devices.find('192.0.2.10')?.id).toBe(`mac:${MAC2}`);
      devices.recordSightings([sighting(MAC1, '192.0.2.10', 6000)]);
      expect(devices.find('192.0.2.10')?.id).toBe(`mac:${MAC1}`);
    });

    it('finds by name, any letter case, then by hostname; an ambiguous name finds nothing', () => {
      devices.update(`mac:${MAC1}`, { name: 'Tablette de Léa' });
      devices.setHostname(`mac:${MAC2}`, 'Salon-TV');
      expect(devices.find('tablette de LÉA')?.id).toBe(`mac:${MAC1}`);
      expect(devices.find('  salon-tv ')?.id).toBe(`mac:${MAC2}`);
      devices.update('ip:2001:db8::20', { name: 'TABLETTE de léa' });
      expect(devices.find('Tablette de Léa')).toBeNull();
    });
  });

  // Regression test (found in review, fixed).
  it.each(['', '   '])('finds nothing for the blank ref %j when one unnamed device exists', (ref) => {
    devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000)]);
    expect(devices.find(ref)).toBeNull();
  });

  it('updates the name and the profile, and clears them with null', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000)]);
    const id = `mac:${MAC1}`;
    expect(devices.update(id, { name: '  Tablet  ', profileId: 'teen' })).toMatchObject({ name: 'Tablet', profileId: 'teen' });
    expect(devices.update(id, { name: null })).toMatchObject({ name: null, profileId: 'teen' });
    expect(devices.update(id, { profileId: null })).toMatchObject({ name: null, profileId: null });
    expect(devices.update(id, { name: 'n'.repeat(60) }).name).toBe('n'.repeat(60));
  });

  it('refuses an unknown profile (NOT_FOUND), a bad name (VALIDATION) and an unknown device (NOT_FOUND)', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000)]);
    const id = `mac:${MAC1}`;
    devices.update(id, { name: 'Tablet', profileId: 'teen' });
    expect(codeOf(() => devices.update(id, { profileId: 'ghost' }))).toBe('NOT_FOUND');
    expect(codeOf(() => devices.update(id, { name: 'n'.repeat(61) }))).toBe('VALIDATION');
    expect(codeOf(() => devices.update(id, { name: '   ' }))).toBe('VALIDATION');
    expect(codeOf(() => devices.update('mac:02:00:5e:00:53:99', { name: 'X' }))).toBe('NOT_FOUND');
    expect(devices.get(id)).toMatchObject({ name: 'Tablet', profileId: 'teen' });
  });

  it('sets and clears the hostname, and removes a device', () => {
    devices.recordSightings([sighting(MAC1, '192.0.2.10', 1000)]);
    devices.setHostname(`mac:${MAC1}`, 'lea-tablet');
    expect(devices.get(`mac:${MAC1}`)?.hostname).toBe('lea-tablet');
    devices.setHostname(`mac:${MAC1}`, null);
    expect(devices.get(`mac:${MAC1}`)?.hostname).toBeNull();
    expect(devices.remove(`mac:${MAC1}`)).toBe(true);
    expect(devices.remove(`mac:${MAC1}`)).toBe(false);
    expect(devices.get(`mac:${MAC1}`)).toBeNull();
    expect(devices.list()).toEqual([]);
  });
});

describe('override store', () => {
  const id = `mac:${MAC1}`;
  beforeEach(() => {
    devices.recordSightings([sighting(MAC1, '192.0.2.10', T0), sighting(MAC2, '192.0.2.11', T0)]);
  });

  it('sets a pause and a block for whole minutes from now', () => {
    expect(overrides.set(id, 'pause', 30)).toEqual({ deviceId: id, kind: 'pause', until: T0 + 30 * MIN, createdAt: T0 });
    expect(overrides.set(`mac:${MAC2}`, 'block', 1)).toEqual({ deviceId: `mac:${MAC2}`, kind: 'block', until: T0 + MIN, createdAt: T0 });
    expect(overrides.list()).toEqual([
      { deviceId: `mac:${MAC2}`, kind: 'block', until: T0 + MIN, createdAt: T0 },
      { deviceId: id, kind: 'pause', until: T0 + 30 * MIN, createdAt: T0 },
    ]);
  });

  it.each([0, -1, 1.5, MAX_OVERRIDE_MINUTES + 1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d minutes with VALIDATION', (minutes) => {
    expect(codeOf(() => overrides.set(id, 'pause', minutes))).toBe('VALIDATION');
    expect(overrides.list()).toEqual([]);
  });

  it('accepts exactly one week', () => {
    expect(MAX_OVERRIDE_MINUTES).toBe(10_080);
    expect(overrides.set(id, 'block', MAX_OVERRIDE_MINUTES).until).toBe(T0 + 7 * 24 * 60 * MIN);
  });

  it('lists only overrides still in force at the injected clock', () => {
    overrides.set(id, 'pause', 10);
    overrides.set(`mac:${MAC2}`, 'block', 60);
    now = T0 + 10 * MIN - 1;
    expect(overrides.list().map((o) => o.deviceId)).toEqual([id, `mac:${MAC2}`]);
    now = T0 + 10 * MIN; // `until` itself is over
    expect(overrides.list().map((o) => o.deviceId)).toEqual([`mac:${MAC2}`]);
    now = T0 + 60 * MIN;
    expect(overrides.list()).toEqual([]);
  });

  it('replaces the override of a device (one per device)', () => {
    overrides.set(id, 'pause', 30);
    now = T0 + 5 * MIN;
    expect(overrides.set(id, 'block', 60)).toEqual({ deviceId: id, kind: 'block', until: now + 60 * MIN, createdAt: now });
    expect(overrides.list()).toEqual([{ deviceId: id, kind: 'block', until: now + 60 * MIN, createdAt: now }]);
  });

  it('clears an override, and says false when there was none', () => {
    overrides.set(id, 'pause', 30);
    expect(overrides.clear(id)).toBe(true);
    expect(overrides.clear(id)).toBe(false);
    expect(overrides.list()).toEqual([]);
    overrides.set(id, 'pause', 5);
    now = T0 + 5 * MIN; // expired: pruned, nothing left to end
    expect(overrides.clear(id)).toBe(false);
    expect(db.prepare('SELECT COUNT(*) AS n FROM overrides').get()).toEqual({ n: 0 });
  });

  it('prunes expired rows on the next change', () => {
    overrides.set(id, 'pause', 5);
    now = T0 + 6 * MIN;
    overrides.set(`mac:${MAC2}`, 'block', 5);
    expect(db.prepare('SELECT device_id FROM overrides').all()).toEqual([{ device_id: `mac:${MAC2}` }]);
  });

  it('says NOT_FOUND for an unknown device', () => {
    expect(codeOf(() => overrides.set('mac:02:00:5e:00:53:99', 'pause', 30))).toBe('NOT_FOUND');
    expect(overrides.list()).toEqual([]);
  });

  it('drops the override of a removed device', () => {
    overrides.set(id, 'block', 30);
    devices.remove(id);
    expect(overrides.list()).toEqual([]);
  });
});
