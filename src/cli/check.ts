/**
 * `vigie check NAME`: is NAME blocked, by which list and rule (every match, most specific
 * first), and which catalog service it belongs to. With `--client IP [--mac MAC]`: the decision for that device now (see check-client.ts).
 */
import { domainToASCII } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';
import { localZoneOf } from '../resolver/stages/local-names.js';
import { normalizeIp } from '../devices/ip-text.js';
import { normalizeMac } from '../devices/mac-address.js';
import { answerFor, explainForClient, formatClientExplanation } from './check-client.js';

const USAGE = 'Usage: vigie check NAME [--client IP [--mac MAC]] [--json]\n';

/** The normalized form of a name typed by a person (case, trailing dot, IDN → punycode). */
export function normalizeTypedName(raw: string): string {
  const trimmed = raw.trim().replace(/\.$/, '');
  const ascii = /^[\x00-\x7f]*$/.test(trimmed) ? trimmed : domainToASCII(trimmed);
  return ascii.toLowerCase();
}

/** Entry point of `vigie check …`. */
export async function runCheck(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, client: { type: 'string' }, mac: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || (values.mac !== undefined && values.client === undefined)) {
    process.stderr.write(USAGE);
    return 2;
  }
  const name = normalizeTypedName(positionals[0]!);
  if (name === '') {
    process.stderr.write(`vigie: '${positionals[0]}' is not a domain name\n`);
    return 2;
  }
  if (values.client !== undefined) return checkForClient(name, values.client, values.mac, values.json);
  const config = loadConfig();
  // Subscriptions and custom rules live in config.db; without one, only the shipped lists apply.
  const dbFile = join(config.dataDir, CONFIG_DB_FILE);
  const db = existsSync(dbFile) ? openConfigDatabase({ file: dbFile }) : null;
  const catalog = await loadBlocklist(config, db).finally(() => db?.close());
  const matches = catalog.blocklist.explain(name);
  const allowed = catalog.blocklist.isAllowed(name);
  const local = localZoneOf(name) ?? null;
  const decision = matches[0] ?? null;
  const answer = answerFor(decision, local, config.blockMode);
  // The service the name belongs to: parents think in apps ("Yubo"), not in API host names.
  const found = catalog.services.serviceOf(name);
  const service = found === null ? null : { id: found.id, name: found.name.en, category: found.category };
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ name, blocked: decision !== null, answer, allowed, localZone: local, service, matches })}\n`);
    return 0;
  }
  const serviceLine = service === null ? '' : `  service ${service.name} (${service.id}, category ${service.category})\n`;
  if (decision === null) {
    process.stdout.write(`${name}: not blocked — ${answer}${allowed ? ' (never-block list or a custom allow rule)' : ''}\n${serviceLine}`);
    return 0;
  }
  process.stdout.write(`${name}: BLOCKED — answer ${answer}\n${serviceLine}`);
  for (const m of matches) process.stdout.write(`  category ${m.category}, list ${m.list}, rule ${m.rule}\n`);
  return 0;
}

async function checkForClient(name: string, client: string, macText: string | undefined, json: boolean): Promise<number> {
  const ip = normalizeIp(client.trim());
  const mac = macText === undefined ? null : normalizeMac(macText);
  if (ip === null || (macText !== undefined && mac === null)) {
    process.stderr.write(ip === null ? `vigie check: --client needs an IP address, not '${client}'\n` : `vigie check: --mac needs a MAC address such as aa:bb:cc:dd:ee:ff, not '${macText}'\n`);
    return 2;
  }
  const explanation = await explainForClient({ config: loadConfig(), name, ip, mac, now: Date.now() });
  process.stdout.write(json ? `${JSON.stringify(explanation)}\n` : formatClientExplanation(explanation));
  return 0;
}
