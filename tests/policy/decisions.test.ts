/**
 * What the built policy decides, with the shipped lists/ and hand-made profiles, rules, schedule
 * windows, devices and overrides. Pure: no database, an explicit instant for every decision.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, type LoadedCatalog } from '../../src/blocklists/load-catalog.js';
import { buildPolicySnapshot, type BuiltPolicy, type PolicyInputs } from '../../src/policy/build-snapshot.js';
import { PRESETS, type Device, type Override, type Preset, type Profile, type ProfileRule, type ScheduleWindow, type Weekday } from '../../src/policy/model.js';
import { snapshotFromMatcher } from '../../src/policy/snapshot.js';
import type { BlockDecision } from '../../src/resolver/types.js';

const listsDir = fileURLToPath(new URL('../../lists/', import.meta.url));
const MIN = 60_000;
/** Local Paris wall time in January 2026 (CET = UTC+1) as epoch ms. 7 Jan is a Wednesday. */
const jan = (day: number, hh: number, mm: number): number => Date.UTC(2026, 0, day, hh - 1, mm);
const NOON = jan(7, 12, 0);

let loaded: LoadedCatalog;
let withCustom: LoadedCatalog;

beforeAll(async () => {
  loaded = await loadCatalog(listsDir);
  withCustom = await loadCatalog(listsDir, {
    customAllow: [{ name: 'tinder.com', subdomains: true }, { name: 'bank.example', subdomains: true }],
    customBlock: [{ name: 'example.org', subdomains: false }],
  });
});

function presetProfile(id: Preset, over: Partial<Profile> = {}): Profile {
  return { id, name: id, base: id, categories: {}, services: {}, safeSearch: id === 'child' || id === 'teen', builtIn: true, ...over };
}

function build(over: Partial<PolicyInputs> = {}): BuiltPolicy {
  return buildPolicySnapshot({
    loaded, profiles: PRESETS.map((p) => presetProfile(p)), rules: [], windows: [], devices: [], overrides: [], defaultProfileId: 'child',
    timeZone: 'Europe/Paris', blockMode: 'null', builtAt: 0, ...over,
  });
}

/** The decision of one compiled profile of `policy`. */
function decide(policy: BuiltPolicy, profileId: string, name: string, now = NOON): BlockDecision | null {
  const compiled = policy.profiles.get(profileId);
  if (compiled === undefined) throw new Error(`no profile ${profileId} in the snapshot`);
  return compiled.decide(name, now);
}

let nextWindowId = 100;
function win(profileId: string, days: Weekday[], start: string, end: string, over: Partial<ScheduleWindow> = {}): ScheduleWindow {
  const hm = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return {
    id: nextWindowId++, profileId, label: '', days, start: hm(start), end: hm(end), mode: 'block', categories: [], allow: [], enabled: true, ...over,
  };
}

describe('presets with the shipped lists', () => {
  it.each<[Preset, string, string | null]>([
    ['child', 'coco.gg', 'anonymous-chat'],
    ['child', 'www.coco.gg', 'anonymous-chat'],
    ['child', 'yubo.live', 'teen-meetup'],
    ['child', 'tinder.com', 'dating'],
    ['child', 'dns.google', 'bypass'],
    ['child', 'use-application-dns.net', 'bypass'],
    ['teen', 'coco.gg', 'anonymous-chat'],
    ['teen', 'yubo.live', null],
    ['teen', 'tinder.com', 'dating'],
    ['teen', 'dns.google', 'bypass'],
    ['adult', 'coco.gg', null],
    ['adult', 'yubo.live', null],
    ['adult', 'tinder.com', null],
    ['adult', 'dns.google', null],
    ['adult', 'use-application-dns.net', 'bypass'],
    ['unfiltered', 'coco.gg', null],
    ['unfiltered', 'yubo.live', null],
    ['unfiltered', 'tinder.com', null],
    ['unfiltered', 'dns.google', null],
    ['unfiltered', 'use-application-dns.net', null],
    ['child', 'tiktok.com', null],
    ['teen', 'tiktok.com', null],
    ['adult', 'tiktok.com', null],
    ['unfiltered', 'tiktok.com', null],
    ['child', 'example.com', null],
  ])('%s: %s → %s', (preset, name, category) => {
    const decision = decide(build(), preset, name);
    expect(decision?.category ?? null).toBe(category);
    if (decision !== null) expect(decision.matched).toBe(name);
  });

  it('answers canaries with nxdomain and other blocks with a sinkhole', () => {
    const policy = build();
    expect(decide(policy, 'adult', 'use-application-dns.net')).toMatchObject({ action: 'nxdomain', list: 'bypass-canaries', rule: 'use-application-dns.net' });
    expect(decide(policy, 'child', 'coco.gg')).toMatchObject({ action: 'sinkhole', list: 'anonymous-chat', rule: 'coco.gg' });
    expect(decide(policy, 'child', 'coco.gg')?.reason).toBeUndefined();
  });
});

