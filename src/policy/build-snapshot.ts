/**
 * Builds the PolicySnapshot from everything the parents decided (profiles, rules, schedules,
 * devices, overrides) and the loaded lists. Runs off the query path on start and on every change.
 */
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import type { BlockMode } from '../resolver/answers.js';
import type { BlockDecision, Requester } from '../resolver/types.js';
import { compileProfile, type CompiledProfile } from './compile-profile.js';
import { createLocalWeekClock, localDateParts } from './local-time.js';
import { formatClockTime, type Device, type DeviceRule, type Override, type Profile, type ProfileRule, type ScheduleWindow } from './model.js';
import type { PolicySnapshot } from './snapshot.js';
import { deviceIdFor } from './device-store.js';

/** Everything a snapshot is built from (read by readPolicyInputs, or given by tests). */
export interface PolicyInputs {
  readonly loaded: LoadedCatalog;
  readonly profiles: readonly Profile[];
  readonly rules: readonly ProfileRule[];
  readonly windows: readonly ScheduleWindow[];
  readonly devices: readonly Device[];
  readonly overrides: readonly Override[];
  /** Parents' rules for single devices (allow or block a service or a name). */
  readonly deviceRules?: readonly DeviceRule[];
  readonly defaultProfileId: string;
  /** IANA zone schedules are written in (VIGIE_TZ). */
  readonly timeZone: string;
  readonly blockMode: BlockMode;
  readonly builtAt: number;
}

/** The snapshot plus what explanations (`vigie check --client`) need. */
export interface BuiltPolicy extends PolicySnapshot {
  readonly profiles: ReadonlyMap<string, CompiledProfile>;
  readonly defaultProfile: CompiledProfile;
  /** The profile as compiled for a device with rules of its own (else use `profiles`). */
  readonly deviceProfiles: ReadonlyMap<string, CompiledProfile>;
  /** The device a query from ip/mac belongs to, if known. */
  deviceFor(ip: string, mac: string | null): Device | null;
  readonly overrides: ReadonlyMap<string, Override>;
}

/** Unknown addresses remembered per snapshot before the memo starts over. */
const MAX_UNKNOWN = 4096;

/** The display name of a device: the parent's name, its hostname, else its address or MAC. */
export function deviceLabel(device: Pick<Device, 'name' | 'hostname' | 'ip' | 'mac' | 'id'>): string {
  return device.name ?? device.hostname ?? device.ip ?? device.mac ?? device.id;
}

function overrideDecision(name: string, override: Override, untilText: string): BlockDecision {
  return { action: 'sinkhole', category: 'block-now', list: 'override', rule: '*', matched: name, reason: `everything blocked by a parent until ${untilText}` };
}

/** 'HH:MM' local, with the date when not today. */
function localTimeText(ms: number, timeZone: string, now: number): string {
  const at = localDateParts(ms, timeZone);
  const today = localDateParts(now, timeZone);
  const time = formatClockTime(at.hour * 60 + at.minute);
  return at.year === today.year && at.month === today.month && at.day === today.day ? time : `${at.year}-${String(at.month).padStart(2, '0')}-${String(at.day).padStart(2, '0')} ${time}`;
}

/**
 * A requester: the profile's decision, under the device's override while it lasts. A pause
 * (reward time) keeps the protective categories (risky chat, adult, bypass…) and SafeSearch: long
 * enough to install a VPN is not a reason to open the door; 'off' lifts everything.
 */
export function makeRequester(id: string, label: string, compiled: CompiledProfile, override: Override | null, timeZone = 'UTC'): Requester {
  const { profile } = compiled;
  if (override === null) {
    return { deviceId: id, deviceName: label, profileId: profile.id, decide: compiled.decide, isSafeSearchOn: () => profile.safeSearch };
  }
  const active = (now: number): boolean => now < override.until;
  const untilText = localTimeText(override.until, timeZone, override.createdAt);
  return {
    deviceId: id,
    deviceName: label,
    profileId: profile.id,
    decide(name, now) {
      if (!active(now)) return compiled.decide(name, now);
      if (override.kind === 'off') return null;
      if (override.kind === 'pause') return compiled.decidePaused(name);
      // A listed name keeps its own decision (its category counts in the report; canaries keep
      // their NXDOMAIN, as a sinkhole answer would let browsers keep DoH on).
      return compiled.decide(name, now) ?? overrideDecision(name, override, untilText);
    },
    isSafeSearchOn: (now) => profile.safeSearch && !(active(now) && override.kind === 'off'),
  };
}

