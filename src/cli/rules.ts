/**
 * `vigie rules`: the parents' own global allow and block entries (config.db). Allow beats block
 * and every list. A change touches the lists stamp, so a running `vigie serve` reloads it.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createCustomRulesStore } from '../blocklists/custom-rules.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { loadConfig } from '../config.js';
import { isAppError } from '../errors.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const USAGE = `Usage:
  vigie rules [--json]                    the custom allow and block entries
  vigie rules allow NAME [--exact]        never block NAME (and its subdomains unless --exact)
  vigie rules block NAME [--exact]        always block NAME (and its subdomains unless --exact)
  vigie rules remove NAME [--kind allow|block]
`;

/** Entry point of `vigie rules …`. */
export async function runRules(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, exact: { type: 'boolean', default: false }, kind: { type: 'string' } },
    allowPositionals: true,
  });
  const [sub, name, ...extra] = positionals;
  if (sub === 'help' || (sub !== undefined && !['allow', 'block', 'remove'].includes(sub)) || extra.length > 0 || (sub !== undefined && name === undefined)) {
    process.stderr.write(USAGE);
    return sub === 'help' ? 0 : 2;
  }
  if (values.kind !== undefined && values.kind !== 'allow' && values.kind !== 'block') {
    process.stderr.write('vigie rules: --kind must be allow or block\n');
    return 2;
  }
  const config = loadConfig();
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const store = createCustomRulesStore({ db });
    if (sub === undefined) {
      const rules = store.list();
      if (values.json) process.stdout.write(`${JSON.stringify(rules)}\n`);
      else if (rules.length === 0) process.stdout.write('no custom rules\n');
      else for (const r of rules) process.stdout.write(`${r.kind.padEnd(6)} ${r.name}${r.subdomains ? ' (and subdomains)' : ' (exact)'}\n`);
      return 0;
    }
    if (sub === 'remove') {
      const removed = store.remove(name!, values.kind as 'allow' | 'block' | undefined);
      if (removed > 0) touchListsChanged(config.dataDir);
      process.stdout.write(removed > 0 ? `removed ${removed} rule(s) for ${name}\n` : `no rule for ${name}\n`);
      return removed > 0 ? 0 : 1;
    }
    const rule = store.add({ name: name!, kind: sub as 'allow' | 'block', subdomains: !values.exact });
    touchListsChanged(config.dataDir);
    process.stdout.write(`${rule.kind} ${rule.name}${rule.subdomains ? ' and its subdomains' : ' (exact name)'}\n`);
    return 0;
  } catch (err) {
    if (isAppError(err, 'VALIDATION')) {
      process.stderr.write(`vigie rules: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    db.close();
  }
}