describe('profile categories and rules', () => {
  it('a profile switching social-media on and dating off blocks tiktok.com and not tinder.com', () => {
    const own: Profile = { id: 'lea', name: 'Léa', base: 'child', categories: { 'social-media': true, dating: false }, services: {}, safeSearch: true, builtIn: false };
    const policy = build({ profiles: [...PRESETS.map((p) => presetProfile(p)), own] });
    expect(decide(policy, 'lea', 'tiktok.com')).toMatchObject({ category: 'social-media', list: 'social-media', action: 'sinkhole' });
    expect(decide(policy, 'lea', 'www.tiktok.com')?.category).toBe('social-media');
    expect(decide(policy, 'lea', 'tinder.com')).toBeNull();
    expect(decide(policy, 'lea', 'coco.gg')?.category).toBe('anonymous-chat');
    // The presets are unchanged by another profile's choices.
    expect(decide(policy, 'child', 'tiktok.com')).toBeNull();
    expect(decide(policy, 'child', 'tinder.com')?.category).toBe('dating');
  });

  it("a profile's allow rule beats the lists for that profile only; its block rule adds a name", () => {
    const rules: ProfileRule[] = [
      { profileId: 'teen', name: 'coco.gg', kind: 'allow', subdomains: true },
      { profileId: 'teen', name: 'games.example', kind: 'block', subdomains: true },
      { profileId: 'teen', name: 'exact.example', kind: 'block', subdomains: false },
    ];
    const policy = build({ rules });
    expect(decide(policy, 'teen', 'coco.gg')).toBeNull();
    expect(decide(policy, 'teen', 'www.coco.gg')).toBeNull();
    expect(decide(policy, 'child', 'coco.gg')?.category).toBe('anonymous-chat');
    expect(decide(policy, 'teen', 'games.example')).toMatchObject({ category: 'custom', action: 'sinkhole', matched: 'games.example' });
    expect(decide(policy, 'teen', 'play.games.example')?.category).toBe('custom');
    expect(decide(policy, 'teen', 'exact.example')?.category).toBe('custom');
    expect(decide(policy, 'teen', 'www.exact.example')).toBeNull();
    expect(decide(policy, 'child', 'games.example')).toBeNull();
  });

  it('a profile allow rule beats its own block rule for the same name', () => {
    const rules: ProfileRule[] = [
      { profileId: 'child', name: 'games.example', kind: 'block', subdomains: true },
      { profileId: 'child', name: 'games.example', kind: 'allow', subdomains: true },
    ];
    expect(decide(build({ rules }), 'child', 'games.example')).toBeNull();
  });

  it.each(PRESETS)('global allow and block rules apply to the %s profile', (preset) => {
    const policy = build({ loaded: withCustom });
    expect(decide(policy, preset, 'tinder.com')).toBeNull();
    expect(decide(policy, preset, 'www.tinder.com')).toBeNull();
    expect(decide(policy, preset, 'example.org')).toMatchObject({ category: 'custom', action: 'sinkhole' });
    expect(decide(policy, preset, 'www.example.org')).toBeNull(); // exact rule
  });
});

