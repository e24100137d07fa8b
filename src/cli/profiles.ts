/**
 * `vigie profiles`: what each child (or adult) gets — blocked categories, SafeSearch, the profile's
 * own allow/block entries — and which profile unknown devices get. A change touches the lists
 * stamp, so a running `vigie serve` rebuilds its policy.
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { createDeviceStore } from '../policy/device-store.js';
import { categoriesOn } from '../policy/profile-matchers.js';
import { createProfileStore } from '../policy/profile-store.js';
import { createScheduleStore } from '../policy/schedule-store.js';
import { runCommand, withConfigDb } from './config-command.js';
import { mustFindProfile } from './devices.js';
import { formatTable } from './format-table.js';
import { escapeForTerminal } from './lists.js';
import { describeServiceChoices, setProfile } from './profiles-set.js';

/** Usage of `vigie profiles` (also printed on a usage error). */
const USAGE = `Usage:
  vigie profiles [--json]                          profiles: categories blocked, SafeSearch, devices, schedule windows
  vigie profiles add ID --name N [--from P]        a new profile, copied from P (default: child)
  vigie profiles set ID [--name N] [--safe-search on|off] [--block ID,...] [--allow ID,...] [--default ID,...]
                        [--allow-category CAT,...] [--reset CAT,...]
                                                   --block/--allow: a category or a service (vigie services), repeatable;
                                                   --default: back to the category's (or base preset's) choice
  vigie profiles rule ID allow|block NAME [--exact]
                                                   the profile's own entry for NAME (and its subdomains unless --exact)
  vigie profiles unrule ID NAME [--kind allow|block]
  vigie profiles remove ID                         its devices go back to the default profile
  vigie profiles default [ID]                      show or choose the profile of unknown devices
`;

const SUBCOMMANDS = ['add', 'set', 'rule', 'unrule', 'remove', 'default'];

/** Entry point of `vigie profiles …`. */
export async function runProfiles(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (sub !== undefined && !sub.startsWith('-') && !SUBCOMMANDS.includes(sub)) {
    process.stderr.write(`vigie profiles: unknown sub-command '${escapeForTerminal(sub)}'\n\n${USAGE}`);
    return 2;
  }
  const handlers: Record<string, (rest: string[]) => Promise<number> | number> = { add, set: setProfile, rule, unrule, remove, default: setDefault };
  const run = sub !== undefined && SUBCOMMANDS.includes(sub) ? handlers[sub] : undefined;
  return runCommand('profiles', USAGE, () => (run === undefined ? show(args) : run(rest)));
}

function usageError(what: string): number {
  process.stderr.write(`vigie profiles ${what}\n\n${USAGE}`);
  return 2;
}

function show(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: false });
  return withConfigDb(async ({ config, db }) => {
    const store = createProfileStore({ db });
    const loaded = await loadBlocklist(config, db);
    const devices = createDeviceStore({ db }).list();
    const windows = createScheduleStore({ db }).list();
    const defaultId = store.defaultProfileId();
    const rules = store.rules();
    const profiles = store.list().map((p) => ({
      ...p,
      blockedCategories: categoriesOn(p, loaded),
      devices: devices.filter((d) => (d.profileId ?? defaultId) === p.id).length,
      windows: windows.filter((w) => w.profileId === p.id).length,
      rules: rules.filter((r) => r.profileId === p.id),
      isDefault: p.id === defaultId,
    }));
    if (values.json) {
      process.stdout.write(`${JSON.stringify(profiles)}\n`);
      return 0;
    }
    const rows = profiles.map((p) => [
      p.id, p.name, p.base, p.safeSearch ? 'on' : 'off', String(p.devices), String(p.windows), String(p.rules.length),
      p.isDefault ? 'yes' : '', p.blockedCategories.join(', ') || '(none)',
    ]);
    process.stdout.write(formatTable(['ID', 'NAME', 'BASE', 'SAFESEARCH', 'DEVICES', 'WINDOWS', 'RULES', 'DEFAULT', 'BLOCKED CATEGORIES'], rows));
    if (rules.length > 0) {
      process.stdout.write('\nProfile rules:\n');
      for (const r of rules) process.stdout.write(`  ${r.profileId}  ${r.kind.padEnd(5)}  ${r.name}${r.subdomains ? ' (and subdomains)' : ' (exact)'}\n`);
    }
    const choices = profiles.map((p) => [p.id, describeServiceChoices(p)] as const).filter(([, text]) => text !== '');
    if (choices.length > 0) {
      process.stdout.write('\nService choices (over their category):\n');
      for (const [id, text] of choices) process.stdout.write(`  ${id}  ${text}\n`);
    }
    return 0;
  });
}

