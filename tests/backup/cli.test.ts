/**
 * `vigie backup FILE` / `vigie restore FILE`: called in-process (runBackup / runRestore with their
 * own environment and output), and through the built binary (dist/cli.js) once src/cli.ts routes
 * the two commands to them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { listsChangedStampPath } from '../../src/blocklists/subscriptions/list-files.js';
import { runBackup, runRestore } from '../../src/cli/backup.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { FAST_SCRYPT } from '../admin/auth-test-app.js';
import { dumpDb, fillConfig, readAll } from './fill-config.js';

const CLI = join(process.cwd(), 'dist/cli.js');
let work: string;
let sourceDir: string;
let targetDir: string;

const envFor = (dataDir: string) => ({ VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'UTC', VIGIE_LOG_LEVEL: 'silent' });
const withDb = <T>(dataDir: string, fn: (db: ReturnType<typeof openConfigDatabase>) => T): T => {
  const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const call = async (fn: typeof runBackup, args: string[], dataDir: string) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await fn(args, { env: envFor(dataDir), out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
};

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigie-backup-cli-'));
  sourceDir = join(work, 'source');
  targetDir = join(work, 'target');
  const hash = await hashPassword('source password 1', FAST_SCRYPT);
  withDb(sourceDir, (db) => {
    fillConfig(db);
    createAdminStore({ db, clock: Date.now }).setPasswordHash(hash);
  });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('runBackup / runRestore (in-process)', () => {
  it('writes a private file without the password, and restores it into another data dir', async () => {
    const file = join(work, 'family.json');
    const backup = await call(runBackup, [file], sourceDir);
    expect(backup).toMatchObject({ code: 0, err: '' });
    expect(backup.out).toBe(`backup written to ${file}: 5 profiles, 2 schedules, 2 devices, 2 custom rules, 2 subscriptions; admin password not included\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('scrypt$');

    const restore = await call(runRestore, [file], targetDir);
    expect(restore.code).toBe(0);
    expect(restore.out).toMatch(/^restored \(backup of \d{4}-\d\d-\d\dT[\d:.]+Z, Vigie 0\.1\.0\):\n  profiles +1 added, 1 updated, 0 removed\n/);
    expect(restore.out).toContain('  devices         2 added, 0 updated, 0 removed\n');
    expect(restore.out).toContain('  admin password  unchanged\n');
    expect(withDb(targetDir, readAll)).toEqual(withDb(sourceDir, readAll));
    expect(existsSync(listsChangedStampPath(targetDir))).toBe(true);

    const again = await call(runRestore, [file], targetDir);
    expect(again.out).toMatch(/^already up to date, nothing changed/);
  });

  it('includes the password hash only with --with-password', async () => {
    const file = join(work, 'move.json');
    const backup = await call(runBackup, [file, '--with-password'], sourceDir);
    expect(backup.out).toMatch(/admin password included \(keep this file private\)\n$/);
    expect(JSON.parse(readFileSync(file, 'utf8')).data.adminPasswordHash).toMatch(/^scrypt\$/);
    const restore = await call(runRestore, [file], targetDir);
    expect(restore.out).toContain('  admin password  replaced\n');
    expect(await withDb(targetDir, (db) => createAdminStore({ db, clock: Date.now }).checkPassword('source password 1'))).toBe(true);
  });

  it('--dry-run says what would change and changes nothing', async () => {
    const file = join(work, 'family.json');
    await call(runBackup, [file], sourceDir);
    withDb(targetDir, () => {}); // a fresh config.db
    const before = withDb(targetDir, dumpDb);
    const dry = await call(runRestore, [file, '--dry-run'], targetDir);
    expect(dry.out).toMatch(/^would change \(backup of/);
    expect(dry.out).toContain('  subscriptions   2 added, 0 updated, 0 removed\n');
    expect(withDb(targetDir, dumpDb)).toEqual(before);
    expect(existsSync(listsChangedStampPath(targetDir))).toBe(false);
  });

  it.each([
    ['a damaged file', '{"format":"vigie-backup","version":1,"createdAt":"2026-11-20T18:00:00.000Z","vigie":"0.1.0","data":{"settings":{}}}', /^vigie restore: .*bad\.json: the backup is damaged or invalid, nothing was changed: data\.settings\.defaultProfile/],
    ['10 MB of junk', 'j'.repeat(10 * 1024 * 1024), /^vigie restore: .*bad\.json: the file is larger than 4 MiB: not a Vigie backup\n$/],
  ])('refuses %s with exit code 2 and leaves the configuration alone', async (_what, content, message) => {
    const file = join(work, 'bad.json');
    writeFileSync(file, content);
    const before = withDb(sourceDir, dumpDb);
    const restore = await call(runRestore, [file], sourceDir);
    expect(restore.code).toBe(2);
    expect(restore.err).toMatch(message);
    expect(withDb(sourceDir, dumpDb)).toEqual(before);
  });

  it('says so when the file is missing, and prints usage for bad arguments', async () => {
    expect(await call(runRestore, [join(work, 'nope.json')], sourceDir)).toMatchObject({ code: 1, err: expect.stringMatching(/^vigie restore: cannot read .*nope\.json: ENOENT/) });
    expect(await call(runBackup, [], sourceDir)).toMatchObject({ code: 2, err: expect.stringContaining('vigie backup FILE [--with-password]') });
    expect(await call(runRestore, ['a.json', 'b.json'], sourceDir)).toMatchObject({ code: 2, err: expect.stringContaining('vigie restore FILE [--dry-run]') });
  });
});

// Runs once src/cli.ts has the `backup` and `restore` cases (the lead wires them).
const wired = spawnSync(process.execPath, [CLI, 'help'], { encoding: 'utf8' }).stdout.includes('backup FILE');

describe.runIf(wired)('vigie backup / restore (built binary)', () => {
  it('backs up and restores through dist/cli.js', () => {
    const file = join(work, 'family.json');
    const run = (args: string[], dataDir: string) => spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...envFor(dataDir) }, encoding: 'utf8', timeout: 15_000 });
    const backup = run(['backup', file], sourceDir);
    expect(backup.status).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const restore = run(['restore', file], targetDir);
    expect(restore.status).toBe(0);
    expect(restore.stdout).toContain('  devices         2 added, 0 updated, 0 removed\n');
    expect(withDb(targetDir, readAll)).toEqual(withDb(sourceDir, readAll));
    writeFileSync(file, '{"format":"something-else"}');
    const refused = run(['restore', file], targetDir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('not a Vigie backup');
  });
});
