/**
 * `vigie devices`: the devices seen on the network, named and given a profile by parents
 * (config.db). A change touches the lists stamp, so a running `vigie serve` rebuilds its policy.
 */
import { parseArgs } from 'node:util';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { deviceLabel } from '../policy/build-snapshot.js';
import { createDeviceStore, type DeviceStore } from '../policy/device-store.js';
import type { Device, Override } from '../policy/model.js';
import { createOverrideStore } from '../policy/override-store.js';
import { createProfileStore, type ProfileStore } from '../policy/profile-store.js';
import { runCommand, withConfigDb } from './config-command.js';
import { DEVICE_RULES_USAGE, removeDeviceRule, setDeviceRule, showDeviceRules } from './devices-rules.js';
import { formatTable } from './format-table.js';
import { escapeForTerminal } from './lists.js';
import { formatAgo, formatTimeLeft } from './relative-time.js';

const USAGE = `Usage:
  vigie devices [--json]                           devices seen on the network, their profile and override
  vigie devices set REF [--name N] [--profile P]   name a device (--name '' clears) and choose its profile
                                                   (--profile default: the profile of unknown devices)
  vigie devices forget REF                         forget a device (if it asks again, it is back under the default profile)
${DEVICE_RULES_USAGE}REF is a device id, MAC address, IP address or name.
`;

/** Entry point of `vigie devices …`. */
export async function runDevices(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub !== undefined && !sub.startsWith('-') && !SUBCOMMANDS.includes(sub)) {
    process.stderr.write(`vigie devices: unknown sub-command '${escapeForTerminal(sub)}'\n\n${USAGE}`);
    return 2;
  }
  const handlers: Record<string, (rest: string[]) => Promise<number> | number> = {
    set: setDevice, forget, allow: (r) => setDeviceRule(r, 'allow', mustFindDevice), block: (r) => setDeviceRule(r, 'block', mustFindDevice),
    rules: (r) => showDeviceRules(r, mustFindDevice), unrule: (r) => removeDeviceRule(r, mustFindDevice),
  };
  const run = sub === undefined ? undefined : handlers[sub];
  return runCommand('devices', USAGE, () => (run === undefined ? show(args) : run(rest)));
}

const SUBCOMMANDS = ['set', 'forget', 'allow', 'block', 'rules', 'unrule'];

/**
 * The device `ref` names (id, MAC, current address or name, as DeviceStore.find).
 * @throws AppError('NOT_FOUND') when none does, or when a name is shared by several devices.
 */
export function mustFindDevice(store: DeviceStore, ref: string): Device {
  const found = store.find(ref);
  if (found !== null) return found;
  const same = store.list().filter((d) => (d.name ?? d.hostname ?? '').toLowerCase() === ref.trim().toLowerCase());
  if (same.length > 1) throw new AppError('NOT_FOUND', `${same.length} devices are called '${ref}': use an id from 'vigie devices' (${same.map((d) => d.id).join(', ')})`);
  throw new AppError('NOT_FOUND', `no device '${ref}' (give an id, MAC, address or name from 'vigie devices')`);
}

/** The profile `id` names. @throws AppError('NOT_FOUND') listing the profiles. */
export function mustFindProfile(profiles: ProfileStore, id: string): string {
  if (profiles.get(id) !== null) return id;
  throw new AppError('NOT_FOUND', `no profile '${id}' (profiles: ${profiles.list().map((p) => p.id).join(', ')})`);
}

/** How an override reads in a listing: "paused, 25 min left". */
export function describeOverride(o: Override, now: number): string {
  return `${OVERRIDE_TEXT[o.kind]}, ${formatTimeLeft(o.until, now)}`;
}

/** What each override does, in the CLI's words. */
export const OVERRIDE_TEXT: Readonly<Record<Override['kind'], string>> = {
  pause: 'paused (schedules and optional groups lifted; risky services, adult and bypass stay blocked)',
  off: 'filtering turned off',
  block: 'everything blocked',
};

function show(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: false });
  return withConfigDb(({ db, now }) => {
    const devices = createDeviceStore({ db }).list();
    const defaultId = createProfileStore({ db }).defaultProfileId();
    const overrides = new Map(createOverrideStore({ db, clock: () => now }).list().map((o) => [o.deviceId, o]));
    if (values.json) {
      const rows = devices.map((d) => ({ ...d, effectiveProfileId: d.profileId ?? defaultId, override: overrides.get(d.id) ?? null }));
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    if (devices.length === 0) {
      process.stdout.write('no devices seen yet (a device appears once it asks Vigie for a name)\n');
      return 0;
    }
    const rows = devices.map((d) => {
      const override = overrides.get(d.id);
      return [
        d.id, d.name ?? '-', d.hostname ?? '-', d.profileId ?? `default (${defaultId})`, formatAgo(d.lastSeen, now),
        d.addresses.join(', ') || '-', d.mac === null ? '-' : `${d.mac}${d.randomizedMac ? ' (private/random)' : ''}`,
        override === undefined ? '' : describeOverride(override, now),
      ];
    });
    process.stdout.write(formatTable(['ID', 'NAME', 'HOSTNAME', 'PROFILE', 'LAST SEEN', 'ADDRESSES', 'MAC', 'OVERRIDE'], rows));
    return 0;
  });
}

function setDevice(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: { name: { type: 'string' }, profile: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1 || (values.name === undefined && values.profile === undefined)) {
    process.stderr.write(`vigie devices set: needs one device and --name and/or --profile\n\n${USAGE}`);
    return 2;
  }
  return withConfigDb(({ config, db }) => {
    const store = createDeviceStore({ db });
    const profiles = createProfileStore({ db });
    const device = mustFindDevice(store, positionals[0]!);
    const profileId = values.profile === undefined ? undefined : values.profile === 'default' ? null : mustFindProfile(profiles, values.profile);
    const name = values.name === undefined ? undefined : values.name.trim() === '' ? null : values.name;
    const updated = store.update(device.id, { ...(name !== undefined ? { name } : {}), ...(profileId !== undefined ? { profileId } : {}) });
    touchListsChanged(config.dataDir);
    const profile = updated.profileId ?? `default (${profiles.defaultProfileId()})`;
    process.stdout.write(`${escapeForTerminal(updated.id)}: name ${escapeForTerminal(updated.name ?? '(none)')}, profile ${profile}\n`);
    return 0;
  });
}

function forget(args: string[]): Promise<number> | number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) {
    process.stderr.write(`vigie devices forget: needs one device\n\n${USAGE}`);
    return 2;
  }
  return withConfigDb(({ config, db }) => {
    const store = createDeviceStore({ db });
    const device = mustFindDevice(store, positionals[0]!);
    store.remove(device.id);
    touchListsChanged(config.dataDir);
    process.stdout.write(`forgot ${escapeForTerminal(deviceLabel(device))} (${escapeForTerminal(device.id)}); if it asks again it comes back under the default profile\n`);
    return 0;
  });
}
