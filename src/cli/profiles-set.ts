/**
 * `vigie profiles set ID …`: rename a profile, switch SafeSearch, block or allow categories or
 * single services ("TikTok"), or put them back to their default (a category: the base preset's
 * choice; a service: its category's). Ids are checked against the catalog, the loaded lists and
 * the subscriptions, so a typo is refused with the closest ids rather than stored.
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import type { Profile } from '../policy/model.js';
import { categoriesOn } from '../policy/profile-matchers.js';
import { createProfileStore } from '../policy/profile-store.js';
import { knownCategoryIds, splitList, withConfigDb } from './config-command.js';
import { mustFindProfile } from './devices.js';
import { escapeForTerminal } from './lists.js';
import { resolveTargets, type ChoiceTarget } from './services.js';

const USAGE = `Usage:
  vigie profiles set ID [--name N] [--safe-search on|off] [--block ID,...] [--allow ID,...] [--default ID,...]
                        [--allow-category CAT,...] [--reset CAT,...]
     --block / --allow: a category or a service (vigie services); repeatable
     --default: a service follows its category again, a category its base preset's choice
`;

function parseSafeSearch(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new AppError('VALIDATION', `--safe-search must be on or off, not '${value}'`);
}

/** Category and service choices from the options; an id named by two options is refused. */
function choicePatch(groups: ReadonlyArray<{ targets: ChoiceTarget[]; option: string; value: boolean | null }>): { categories: Record<string, boolean | null>; services: Record<string, boolean | null> } {
  const categories: Record<string, boolean | null> = {};
  const services: Record<string, boolean | null> = {};
  const seen = new Map<string, string>();
  for (const { targets, option, value } of groups) {
    for (const t of targets) {
      const before = seen.get(t.id);
      if (before !== undefined && before !== option) throw new AppError('VALIDATION', `'${t.id}' is named twice (${before} and ${option})`);
      seen.set(t.id, option);
      (t.kind === 'category' ? categories : services)[t.id] = value;
    }
  }
  return { categories, services };
}

/** "tiktok blocked, discord allowed" (the profile's own service choices), or ''. */
export function describeServiceChoices(profile: Profile): string {
  return Object.entries(profile.services).sort(([a], [b]) => a.localeCompare(b)).map(([id, blocked]) => `${id} ${blocked ? 'blocked' : 'allowed'}`).join(', ');
}

/** Runs `vigie profiles set` (see the file header); prints the profile as it now is. */
export function setProfile(args: string[]): Promise<number> | number {
  const list = { type: 'string', multiple: true } as const;
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, 'safe-search': { type: 'string' }, block: list, allow: list, default: list, 'allow-category': list, reset: list },
    allowPositionals: true,
  });
  const ids = (key: 'block' | 'allow' | 'default' | 'allow-category' | 'reset'): string[] => (values[key] ?? []).flatMap((v) => splitList(v));
  const changes = [values.name, values['safe-search'], ...(['block', 'allow', 'default', 'allow-category', 'reset'] as const).flatMap((k) => values[k] ?? [])];
  if (positionals.length !== 1 || changes.length === 0) {
    process.stderr.write(`vigie profiles set: needs a profile ID and at least one change\n\n${USAGE}`);
    return 2;
  }
  const safeSearch = parseSafeSearch(values['safe-search']);
  return withConfigDb(async ({ config, db }) => {
    const store = createProfileStore({ db });
    const id = mustFindProfile(store, positionals[0]!);
    const loaded = await loadBlocklist(config, db);
    const known = knownCategoryIds(loaded, db);
    const resolve = (key: Parameters<typeof ids>[0], kinds?: Array<ChoiceTarget['kind']>) => resolveTargets(ids(key), known, loaded, `--${key}`, kinds);
    const patch = choicePatch([
      { targets: resolve('block'), option: '--block', value: true },
      { targets: resolve('allow'), option: '--allow', value: false },
      { targets: resolve('allow-category', ['category']), option: '--allow-category', value: false },
      { targets: resolve('default'), option: '--default', value: null },
      { targets: resolve('reset', ['category']), option: '--reset', value: null },
    ]);
    const updated = store.update(id, {
      ...(values.name !== undefined ? { name: values.name } : {}), ...(safeSearch !== undefined ? { safeSearch } : {}),
      categories: patch.categories, services: patch.services,
    });
    touchListsChanged(config.dataDir);
    const blocked = categoriesOn(updated, loaded).join(', ') || '(none)';
    const services = describeServiceChoices(updated);
    process.stdout.write(`profile ${updated.id} "${escapeForTerminal(updated.name)}": SafeSearch ${updated.safeSearch ? 'on' : 'off'}; blocks ${blocked}${services === '' ? '' : `; services: ${services}`}\n`);
    return 0;
  });
}
