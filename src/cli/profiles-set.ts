/**
 * `vigie profiles set ID …`: rename a profile, switch SafeSearch, block or allow categories, or put
 * categories back to the base preset's choice. Category ids are checked against the catalog, the
 * loaded lists and the subscriptions, so a typo is refused rather than stored.
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { AppError } from '../errors.js';
import { categoriesOn } from '../policy/profile-matchers.js';
import { createProfileStore } from '../policy/profile-store.js';
import { checkCategories, knownCategoryIds, splitList, withConfigDb } from './config-command.js';
import { mustFindProfile } from './devices.js';
import { escapeForTerminal } from './lists.js';

const USAGE = `Usage:
  vigie profiles set ID [--name N] [--safe-search on|off] [--block CAT,...] [--allow-category CAT,...] [--reset CAT,...]
`;

function parseSafeSearch(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'off') return value === 'on';
  throw new AppError('VALIDATION', `--safe-search must be on or off, not '${value}'`);
}

/** Category choices from the three options; a category named in two of them is refused. */
function categoryPatch(block: string[], allow: string[], reset: string[]): Record<string, boolean | null> {
  const patch: Record<string, boolean | null> = {};
  const set = (ids: string[], option: string, value: boolean | null): void => {
    for (const id of ids) {
      if (id in patch) throw new AppError('VALIDATION', `category '${id}' is named twice (${option} and another option)`);
      patch[id] = value;
    }
  };
  set(block, '--block', true);
  set(allow, '--allow-category', false);
  set(reset, '--reset', null);
  return patch;
}

/** Runs `vigie profiles set` (see the file header); prints the profile as it now is. */
export function setProfile(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({
    args,
    options: { name: { type: 'string' }, 'safe-search': { type: 'string' }, block: { type: 'string' }, 'allow-category': { type: 'string' }, reset: { type: 'string' } },
    allowPositionals: true,
  });
  const changes = [values.name, values['safe-search'], values.block, values['allow-category'], values.reset].filter((v) => v !== undefined);
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
    const patch = categoryPatch(
      checkCategories(splitList(values.block), known, '--block'),
      checkCategories(splitList(values['allow-category']), known, '--allow-category'),
      checkCategories(splitList(values.reset), known, '--reset'),
    );
    const updated = store.update(id, { ...(values.name !== undefined ? { name: values.name } : {}), ...(safeSearch !== undefined ? { safeSearch } : {}), categories: patch });
    touchListsChanged(config.dataDir);
    const blocked = categoriesOn(updated, loaded).join(', ') || '(none)';
    process.stdout.write(`profile ${updated.id} "${escapeForTerminal(updated.name)}": SafeSearch ${updated.safeSearch ? 'on' : 'off'}; blocks ${blocked}\n`);
    return 0;
  });
}
