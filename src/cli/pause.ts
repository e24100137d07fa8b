/**
 * `vigie pause`: a temporary override of one device — a pause for N minutes (reward time:
 * schedules and optional groups lifted, the protective lists kept), filtering turned off entirely
 * (explicit), or everything blocked for N minutes — or ended now. Overrides end by themselves; a change
 * touches the lists stamp, so a running `vigie serve` applies it within seconds.
 */
import { parseArgs } from 'node:util';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { deviceLabel } from '../policy/build-snapshot.js';
import { createDeviceStore } from '../policy/device-store.js';
import { createOverrideStore, MAX_OVERRIDE_MINUTES } from '../policy/override-store.js';
import { runCommand, withConfigDb } from './config-command.js';
import type { Override } from '../policy/model.js';
import { describeOverride, mustFindDevice, OVERRIDE_TEXT } from './devices.js';
import { formatTable } from './format-table.js';
import { escapeForTerminal } from './lists.js';
import { formatTimeLeft } from './relative-time.js';

const USAGE = `Usage:
  vigie pause [--json]                     overrides in force and the time left
  vigie pause REF --minutes N              reward time: schedules and optional groups lifted for N
                                           minutes (risky chat, dating, adult and bypass stay blocked)
  vigie pause REF --everything --minutes N filtering turned off entirely for N minutes
  vigie pause REF --block --minutes N      everything blocked for that device for N minutes
  vigie pause REF --end                    end the device's pause or block now
REF is a device id, MAC address, IP address or name (see vigie devices).
`;

/** Entry point of `vigie pause …`. */
export async function runPause(args: string[]): Promise<number> {
  if (args[0] === 'help' || args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  return runCommand('pause', USAGE, () => {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false }, minutes: { type: 'string' }, block: { type: 'boolean', default: false }, everything: { type: 'boolean', default: false }, end: { type: 'boolean', default: false } },
      allowPositionals: true,
    });
    if (positionals.length > 1) throw new AppError('VALIDATION', 'give one device at a time');
    const ref = positionals[0];
    if (ref === undefined) {
      if (values.minutes !== undefined || values.block || values.everything || values.end) throw new AppError('VALIDATION', 'which device? (vigie pause REF ...)');
      return show(values.json);
    }
    if (values.end) {
      if (values.minutes !== undefined || values.block || values.everything) throw new AppError('VALIDATION', '--end takes no --minutes, --block or --everything');
      return end(ref);
    }
    if (values.minutes === undefined) throw new AppError('VALIDATION', 'needs --minutes N (or --end)');
    if (values.block && values.everything) throw new AppError('VALIDATION', 'choose --block or --everything, not both');
    return start(ref, values.block ? 'block' : values.everything ? 'off' : 'pause', parseMinutes(values.minutes));
  });
}

function parseMinutes(text: string): number {
  const minutes = /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(minutes >= 1 && minutes <= MAX_OVERRIDE_MINUTES)) throw new AppError('VALIDATION', `--minutes must be a whole number from 1 to ${MAX_OVERRIDE_MINUTES}, not '${text}'`);
  return minutes;
}

function show(json: boolean): Promise<number> {
  return withConfigDb(({ config, db, now }) => {
    const devices = createDeviceStore({ db });
    const rows = createOverrideStore({ db, clock: () => now }).list().map((o) => {
      const device = devices.get(o.deviceId);
      return { ...o, deviceName: device === null ? o.deviceId : deviceLabel(device), minutesLeft: Math.ceil((o.until - now) / 60_000) };
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write('no device is paused or blocked\n');
      return 0;
    }
    const when = new Intl.DateTimeFormat('sv-SE', { timeZone: config.tz, dateStyle: 'short', timeStyle: 'short' });
    process.stdout.write(formatTable(['DEVICE', 'ID', 'OVERRIDE', 'UNTIL', 'LEFT'], rows.map((r) => [
      r.deviceName, r.deviceId, OVERRIDE_TEXT[r.kind], when.format(r.until), formatTimeLeft(r.until, now),
    ])));
    return 0;
  });
}

function start(ref: string, kind: Override['kind'], minutes: number): Promise<number> {
  return withConfigDb(({ config, db, now }) => {
    const device = mustFindDevice(createDeviceStore({ db }), ref);
    const override = createOverrideStore({ db, clock: () => now }).set(device.id, kind, minutes);
    touchListsChanged(config.dataDir);
    const when = new Intl.DateTimeFormat('sv-SE', { timeZone: config.tz, dateStyle: 'short', timeStyle: 'short' });
    process.stdout.write(`${escapeForTerminal(deviceLabel(device))}: ${describeOverride(override, now)} (until ${when.format(override.until)})\n`);
    return 0;
  });
}

function end(ref: string): Promise<number> {
  return withConfigDb(({ config, db }) => {
    const device = mustFindDevice(createDeviceStore({ db }), ref);
    const label = deviceLabel(device);
    // runCommand escapes the message; the label is escaped here only for stdout.
    if (!createOverrideStore({ db }).clear(device.id)) throw new AppError('NOT_FOUND', `${label} has no pause or block in force`);
    touchListsChanged(config.dataDir);
    process.stdout.write(`${escapeForTerminal(label)}: override ended, its profile applies again\n`);
    return 0;
  });
}
