/**
 * `vigie setup-code`: prints the one-time setup code the running Vigie asks for on its /setup
 * page, read from the data folder (where `vigie serve` keeps it, mode 0600: hence `sudo`). When
 * the admin password is already set there is no code: it says so, and how to change it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hasAdminPassword } from '../admin/auth/admin-store.js';
import { readSetupCode } from '../admin/auth/setup-code.js';
import { loadConfig } from '../config.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const USAGE = 'Usage: vigie setup-code     print the setup code of the admin page (/setup)\n';

/** Entry point of `vigie setup-code`. */
export async function runSetupCode(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length > 0) {
    process.stderr.write(USAGE);
    return positionals[0] === 'help' ? 0 : 2;
  }
  const config = loadConfig();
  const dbFile = join(config.dataDir, CONFIG_DB_FILE);
  if (!existsSync(dbFile)) {
    process.stderr.write(`vigie setup-code: Vigie has not started yet with its data in ${config.dataDir}.\n` +
      'Start it (sudo systemctl start vigie), then run this command again.\n');
    return 1;
  }
  const db = openConfigDatabase({ file: dbFile });
  let passwordSet: boolean;
  try {
    passwordSet = hasAdminPassword(db);
  } finally {
    db.close();
  }
  if (passwordSet) {
    process.stdout.write('The admin password is already set: log in at http://<this machine>:8080/login.\n' +
      "Forgotten? Choose a new one with: sudo vigie passwd\n");
    return 0;
  }
  let code: string | null;
  try {
    code = readSetupCode(config.dataDir);
  } catch (err) {
    const denied = (err as NodeJS.ErrnoException).code === 'EACCES';
    process.stderr.write(denied
      ? 'vigie setup-code: permission denied: run it with sudo (sudo vigie setup-code)\n'
      : `vigie setup-code: cannot read the setup code: ${(err as Error).message}\n`);
    return 1;
  }
  if (code === null) {
    process.stderr.write('vigie setup-code: no setup code yet: Vigie writes one when it starts without a password.\n' +
      'Restart it (sudo systemctl restart vigie) and run this command again, or set the password with: sudo vigie passwd\n');
    return 1;
  }
  process.stdout.write(`Setup code: ${code}\nOpen http://<this machine>:8080/setup, type this code and choose the admin password.\n`);
  return 0;
}
