/**
 * `vigie passwd` and `vigie token` as built (dist/), in child processes over a temp data dir.
 * Until src/cli.ts routes the two commands, the modules' entry points are run directly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashSecret } from '../../src/admin/auth/secret-hash.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';

const DIST = join(process.cwd(), 'dist');
const CLI = join(DIST, 'cli.js');
const ROUTED = readFileSync(CLI, 'utf8').includes("'passwd'");
let dataDir: string;

function run(command: 'passwd' | 'token', args: string[], input?: string) {
  const entry = command === 'passwd' ? ['cli/passwd.js', 'runPasswd'] : ['cli/token.js', 'runToken'];
  const argv = ROUTED
    ? [CLI, command, ...args]
    : ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(join(DIST, entry[0]!)).href)}); process.exitCode = await m.${entry[1]}(process.argv.slice(1));`, ...args];
  return spawnSync(process.execPath, argv, {
    env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 15_000,
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] as const } : { input }),
  });
}

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-auth-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('vigie passwd', () => {
  it('sets the password from standard input and logs every session out', async () => {
    withDb((db) => {
      const store = createAdminStore({ db, clock: Date.now });
      store.sessions.create('192.168.1.20 phone');
      store.sessions.create('192.168.1.21 laptop');
    });
    const r = run('passwd', [], 'une phrase de passe\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('admin password set; 2 admin session(s) logged out\n');
    const ok = await withDb((db) => createAdminStore({ db, clock: Date.now }).checkPassword('une phrase de passe'));
    expect(ok).toBe(true);
    expect(withDb((db) => db.prepare('SELECT COUNT(*) AS n FROM admin_sessions').get())).toEqual({ n: 0 });
    const stored = withDb((db) => db.prepare("SELECT value FROM settings WHERE key = 'admin_password'").get() as { value: string });
    expect(stored.value).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it('keeps API tokens unless told --revoke-tokens (a copied token survives a password change otherwise)', () => {
    withDb((db) => createAdminStore({ db, clock: Date.now }).tokens.create('copied by a child'));
    const kept = run('passwd', [], 'une phrase de passe\n');
    expect(kept.status).toBe(0);
    expect(kept.stdout).toBe('admin password set; 0 admin session(s) logged out; 1 API token(s) kept (add --revoke-tokens to revoke them)\n');
    expect(withDb((db) => createAdminStore({ db, clock: Date.now }).tokens.list()).length).toBe(1);
    const revoked = run('passwd', ['--revoke-tokens'], 'une autre phrase de passe\n');
    expect(revoked.stderr).toBe('');
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toBe('admin password set; 0 admin session(s) logged out; 1 API token(s) revoked\n');
    expect(withDb((db) => createAdminStore({ db, clock: Date.now }).tokens.list())).toEqual([]);
  });

  it('refuses a short or common password (exit 2) and changes nothing', () => {
    for (const [input, message] of [['short\n', 'at least 10 characters'], ['1234567890\n', 'too common'], ['', 'at least 10 characters']] as const) {
      const r = run('passwd', [], input);
      expect(r.status, input).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('nothing changed');
    }
    expect(withDb((db) => createAdminStore({ db, clock: Date.now }).hasPassword())).toBe(false);
  });

  it('prints its usage for extra arguments', () => {
    const r = run('passwd', ['oops'], '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage:');
  });
});

describe('vigie token', () => {
  it('creates (secret once, on stdout), lists without secrets, revokes', () => {
    const created = run('token', ['create', 'home-assistant']);
    expect(created.status).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^vigie_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown only once');
    expect(created.stderr).toContain('Authorization: Bearer');
    const hash = withDb((db) => (db.prepare('SELECT hash FROM api_tokens WHERE name = ?').get('home-assistant') as { hash: string }).hash);
    expect(hash).toBe(hashSecret(secret));

    const list = run('token', ['list', '--json']);
    expect(list.status).toBe(0);
    const tokens = JSON.parse(list.stdout) as Array<{ id: string; name: string; lastUsed: number | null }>;
    expect(tokens).toEqual([expect.objectContaining({ name: 'home-assistant', lastUsed: null })]);
    expect(list.stdout).not.toContain(secret);
    const text = run('token', ['list']);
    expect(text.stdout).toMatch(new RegExp(`^${tokens[0]!.id}  home-assistant +created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  last used never\\n$`));

    const dup = run('token', ['create', 'home-assistant']);
    expect(dup.status).toBe(2);
    expect(dup.stderr).toContain("a token named 'home-assistant' already exists");

    const revoked = run('token', ['revoke', tokens[0]!.id]);
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain('revoked');
    expect(run('token', ['list']).stdout).toBe('no API tokens\n');
    expect(run('token', ['revoke', 'home-assistant']).status).toBe(1);
  });

  it('revokes by name and refuses bad names and usage', () => {
    expect(run('token', ['create', 'backup script']).status).toBe(0);
    expect(run('token', ['revoke', 'backup script']).status).toBe(0);
    const bad = run('token', ['create', '<img src=x>']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('token name');
    for (const args of [[], ['create'], ['frobnicate'], ['list', 'x']]) {
      const r = run('token', args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage:');
    }
  });
});
