/**
 * `vigie devices allow|block|rules|unrule`: a device's own rules, whatever its profile says —
 * allow (or block) one catalog service or one name for that device only (the school laptop whose
 * managed filter needs a name the bypass lists block). A change touches the lists stamp.
 * `vigie devices` dispatches here and passes its device lookup (no import back: no cycle).
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { deviceLabel } from '../policy/build-snapshot.js';
import { createDeviceRuleStore } from '../policy/device-rule-store.js';
import { createDeviceStore, type DeviceStore } from '../policy/device-store.js';
import type { Device, DeviceRule } from '../policy/model.js';
import { withConfigDb } from './config-command.js';
import { escapeForTerminal } from './lists.js';
import { resolveTargets } from './services.js';

/** The usage lines of these sub-commands (part of `vigie devices`' usage). */
export const DEVICE_RULES_USAGE = `  vigie devices allow REF (--service ID | --name NAME [--exact])
  vigie devices block REF (--service ID | --name NAME [--exact])
                                                   this device only: allow (or block) a service (vigie services)
                                                   or a name and its subdomains (--exact: that name only)
  vigie devices rules REF [--json]                 the device's own rules
  vigie devices unrule REF (--service ID | --name NAME)
`;

/** How `vigie devices` finds the device a REF names (throws AppError NOT_FOUND). */
export type FindDevice = (store: DeviceStore, ref: string) => Device;

/** "allow service discord" / "block name example.org (exact)": one rule as a line. */
export function describeDeviceRule(r: DeviceRule): string {
  return `${r.kind} ${r.targetType} ${r.target}${r.targetType === 'name' && !r.subdomains ? ' (exact)' : ''}`;
}

/** The one device and the one target (--service or --name) the arguments name. */
function readTarget(args: string[], what: string, extra: { exact?: boolean; json?: boolean } = {}) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      service: { type: 'string' }, name: { type: 'string' },
      ...(extra.exact ? { exact: { type: 'boolean', default: false } } : {}),
      ...(extra.json ? { json: { type: 'boolean', default: false } } : {}),
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new AppError('VALIDATION', `${what}: needs one device (REF: id, MAC, address or name)`);
  const service = typeof values.service === 'string' ? values.service : undefined;
  const name = typeof values.name === 'string' ? values.name : undefined;
  return { ref: positionals[0]!, service, name, exact: values.exact === true, json: values.json === true };
}

/** `vigie devices allow|block REF …`. */
export function setDeviceRule(args: string[], kind: DeviceRule['kind'], mustFindDevice: FindDevice): Promise<number> {
  const t = readTarget(args, kind, { exact: true });
  if ((t.service === undefined) === (t.name === undefined)) throw new AppError('VALIDATION', `${kind}: give --service ID or --name NAME (one of them)`);
  if (t.exact && t.service !== undefined) throw new AppError('VALIDATION', '--exact goes with --name (a service is always allowed or blocked as a whole)');
  return withConfigDb(async ({ config, db }) => {
    const device = mustFindDevice(createDeviceStore({ db }), t.ref);
    const loaded = await loadBlocklist(config, db);
    if (t.service !== undefined) resolveTargets([t.service], [], loaded, '--service', ['service']);
    const rule = createDeviceRuleStore({ db }).set(
      { deviceId: device.id, kind, targetType: t.service !== undefined ? 'service' : 'name', target: t.service ?? t.name!, subdomains: !t.exact },
      (id) => loaded.services.get(id) !== undefined,
    );
    touchListsChanged(config.dataDir);
    const service = rule.targetType === 'service' ? loaded.services.get(rule.target) : undefined;
    const what = service !== undefined ? `${service.name.en} (${service.domains.length} domains)` : `${rule.target}${rule.subdomains ? ' and its subdomains' : ' (exact name)'}`;
    process.stdout.write(`${escapeForTerminal(deviceLabel(device))}: ${kind === 'allow' ? 'allowed' : 'blocked'} ${escapeForTerminal(what)} for this device only\n`);
    return 0;
  });
}

/** `vigie devices rules REF [--json]`. */
export function showDeviceRules(args: string[], mustFindDevice: FindDevice): Promise<number> {
  const t = readTarget(args, 'rules', { json: true });
  return withConfigDb(async ({ config, db }) => {
    const device = mustFindDevice(createDeviceStore({ db }), t.ref);
    const rules = createDeviceRuleStore({ db }).forDevice(device.id);
    if (t.json) {
      process.stdout.write(`${JSON.stringify(rules)}\n`);
      return 0;
    }
    if (rules.length === 0) {
      process.stdout.write(`${escapeForTerminal(deviceLabel(device))} has no rules of its own (its profile decides)\n`);
      return 0;
    }
    const loaded = await loadBlocklist(config, db);
    for (const r of rules) {
      const service = r.targetType === 'service' ? loaded.services.get(r.target) : undefined;
      process.stdout.write(`${describeDeviceRule(r)}${service === undefined ? '' : ` (${escapeForTerminal(service.name.en)})`}\n`);
    }
    return 0;
  });
}

/** `vigie devices unrule REF (--service ID | --name NAME)`. */
export function removeDeviceRule(args: string[], mustFindDevice: FindDevice): Promise<number> {
  const t = readTarget(args, 'unrule');
  if ((t.service === undefined) === (t.name === undefined)) throw new AppError('VALIDATION', 'unrule: give --service ID or --name NAME (one of them)');
  return withConfigDb(({ config, db }) => {
    const device = mustFindDevice(createDeviceStore({ db }), t.ref);
    const type = t.service !== undefined ? 'service' : 'name';
    const target = t.service ?? t.name!;
    if (!createDeviceRuleStore({ db }).remove(device.id, type, target)) throw new AppError('NOT_FOUND', `${deviceLabel(device)} has no rule for ${type} ${target}`);
    touchListsChanged(config.dataDir);
    process.stdout.write(`${escapeForTerminal(deviceLabel(device))}: removed its rule for ${type} ${escapeForTerminal(target)}\n`);
    return 0;
  });
}
