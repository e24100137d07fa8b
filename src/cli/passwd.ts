/**
 * `vigie passwd`: sets the admin page's password from the shell (first setup without the web
 * page, or a forgotten password). Reads it twice from the terminal without echo, or once from
 * standard input when that is not a terminal (`echo '…' | vigie passwd`). Every admin session is
 * logged out: whoever was logged in with the old password must log in again. API tokens do not
 * depend on the password: `--revoke-tokens` revokes them too (a token someone copied would
 * otherwise keep working).
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createAdminStore } from '../admin/auth/admin-store.js';
import { MIN_PASSWORD_LENGTH } from '../admin/auth/password.js';
import { loadConfig } from '../config.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const USAGE = `Usage:
  vigie passwd [--revoke-tokens]
                               set the admin page's password (asked twice, not shown);
                               every admin session is logged out; --revoke-tokens also
                               revokes every API token
  echo 'PASSWORD' | vigie passwd [--revoke-tokens]
                               the same from a script (first line of standard input)
`;

/**
 * Asks each prompt in turn on the terminal with echo off (the prompt is shown, the typing is
 * not): one readline interface whose output is muted while a line is typed.
 */
async function askHidden(prompts: readonly string[]): Promise<string[]> {
  let muted = false;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!muted) process.stdout.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const closed = new Promise<never>((_resolve, reject) => rl.once('close', () => reject(new Error('cancelled'))));
  closed.catch(() => {});
  rl.once('SIGINT', () => rl.close()); // Ctrl-C: without a listener readline would only pause
  const answers: string[] = [];
  try {
    for (const prompt of prompts) {
      const answer = new Promise<string>((resolve) => rl.question(prompt, resolve));
      muted = true;
      answers.push(await Promise.race([answer, closed]));
      muted = false;
      process.stdout.write('\n');
    }
    return answers;
  } finally {
    muted = false;
    rl.removeAllListeners('close');
    rl.close();
  }
}

/** Reads standard input to its end and returns its first line. */
async function readFirstLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '');
}

async function readNewPassword(): Promise<string | null> {
  if (!process.stdin.isTTY) return readFirstLine();
  const [first, second] = await askHidden(['New admin password: ', 'The same password again: ']);
  if (first !== second) {
    process.stderr.write('vigie passwd: the two passwords are different; nothing changed\n');
    return null;
  }
  return first ?? '';
}

function keptTokens(count: number): string {
  return count === 0 ? '' : `; ${count} API token(s) kept (add --revoke-tokens to revoke them)`;
}

/** Entry point of `vigie passwd`. */
export async function runPasswd(args: string[]): Promise<number> {
  let parsed: { values: { 'revoke-tokens'?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { 'revoke-tokens': { type: 'boolean' } }, allowPositionals: true });
  } catch {
    process.stderr.write(USAGE);
    return 2;
  }
  if (parsed.positionals.length > 0) {
    process.stderr.write(USAGE);
    return parsed.positionals[0] === 'help' ? 0 : 2;
  }
  const config = loadConfig();
  let password: string | null;
  try {
    password = await readNewPassword();
  } catch {
    process.stderr.write(`${process.stdin.isTTY ? '\n' : ''}vigie passwd: cancelled; nothing changed\n`);
    return 1;
  }
  if (password === null) return 1;
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const store = createAdminStore({ db, clock: Date.now });
    const problem = await store.setPassword(password);
    if (problem === 'TOO_SHORT') process.stderr.write(`vigie passwd: the password must have at least ${MIN_PASSWORD_LENGTH} characters; nothing changed\n`);
    if (problem === 'TOO_COMMON') process.stderr.write('vigie passwd: this password is too common, choose another one; nothing changed\n');
    if (problem !== null) return 2;
    const ended = store.sessions.revokeAll();
    const tokens = parsed.values['revoke-tokens'] === true ? `; ${store.tokens.revokeAll()} API token(s) revoked` : keptTokens(store.tokens.list().length);
    process.stdout.write(`admin password set; ${ended} admin session(s) logged out${tokens}\n`);
    return 0;
  } finally {
    db.close();
  }
}
