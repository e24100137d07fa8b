/**
 * `vigie services`: the apps and sites of the catalog parents think in ("TikTok", "Yubo"), each
 * with its category and how many domains make it work; with --profile, whether that profile
 * blocks it now and why (its own choice, or its category). Also the id checks the other commands
 * share: an unknown service or category is refused with the closest ids.
 */
import { parseArgs } from 'node:util';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import type { LoadedCatalog } from '../blocklists/load-catalog.js';
import { AppError } from '../errors.js';
import { createProfileStore } from '../policy/profile-store.js';
import { closeIds, findServices, serviceState } from '../report/service-search.js';
import { runCommand, withConfigDb } from './config-command.js';
import { mustFindProfile } from './devices.js';
import { formatTable } from './format-table.js';
import { escapeForTerminal } from './lists.js';

const USAGE = `Usage:
  vigie services [SEARCH] [--category ID] [--profile P] [--json]
                        services of the catalog (id, name, category, domains); SEARCH matches an id,
                        a name or a domain; --profile: whether P blocks each one now, and why
`;

/** What an id typed by a parent names. */
export type ChoiceTarget = { readonly kind: 'category' | 'service'; readonly id: string };

/**
 * Sorts ids typed after `option` into categories and services (`allowed` says which kinds fit).
 * @throws AppError('VALIDATION') naming an unknown id and the closest known ones.
 */
export function resolveTargets(ids: readonly string[], categories: readonly string[], loaded: Pick<LoadedCatalog, 'services'>, option: string, allowed: ReadonlyArray<ChoiceTarget['kind']> = ['category', 'service']): ChoiceTarget[] {
  const serviceIds = loaded.services.services.map((s) => s.id);
  return [...new Set(ids.map((i) => i.trim().toLowerCase()))].map((id) => {
    if (allowed.includes('category') && categories.includes(id)) return { kind: 'category', id };
    if (allowed.includes('service') && loaded.services.get(id) !== undefined) return { kind: 'service', id };
    const pool = [...(allowed.includes('category') ? categories : []), ...(allowed.includes('service') ? serviceIds : [])];
    const close = closeIds(id, pool);
    const what = allowed.length === 2 ? 'category or service' : allowed[0]!;
    const hint = close.length > 0 ? `did you mean: ${close.join(', ')}?` : 'see vigie services';
    throw new AppError('VALIDATION', `${option}: unknown ${what} '${id}' (${hint})`);
  });
}

/** Entry point of `vigie services …`. */
export async function runServices(args: string[]): Promise<number> {
  if (args[0] === 'help' || args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  return runCommand('services', USAGE, () => {
    const { values, positionals } = parseArgs({
      args, options: { json: { type: 'boolean', default: false }, category: { type: 'string' }, profile: { type: 'string' } }, allowPositionals: true,
    });
    if (positionals.length > 1) throw new AppError('VALIDATION', 'give at most one SEARCH word (quote it if it has spaces)');
    return withConfigDb(async ({ config, db }) => {
      const loaded = await loadBlocklist(config, db);
      const categories = [...new Set(loaded.services.services.map((s) => s.category))].sort();
      if (values.category !== undefined) resolveTargets([values.category], categories, loaded, '--category', ['category']);
      const store = createProfileStore({ db });
      const profile = values.profile === undefined ? null : store.get(mustFindProfile(store, values.profile));
      const found = findServices(loaded, positionals[0] ?? '', values.category?.toLowerCase());
      const rows = found.map((s) => ({
        id: s.id, name: s.name, category: s.category, domains: s.domains.length, reviewed: s.reviewed,
        ...(profile === null ? {} : serviceState(s, profile, loaded)),
      }));
      if (values.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return 0;
      }
      if (rows.length === 0) {
        const none = loaded.services.services.length === 0 ? 'the catalog lists no services' : 'no service matches';
        process.stdout.write(`${none}\n`);
        return 0;
      }
      const head = ['ID', 'NAME', 'CATEGORY', 'DOMAINS', ...(profile === null ? [] : [`${profile.id.toUpperCase()} NOW`])];
      const table = rows.map((r) => [
        r.id, escapeForTerminal(r.name.en), r.category, String(r.domains),
        ...('blocked' in r ? [`${r.blocked ? 'blocked' : 'allowed'} (${r.why === 'explicit' ? 'own choice' : 'its category'})`] : []),
      ]);
      process.stdout.write(formatTable(head, table));
      return 0;
    });
  });
}
