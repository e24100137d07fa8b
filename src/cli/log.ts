/** `vigie log`: recent blocked attempts from the log database, newest first. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { LOG_DB_FILE } from '../main.js';
import { listBlockedAttempts } from '../store/blocked-attempts-query.js';
import { openDatabase } from '../store/open-database.js';

export async function runLog(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string', default: '50' }, client: { type: 'string' } },
    allowPositionals: false,
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    process.stderr.write('vigie: --limit must be a whole number from 1 to 10000\n');
    return 2;
  }
  const config = loadConfig();
  const file = join(config.dataDir, LOG_DB_FILE);
  if (!existsSync(file)) {
    process.stderr.write(`vigie: no log database yet at ${file} (start 'vigie serve' first)\n`);
    return 1;
  }
  const db = openDatabase({ file });
  try {
    const rows = listBlockedAttempts(db, { limit, ...(values.client ? { client: values.client } : {}) });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write('no blocked attempts recorded\n');
      return 0;
    }
    const when = new Intl.DateTimeFormat('sv-SE', { timeZone: config.tz, dateStyle: 'short', timeStyle: 'medium' });
    for (const r of rows) {
      // Names come from the network but were escaped (\DDD) by the wire reader: safe for a terminal.
      process.stdout.write(`${when.format(r.time)}  ${r.client.padEnd(15)}  ${r.qtype.padEnd(5)}  ${r.name}  [${r.category} / ${r.list} / ${r.rule}]\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}