function add(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: { name: { type: 'string' }, from: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1 || values.name === undefined) return usageError('add: needs an ID and --name N');
  const id = positionals[0]!;
  if (id === 'default') throw new AppError('VALIDATION', "'default' is reserved (it means the profile of unknown devices)");
  return withConfigDb(({ config, db }) => {
    const store = createProfileStore({ db });
    const from = values.from === undefined ? undefined : mustFindProfile(store, values.from);
    const created = store.create({ id, name: values.name!, ...(from !== undefined ? { from } : {}) });
    touchListsChanged(config.dataDir);
    process.stdout.write(`added profile ${created.id} "${escapeForTerminal(created.name)}" (a copy of ${from ?? 'child'}, base ${created.base})\n`);
    return 0;
  });
}

function rule(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: { exact: { type: 'boolean', default: false } }, allowPositionals: true });
  const [id, kind, name, ...extra] = positionals;
  if (name === undefined || extra.length > 0 || (kind !== 'allow' && kind !== 'block')) return usageError('rule: needs ID, allow or block, and NAME');
  return withConfigDb(({ config, db }) => {
    const store = createProfileStore({ db });
    const added = store.addRule({ profileId: mustFindProfile(store, id!), name, kind, subdomains: !values.exact });
    touchListsChanged(config.dataDir);
    process.stdout.write(`profile ${added.profileId}: ${added.kind} ${added.name}${added.subdomains ? ' and its subdomains' : ' (exact name)'}\n`);
    return 0;
  });
}

function unrule(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: { kind: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 2) return usageError('unrule: needs ID and NAME');
  if (values.kind !== undefined && values.kind !== 'allow' && values.kind !== 'block') throw new AppError('VALIDATION', '--kind must be allow or block');
  const [id, name] = positionals as [string, string];
  return withConfigDb(({ config, db }) => {
    const store = createProfileStore({ db });
    const removed = store.removeRule(mustFindProfile(store, id), name, values.kind as 'allow' | 'block' | undefined);
    if (removed === 0) throw new AppError('NOT_FOUND', `profile ${id} has no rule for ${name}`);
    touchListsChanged(config.dataDir);
    process.stdout.write(`profile ${id}: removed ${removed} rule(s) for ${name}\n`);
    return 0;
  });
}

function remove(args: string[]): Promise<number> | number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) return usageError('remove: needs one profile ID');
  return withConfigDb(({ config, db }) => {
    const store = createProfileStore({ db });
    const id = mustFindProfile(store, positionals[0]!);
    const moved = createDeviceStore({ db }).list().filter((d) => d.profileId === id).length;
    store.remove(id);
    touchListsChanged(config.dataDir);
    const devices = moved === 0 ? '' : `; ${moved} device(s) now get the default profile (${store.defaultProfileId()})`;
    process.stdout.write(`removed profile ${id} and its schedule windows${devices}\n`);
    return 0;
  });
}

function setDefault(args: string[]): Promise<number> | number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length > 1) return usageError('default: takes at most one profile ID');
  return withConfigDb(({ config, db }) => {
    const store = createProfileStore({ db });
    if (positionals.length === 1) {
      store.setDefaultProfileId(mustFindProfile(store, positionals[0]!));
      touchListsChanged(config.dataDir);
    }
    const id = store.defaultProfileId();
    const verb = positionals.length === 1 ? 'now get' : 'get';
    process.stdout.write(`unknown devices ${verb} profile ${id} ("${escapeForTerminal(store.get(id)?.name ?? id)}")\n`);
    return 0;
  });
}