describe('schedule windows', () => {
  it("a 'block' window adds a category only while it is active, and says so", () => {
    const w = win('child', ['wed'], '14:00', '16:00', { categories: ['social-media'], label: 'homework' });
    const policy = build({ windows: [w] });
    expect(decide(policy, 'child', 'tiktok.com', jan(7, 13, 59))).toBeNull();
    const during = decide(policy, 'child', 'tiktok.com', jan(7, 14, 0));
    expect(during).toMatchObject({ category: 'social-media', list: 'social-media', action: 'sinkhole', matched: 'tiktok.com' });
    expect(during?.reason?.startsWith('schedule:')).toBe(true);
    expect(during?.reason).toContain('14:00-16:00');
    expect(decide(policy, 'child', 'tiktok.com', jan(7, 15, 59))?.category).toBe('social-media');
    expect(decide(policy, 'child', 'tiktok.com', jan(7, 16, 0))).toBeNull();
    expect(decide(policy, 'child', 'tiktok.com', jan(8, 14, 30))).toBeNull(); // Thursday
    // Lists already on keep their own decision, without a schedule reason.
    expect(decide(policy, 'child', 'coco.gg', jan(7, 14, 30))?.reason).toBeUndefined();
    // Another profile is not affected by child's window.
    expect(decide(policy, 'teen', 'tiktok.com', jan(7, 14, 30))).toBeNull();
    expect(policy.profiles.get('child')?.activeWindows(jan(7, 14, 30))).toEqual([w]);
    expect(policy.profiles.get('child')?.activeWindows(jan(7, 16, 30))).toEqual([]);
  });

  it('a disabled window never applies', () => {
    const policy = build({ windows: [win('child', ['wed'], '14:00', '16:00', { categories: ['social-media'], enabled: false })] });
    expect(decide(policy, 'child', 'tiktok.com', jan(7, 15, 0))).toBeNull();
  });

  describe('bedtime', () => {
    let policy: BuiltPolicy;
    let bedtime: ScheduleWindow;
    const NIGHT = jan(7, 22, 0);
    beforeAll(() => {
      bedtime = win('child', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], '21:00', '07:00', { mode: 'bedtime', allow: ['ent.example', 'coco.gg'] });
      policy = build({
        loaded: withCustom,
        windows: [bedtime],
        rules: [{ profileId: 'child', name: 'homework.example', kind: 'allow', subdomains: true }],
      });
    });

    it('blocks every other name while active, as category bedtime', () => {
      const decision = decide(policy, 'child', 'news.example.net', NIGHT);
      expect(decision).toMatchObject({ action: 'sinkhole', category: 'bedtime', list: `schedule-${bedtime.id}`, rule: '*', matched: 'news.example.net' });
      expect(decision?.reason?.startsWith('schedule:')).toBe(true);
      expect(decision?.reason).toContain('21:00-07:00');
      expect(decide(policy, 'child', 'news.example.net', NOON)).toBeNull();
      expect(decide(policy, 'child', 'news.example.net', jan(8, 6, 59))?.category).toBe('bedtime');
      expect(decide(policy, 'child', 'news.example.net', jan(8, 7, 0))).toBeNull();
      expect(decide(policy, 'teen', 'news.example.net', NIGHT)).toBeNull();
    });

    it.each(['ent.example', 'www.ent.example', 'homework.example', 'a.homework.example', 'bank.example', 'tinder.com'])(
      'lets %s through (window, profile or global allow)', (name) => {
        expect(decide(policy, 'child', name, NIGHT)).toBeNull();
      },
    );

    it('still blocks a risky name on its allow list by the list', () => {
      expect(decide(policy, 'child', 'coco.gg', NIGHT)).toMatchObject({ category: 'anonymous-chat', list: 'anonymous-chat' });
      expect(decide(policy, 'child', 'coco.gg', NIGHT)?.reason).toBeUndefined();
    });

    it('lists the bedtime first in explain', () => {
      const explained = policy.profiles.get('child')?.explain('dns.google', NIGHT) ?? [];
      // The bedtime first, then every list that has the name (our bypass services and the sources).
      expect(explained[0]?.category).toBe('bedtime');
      expect(new Set(explained.slice(1).map((d) => d.category))).toEqual(new Set(['bypass']));
    });

    // Regression test (found in review, fixed).
    it('keeps nxdomain for a bypass canary during bedtime', () => {
      expect(decide(policy, 'child', 'use-application-dns.net', NIGHT)?.action).toBe('nxdomain');
    });
  });

  it('an overnight Sunday 21:00-07:00 window runs into Monday morning across the week boundary', () => {
    const policy = build({ windows: [win('child', ['sun'], '21:00', '07:00', { mode: 'bedtime' })] });
    const at = (ms: number): string | null => decide(policy, 'child', 'news.example.net', ms)?.category ?? null;
    expect(at(jan(10, 23, 0))).toBeNull(); // Saturday night
    expect(at(jan(11, 20, 59))).toBeNull(); // Sunday
    expect(at(jan(11, 21, 0))).toBe('bedtime');
    expect(at(jan(11, 23, 59))).toBe('bedtime');
    expect(at(jan(12, 0, 0))).toBe('bedtime'); // Monday 00:00 = minute-of-week 0
    expect(at(jan(12, 6, 59))).toBe('bedtime');
    expect(at(jan(12, 7, 0))).toBeNull();
    expect(at(jan(12, 21, 30))).toBeNull(); // Monday night: not a start day
  });

  describe('across the Europe/Paris DST changes of 2026 (window Sun 01:30-03:30)', () => {
    let policy: BuiltPolicy;
    beforeAll(() => {
      policy = build({ windows: [win('child', ['sun'], '01:30', '03:30', { categories: ['social-media'] })] });
    });
    const isOn = (ms: number): boolean => decide(policy, 'child', 'tiktok.com', ms) !== null;

    it.each<[string, number, boolean]>([
      // 29 Mar: 02:00 CET (01:00 UTC) jumps to 03:00 CEST.
      ['01:29 CET', Date.UTC(2026, 2, 29, 0, 29), false],
      ['01:30 CET', Date.UTC(2026, 2, 29, 0, 30), true],
      ['01:59 CET, just before the jump', Date.UTC(2026, 2, 29, 0, 59), true],
      ['03:00 CEST, just after the jump', Date.UTC(2026, 2, 29, 1, 0), true],
      ['03:29 CEST', Date.UTC(2026, 2, 29, 1, 29), true],
      ['03:30 CEST', Date.UTC(2026, 2, 29, 1, 30), false],
      // 25 Oct: 03:00 CEST (01:00 UTC) falls back to 02:00 CET.
      ['01:29 CEST', Date.UTC(2026, 9, 24, 23, 29), false],
      ['01:30 CEST', Date.UTC(2026, 9, 24, 23, 30), true],
      ['02:59 CEST, just before the fall back', Date.UTC(2026, 9, 25, 0, 59), true],
      ['02:00 CET, just after the fall back', Date.UTC(2026, 9, 25, 1, 0), true],
      ['03:29 CET', Date.UTC(2026, 9, 25, 2, 29), true],
      ['03:30 CET', Date.UTC(2026, 9, 25, 2, 30), false],
    ])('at %s the window is active: %s', (_label, ms, active) => {
      expect(isOn(ms)).toBe(active);
    });

    it('lasts one real hour in spring and three in autumn', () => {
      const minutesOn = (from: number, to: number): number => {
        let n = 0;
        for (let t = from; t < to; t += MIN) if (isOn(t)) n++;
        return n;
      };
      expect(minutesOn(Date.UTC(2026, 2, 28, 22, 0), Date.UTC(2026, 2, 29, 4, 0))).toBe(60);
      expect(minutesOn(Date.UTC(2026, 9, 24, 21, 0), Date.UTC(2026, 9, 25, 5, 0))).toBe(180);
    });
  });
});

