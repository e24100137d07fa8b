/**
 * `vigie token`: API tokens for scripts and home automation (`Authorization: Bearer vigie_…` on
 * the admin API). The secret is printed once, alone on standard output (so
 * `TOKEN=$(vigie token create ha)` works), with the warning on standard error; only its hash is
 * kept.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTokenStore } from '../admin/auth/token-store.js';
import { loadConfig } from '../config.js';
import { isAppError } from '../errors.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const USAGE = `Usage:
  vigie token create NAME      create an API token (printed once: store it now)
  vigie token list [--json]    the tokens (names, creation, last use; never the secrets)
  vigie token revoke NAME|ID   revoke a token: scripts using it are refused at once
`;

function when(ms: number | null): string {
  return ms === null ? 'never' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
}

/** Entry point of `vigie token …`. */
export async function runToken(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [sub, ref, ...extra] = positionals;
  const needsRef = sub === 'create' || sub === 'revoke';
  const valid = (sub === 'list' && ref === undefined) || (needsRef && ref !== undefined);
  if (!valid || extra.length > 0) {
    process.stderr.write(USAGE);
    return sub === 'help' ? 0 : 2;
  }
  const config = loadConfig();
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const store = createTokenStore({ db, clock: Date.now });
    if (sub === 'list') {
      const tokens = store.list();
      if (values.json) process.stdout.write(`${JSON.stringify(tokens)}\n`);
      else if (tokens.length === 0) process.stdout.write('no API tokens\n');
      else for (const t of tokens) process.stdout.write(`${t.id}  ${t.name.padEnd(24)} created ${when(t.createdAt)}  last used ${when(t.lastUsed)}\n`);
      return 0;
    }
    if (sub === 'revoke') {
      const revoked = store.revoke(ref!);
      process.stdout.write(revoked ? `token ${ref} revoked\n` : `no token named or numbered ${ref}\n`);
      return revoked ? 0 : 1;
    }
    const token = store.create(ref!);
    process.stderr.write(`API token '${token.name}' created (id ${token.id}). Copy it now: it is shown only once.\n` +
      `Send it as the header "Authorization: Bearer <token>"; revoke it with 'vigie token revoke ${token.id}'.\n`);
    process.stdout.write(`${token.secret}\n`);
    return 0;
  } catch (err) {
    if (isAppError(err, 'VALIDATION') || isAppError(err, 'CONFLICT')) {
      process.stderr.write(`vigie token: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    db.close();
  }
}