/** Builds the snapshot (see the file header). Unknown profile ids fall back to the default profile. */
export function buildPolicySnapshot(inputs: PolicyInputs): BuiltPolicy {
  const weekClock = createLocalWeekClock(inputs.timeZone);
  const profiles = new Map<string, CompiledProfile>();
  for (const profile of inputs.profiles) {
    profiles.set(profile.id, compileProfile({ loaded: inputs.loaded, profile, rules: inputs.rules.filter((r) => r.profileId === profile.id), windows: inputs.windows, weekClock }));
  }
  const defaultProfile = profiles.get(inputs.defaultProfileId) ?? [...profiles.values()][0];
  if (defaultProfile === undefined) throw new Error('a policy needs at least one profile');
  const overrides = new Map(inputs.overrides.map((o) => [o.deviceId, o]));
  // Devices with rules of their own get their profile compiled once more, with those rules.
  const rulesByDevice = new Map<string, DeviceRule[]>();
  for (const rule of inputs.deviceRules ?? []) rulesByDevice.set(rule.deviceId, [...(rulesByDevice.get(rule.deviceId) ?? []), rule]);
  const deviceProfiles = new Map<string, CompiledProfile>();
  const compiledFor = (device: Device): CompiledProfile => {
    const base = (device.profileId !== null ? profiles.get(device.profileId) : undefined) ?? defaultProfile;
    const deviceRules = rulesByDevice.get(device.id);
    if (deviceRules === undefined) return base;
    const own = compileProfile({ loaded: inputs.loaded, profile: base.profile, rules: inputs.rules.filter((r) => r.profileId === base.profile.id), windows: inputs.windows, weekClock, deviceRules });
    deviceProfiles.set(device.id, own);
    return own;
  };

  const byMac = new Map<string, Requester>();
  const byIp = new Map<string, Requester>();
  const devicesByMac = new Map<string, Device>();
  const devicesByIp = new Map<string, Device>();
  // Devices are sorted most recently seen first: an address reused by a newer device wins.
  for (const device of [...inputs.devices].sort((a, b) => b.lastSeen - a.lastSeen)) {
    const compiled = compiledFor(device);
    const requester = makeRequester(device.id, deviceLabel(device), compiled, overrides.get(device.id) ?? null, inputs.timeZone);
    if (device.mac !== null && !byMac.has(device.mac)) {
      byMac.set(device.mac, requester);
      devicesByMac.set(device.mac, device);
    }
    if (device.ip !== null && !byIp.has(device.ip)) {
      byIp.set(device.ip, requester);
      devicesByIp.set(device.ip, device);
    }
  }
  // Unknown devices, remembered per snapshot by MAC or by address (no key string built per query).
  const unknownByMac = new Map<string, Requester>();
  const unknownByIp = new Map<string, Requester>();
  const fallback = makeRequester('unknown', 'unknown', defaultProfile, null);

  return {
    blockMode: inputs.blockMode,
    builtAt: inputs.builtAt,
    fallback,
    profiles,
    defaultProfile,
    deviceProfiles,
    overrides,
    identify(ip, mac) {
      if (mac !== null) {
        const known = byMac.get(mac);
        if (known !== undefined) return known;
      } else {
        const known = byIp.get(ip);
        if (known !== undefined) return known;
      }
      const memo = mac !== null ? unknownByMac : unknownByIp;
      const key = mac ?? ip;
      let requester = memo.get(key);
      if (requester === undefined) {
        if (memo.size >= MAX_UNKNOWN) memo.clear();
        requester = makeRequester(deviceIdFor(mac, ip), key, defaultProfile, null);
        memo.set(key, requester);
      }
      return requester;
    },
    deviceFor: (ip, mac) => (mac !== null ? devicesByMac.get(mac) : undefined) ?? devicesByIp.get(ip) ?? null,
  };
}