describe('devices and overrides', () => {
  const MAC_A = '02:00:5e:00:53:01';
  const MAC_C = '02:00:5e:00:53:03';
  const MAC_D = '02:00:5e:00:53:04';
  const device = (over: Partial<Device> & Pick<Device, 'id'>): Device => ({
    mac: null, randomizedMac: false, ip: null, addresses: [], hostname: null, name: null, profileId: null, firstSeen: 0, lastSeen: 0, ...over,
  });
  const devices: Device[] = [
    device({ id: `mac:${MAC_D}`, mac: MAC_D, ip: '192.0.2.10', profileId: 'adult', lastSeen: 500 }),
    device({ id: `mac:${MAC_A}`, mac: MAC_A, ip: '192.0.2.10', name: 'Tablette', profileId: 'teen', lastSeen: 2000 }),
    device({ id: 'ip:192.0.2.20', ip: '192.0.2.20', hostname: 'salon-tv', lastSeen: 1000 }),
    device({ id: `mac:${MAC_C}`, mac: MAC_C, ip: '192.0.2.30', profileId: 'ghost', lastSeen: 1000 }),
  ];

  it('finds a device by its last address when no MAC is known (the most recently seen wins)', () => {
    const policy = build({ devices });
    const r = policy.identify('192.0.2.10', null);
    expect(r).toMatchObject({ deviceId: `mac:${MAC_A}`, deviceName: 'Tablette', profileId: 'teen' });
    expect(policy.identify('192.0.2.20', null)).toMatchObject({ deviceId: 'ip:192.0.2.20', deviceName: 'salon-tv', profileId: 'child' });
    expect(policy.deviceFor('192.0.2.10', null)?.id).toBe(`mac:${MAC_A}`);
  });

  it('finds a device by MAC first, whatever the address', () => {
    const policy = build({ devices });
    expect(policy.identify('192.0.2.99', MAC_D)).toMatchObject({ deviceId: `mac:${MAC_D}`, profileId: 'adult', deviceName: '192.0.2.10' });
    expect(policy.identify('192.0.2.10', MAC_D).profileId).toBe('adult');
    expect(policy.deviceFor('192.0.2.99', MAC_D)?.id).toBe(`mac:${MAC_D}`);
  });

  it('an unknown MAC at a known address is an unknown device on the default profile', () => {
    const policy = build({ devices });
    const r = policy.identify('192.0.2.10', '02:00:5e:00:53:99');
    expect(r).toMatchObject({ deviceId: 'mac:02:00:5e:00:53:99', deviceName: '02:00:5e:00:53:99', profileId: 'child' });
    expect(r.decide('coco.gg', NOON)?.category).toBe('anonymous-chat');
    expect(r.isSafeSearchOn(NOON)).toBe(true);
  });

  it('unknown devices get the default profile, one Requester per address', () => {
    const policy = build({ devices, defaultProfileId: 'adult' });
    const r = policy.identify('192.0.2.77', null);
    expect(r).toMatchObject({ deviceId: 'ip:192.0.2.77', deviceName: '192.0.2.77', profileId: 'adult' });
    expect(policy.identify('192.0.2.77', null)).toBe(r);
    expect(policy.identify('192.0.2.78', null)).not.toBe(r);
    expect(policy.identify('192.0.2.77', '02:00:5e:00:53:98')).toBe(policy.identify('192.0.2.1', '02:00:5e:00:53:98'));
    expect(r.decide('coco.gg', NOON)).toBeNull();
    expect(policy.fallback).toMatchObject({ deviceId: 'unknown', profileId: 'adult' });
    expect(policy.defaultProfile.profile.id).toBe('adult');
  });

  it('a device on a profile that no longer exists, or on none, gets the default profile', () => {
    const policy = build({ devices, defaultProfileId: 'teen' });
    expect(policy.identify('192.0.2.30', MAC_C)).toMatchObject({ deviceId: `mac:${MAC_C}`, profileId: 'teen' });
    expect(policy.identify('192.0.2.20', null).profileId).toBe('teen');
  });

  it('an unknown default profile id falls back to the first profile', () => {
    const policy = build({ defaultProfileId: 'ghost' });
    expect(policy.defaultProfile.profile.id).toBe(PRESETS[0]);
    expect(() => build({ profiles: [] })).toThrow(/at least one profile/);
  });

  describe('overrides', () => {
    const T = NOON;
    const until = T + 30 * MIN;
    const pause: Override = { deviceId: `mac:${MAC_A}`, kind: 'pause', until, createdAt: T };
    const blockNow: Override = { deviceId: 'ip:192.0.2.20', kind: 'block', until, createdAt: T };

    it('pause (reward time) lifts schedules and optional groups, never risky chat, dating, bypass or SafeSearch', () => {
      // The attack: a 30-minute reward pause used to lift everything, long enough to install a VPN.
      const teenSocial: Profile = { ...presetProfile('teen'), categories: { 'social-media': true } };
      const bedtime = win('teen', ['wed'], '12:00', '13:00', { mode: 'bedtime' });
      const r = build({ devices, overrides: [pause], profiles: [...PRESETS.filter((p) => p !== 'teen').map((p) => presetProfile(p)), teenSocial], windows: [bedtime] }).identify('192.0.2.10', null);
      expect(r.decide('tiktok.com', T)).toBeNull(); // optional group: lifted
      expect(r.decide('news.example.net', T)).toBeNull(); // bedtime window: lifted
      expect(r.decide('tinder.com', T)?.category).toBe('dating');
      expect(r.decide('coco.gg', T)?.category).toBe('anonymous-chat');
      expect(r.decide('nordvpn.com', T)?.category).toBe('bypass');
      expect(r.decide('use-application-dns.net', until - 1)?.action).toBe('nxdomain');
      expect(r.isSafeSearchOn(T)).toBe(true);
      expect(r.decide('tiktok.com', until)?.category).toBe('social-media');
      expect(r.decide('news.example.net', until - 1)).toBeNull();
      expect(r.decide('news.example.net', until)?.category).toBe('bedtime');
    });

    it("'off' (turn everything off, chosen explicitly) lifts everything and SafeSearch until `until`", () => {
      const off: Override = { ...pause, kind: 'off' };
      const r = build({ devices, overrides: [off] }).identify('192.0.2.10', null);
      expect(r.decide('tinder.com', T)).toBeNull();
      expect(r.decide('nordvpn.com', until - 1)).toBeNull();
      expect(r.isSafeSearchOn(T)).toBe(false);
      expect(r.decide('tinder.com', until)?.category).toBe('dating');
      expect(r.isSafeSearchOn(until)).toBe(true);
    });

    it("block: everything is 'block-now' until `until`, then the profile decides again", () => {
      const policy = build({ devices, overrides: [blockNow] });
      const r = policy.identify('192.0.2.20', null);
      const decision = r.decide('wikipedia.example', T);
      expect(decision).toMatchObject({ action: 'sinkhole', category: 'block-now', list: 'override', rule: '*', matched: 'wikipedia.example' });
      expect(decision?.reason).toMatch(/^everything blocked by a parent until \S/);
      expect(r.decide('wikipedia.example', until - 1)?.category).toBe('block-now');
      expect(r.isSafeSearchOn(T)).toBe(true);
      expect(r.decide('wikipedia.example', until)).toBeNull();
      expect(r.decide('coco.gg', until)?.category).toBe('anonymous-chat');
      expect(policy.overrides.get('ip:192.0.2.20')).toEqual(blockNow);
      // Other devices are unaffected.
      expect(policy.identify('192.0.2.10', null).decide('wikipedia.example', T)).toBeNull();
    });

    // Regression test (found in review, fixed).
    it('block: a bypass canary keeps its nxdomain answer', () => {
      const r = build({ devices, overrides: [blockNow] }).identify('192.0.2.20', null);
      expect(r.decide('use-application-dns.net', T)?.action).toBe('nxdomain');
    });
  });
});

