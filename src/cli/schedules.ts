/**
 * `vigie schedules`: weekly windows of a profile — extra categories blocked at set hours, or
 * bedtime (everything blocked but a few names). Times are wall-clock in VIGIE_TZ. A change touches
 * the lists stamp, so a running `vigie serve` rebuilds its policy.
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { createProfileStore } from '../policy/profile-store.js';
import { createScheduleStore } from '../policy/schedule-store.js';
import { describeWindow, MAX_WINDOWS_PER_PROFILE, scheduleWindowInputSchema, windowFromInput, type ScheduleWindowInput } from '../policy/schedule.js';
import { knownCategoryIds, runCommand, splitList, withConfigDb } from './config-command.js';
import { mustFindProfile } from './devices.js';
import { formatTable } from './format-table.js';
import { escapeForTerminal } from './lists.js';
import { resolveTargets } from './services.js';

const USAGE = `Usage:
  vigie schedules [PROFILE] [--json]       schedule windows, of every profile or of one
  vigie schedules add PROFILE --days DAYS --from HH:MM --to HH:MM (--block ID,... | --bedtime [--allow NAME,...]) [--label L]
                                           DAYS: mon-fri, sun-thu, school-nights, weekend, all, mon,wed, lun-ven, ...
                                           --to earlier than --from crosses midnight; equal times make a 24-hour window
                                           --block: these categories or services (vigie services) too;
                                           --bedtime: everything but the --allow names or services
  vigie schedules remove ID
  vigie schedules enable|disable ID
`;

/** Which option each field of the window input came from (for error messages). */
const OPTION_OF: Readonly<Record<string, string>> = { label: '--label', days: '--days', start: '--from', end: '--to', mode: '--block/--bedtime', categories: '--block', allow: '--allow' };

/** Entry point of `vigie schedules …`. */
export async function runSchedules(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  return runCommand('schedules', USAGE, () => {
    if (sub === 'add') return add(rest);
    if (sub === 'remove') return remove(rest);
    if (sub === 'enable' || sub === 'disable') return setEnabled(rest, sub === 'enable');
    return show(args);
  });
}

function show(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length > 1) {
    process.stderr.write(`vigie schedules: unknown sub-command '${escapeForTerminal(positionals[0]!)}' (or more than one profile)\n\n${USAGE}`);
    return 2;
  }
  return withConfigDb(({ db }) => {
    const profile = positionals[0] === undefined ? undefined : mustFindProfile(createProfileStore({ db }), positionals[0]);
    const windows = createScheduleStore({ db }).list(profile);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(windows.map((w) => ({ ...w, description: describeWindow(w, 'en') })))}\n`);
      return 0;
    }
    if (windows.length === 0) {
      process.stdout.write(`no schedule windows${profile === undefined ? '' : ` for ${profile}`} (add one with: vigie schedules add PROFILE --days ... --from ... --to ...)\n`);
      return 0;
    }
    const rows = windows.map((w) => [String(w.id), w.profileId, w.enabled ? 'yes' : 'no', describeWindow(w, 'en')]);
    process.stdout.write(formatTable(['ID', 'PROFILE', 'ENABLED', 'WINDOW'], rows));
    return 0;
  });
}

/**
 * Validates the options of `add` into a window input. A bedtime --allow entry without a dot is a
 * service id (the window schema only reads names): it is set aside in `services`, checked against
 * the catalog by the caller. @throws AppError('VALIDATION').
 */
function readWindowInput(values: Record<string, string | boolean | undefined>): ScheduleWindowInput & { services: string[] } {
  const text = (key: string): string | undefined => (typeof values[key] === 'string' ? (values[key] as string) : undefined);
  const block = text('block');
  if (block !== undefined && values.bedtime === true) throw new AppError('VALIDATION', 'choose --block CAT,... or --bedtime, not both');
  if (block === undefined && values.bedtime !== true) throw new AppError('VALIDATION', 'needs --block ID,... (categories or services to block) or --bedtime (block everything)');
  if (text('allow') !== undefined && values.bedtime !== true) throw new AppError('VALIDATION', '--allow goes with --bedtime (a --block window only adds categories)');
  const allow = splitList(text('allow'));
  const missing = ['days', 'from', 'to'].filter((k) => text(k) === undefined);
  if (missing.length > 0) throw new AppError('VALIDATION', `needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const parsed = scheduleWindowInputSchema.safeParse({
    label: text('label'), days: text('days'), start: text('from'), end: text('to'), mode: block === undefined ? 'bedtime' : 'block',
    categories: block === undefined ? undefined : splitList(block), allow: block === undefined ? allow.filter((n) => n.includes('.')) : undefined,
  });
  if (!parsed.success) {
    throw new AppError('VALIDATION', parsed.error.issues.map((i) => `${OPTION_OF[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '));
  }
  return { ...parsed.data, services: allow.filter((n) => !n.includes('.')).map((n) => n.toLowerCase()) };
}

function add(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({
    args,
    options: { days: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, block: { type: 'string' }, bedtime: { type: 'boolean', default: false }, allow: { type: 'string' }, label: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    process.stderr.write(`vigie schedules add: needs one PROFILE\n\n${USAGE}`);
    return 2;
  }
  const input = readWindowInput(values);
  return withConfigDb(async ({ config, db }) => {
    const profileId = mustFindProfile(createProfileStore({ db }), positionals[0]!);
    const store = createScheduleStore({ db });
    if (store.list(profileId).length >= MAX_WINDOWS_PER_PROFILE) throw new AppError('VALIDATION', `profile ${profileId} already has ${MAX_WINDOWS_PER_PROFILE} windows, the most it may have`);
    const loaded = await loadBlocklist(config, db);
    if (input.mode === 'block') resolveTargets(input.categories ?? [], knownCategoryIds(loaded, db), loaded, '--block');
    // A bedtime entry without a dot is not a domain anyone visits: it must name a service.
    else resolveTargets(input.services, [], loaded, '--allow', ['service']);
    const { services, ...rest } = input;
    const { id: _unused, ...window } = windowFromInput({ ...rest, allow: [...new Set([...services, ...(rest.allow ?? [])])] }, { id: 0, profileId });
    const added = store.add(window);
    touchListsChanged(config.dataDir);
    process.stdout.write(`added window ${added.id} to ${profileId}: ${escapeForTerminal(describeWindow(added, 'en'))}\n`);
    return 0;
  });
}

function windowId(args: string[], what: string): number {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new AppError('VALIDATION', `${what}: needs one window ID (see vigie schedules)`);
  const text = positionals[0]!;
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new AppError('VALIDATION', `'${text}' is not a window ID (see vigie schedules)`);
  return Number(text);
}

function remove(args: string[]): Promise<number> {
  const id = windowId(args, 'remove');
  return withConfigDb(({ config, db }) => {
    if (!createScheduleStore({ db }).remove(id)) throw new AppError('NOT_FOUND', `no schedule window ${id}`);
    touchListsChanged(config.dataDir);
    process.stdout.write(`removed window ${id}\n`);
    return 0;
  });
}

function setEnabled(args: string[], enabled: boolean): Promise<number> {
  const id = windowId(args, enabled ? 'enable' : 'disable');
  return withConfigDb(({ config, db }) => {
    const window = createScheduleStore({ db }).setEnabled(id, enabled);
    touchListsChanged(config.dataDir);
    process.stdout.write(`${enabled ? 'enabled' : 'disabled'} window ${id} of ${window.profileId}: ${escapeForTerminal(describeWindow(window, 'en'))}\n`);
    return 0;
  });
}
