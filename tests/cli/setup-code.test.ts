/**
 * `vigie setup-code` (built binary) against a real running Vigie's data folder: it prints the
 * same code the server logged and its /setup page accepts; once a password is set it says so and
 * names `vigie passwd`; before the first start, and with a damaged file, it says what to do.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SETUP_CODE_FILE, readSetupCode, removeSetupCode, saveSetupCode } from '../../src/admin/auth/setup-code.js';
import { createLogger } from '../../src/log.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const CLI = join(process.cwd(), 'dist/cli.js');
let vigie: TestVigie | null = null;
const dirs: string[] = [];

function run(args: string[], dataDir: string, input?: string) {
  return spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir, VIGIE_LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 15_000,
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] as const } : { input }),
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-setup-code-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await vigie?.close();
  vigie = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('vigie setup-code', () => {
  it('prints the code the running server logged, from a 0600 file; the /setup page takes it', async () => {
    const lines: string[] = [];
    vigie = await startTestVigie({ VIGIE_UPSTREAMS: 'udp://127.0.0.1:9' }, { logger: createLogger('warn', { write: (l: string) => void lines.push(l) }) });
    const logged = lines.map((l) => JSON.parse(l) as { setupCode?: string }).find((e) => e.setupCode)?.setupCode;
    expect(logged).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(statSync(join(vigie.dataDir, SETUP_CODE_FILE)).mode & 0o777).toBe(0o600);

    const res = run(['setup-code'], vigie.dataDir);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Setup code: ${logged}`);
    expect(res.stdout).toContain('/setup');

    // The parent types it on the page, with a password: accepted, and the command then says so.
    const admin = vigie.admin!.address();
    const body = new URLSearchParams({ code: logged!.toLowerCase(), password: 'une phrase facile à retenir', confirm: 'une phrase facile à retenir' });
    const setup = await fetch(`http://127.0.0.1:${admin.port}/setup`, { method: 'POST', body, redirect: 'manual' });
    expect(setup.status).toBe(303);
    const after = run(['setup-code'], vigie.dataDir);
    expect(after.status).toBe(0);
    expect(after.stdout).toContain('already set');
    expect(after.stdout).toContain('sudo vigie passwd');
    expect(after.stdout).not.toContain(logged!);
  });

  it('before the first start: says to start Vigie, exit 1', () => {
    const res = run(['setup-code'], tempDir());
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('has not started yet');
  });

  it('with no code file (or a damaged one) and no password: says to restart, exit 1', () => {
    const dir = tempDir();
    expect(run(['passwd'], dir, 'x\n').status).toBe(2); // creates config.db, sets nothing (too short)
    expect(run(['setup-code'], dir).stderr).toContain('no setup code yet');
    writeFileSync(join(dir, SETUP_CODE_FILE), 'not a code\n');
    const damaged = run(['setup-code'], dir);
    expect(damaged.status).toBe(1);
    expect(damaged.stdout).toBe('');
  });

  it('saves, reads back and removes a code; refuses a file that is not a code', () => {
    const dir = tempDir();
    expect(readSetupCode(dir)).toBeNull();
    saveSetupCode(dir, 'K7RM2XQ9TB');
    expect(readSetupCode(dir)).toBe('K7RM2-XQ9TB');
    expect(statSync(join(dir, SETUP_CODE_FILE)).mode & 0o777).toBe(0o600);
    saveSetupCode(dir, 'ABCDEFGHJK'); // a restart replaces it
    expect(readSetupCode(dir)).toBe('ABCDE-FGHJK');
    writeFileSync(join(dir, SETUP_CODE_FILE), 'K7RM2-XQ9T0\n'); // 0 is not in the alphabet
    expect(readSetupCode(dir)).toBeNull();
    removeSetupCode(dir);
    removeSetupCode(dir);
    expect(readSetupCode(dir)).toBeNull();
  });
});