describe('snapshotFromMatcher', () => {
  const decision: BlockDecision = { action: 'sinkhole', category: 'test', list: 'test-list', rule: 'blocked.example', matched: 'blocked.example' };
  const seen: string[] = [];
  const matcher = { match: (name: string) => { seen.push(name); return name === 'blocked.example' ? decision : null; } };

  it('gives every client the same requester: the matcher, no schedule, no SafeSearch', () => {
    const snapshot = snapshotFromMatcher(matcher, 'nxdomain', 42);
    expect(snapshot.blockMode).toBe('nxdomain');
    expect(snapshot.builtAt).toBe(42);
    const r = snapshot.identify('192.0.2.1', null);
    expect(snapshot.identify('2001:db8::1', '02:00:5e:00:53:01')).toBe(r);
    expect(snapshot.fallback).toBe(r);
    expect(r).toMatchObject({ deviceId: 'any', deviceName: 'any', profileId: 'lists' });
    expect(r.decide('blocked.example', 0)).toBe(decision);
    expect(r.decide('blocked.example', jan(7, 22, 0))).toBe(decision);
    expect(r.decide('fine.example', 0)).toBeNull();
    expect(seen).toEqual(['blocked.example', 'blocked.example', 'fine.example']);
    expect(r.isSafeSearchOn(0)).toBe(false);
    expect(r.isSafeSearchOn(Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('builtAt defaults to 0', () => {
    expect(snapshotFromMatcher(matcher, 'null').builtAt).toBe(0);
  });
});
