/** Custom allow/block rules in a real config.db, and `vigie rules` through the real binary. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { openConfigDatabase } from '../../src/store/config-database.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigie-rules-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('custom rules store', () => {
  it('adds, normalizes (case, trailing dot, IDN), replaces and removes rules', () => {
    const db = openConfigDatabase({ file: join(dir, 'config.db') });
    const store = createCustomRulesStore({ db, clock: () => 1000 });
    store.add({ name: 'WWW.Example.COM.', kind: 'allow', subdomains: false });
    store.add({ name: 'bücher.example', kind: 'block', subdomains: true });
    store.add({ name: 'www.example.com', kind: 'allow', subdomains: true });
    expect(store.list()).toEqual([
      { name: 'www.example.com', kind: 'allow', subdomains: true, addedAt: 1000 },
      { name: 'xn--bcher-kva.example', kind: 'block', subdomains: true, addedAt: 1000 },
    ]);
    expect(store.remove('WWW.example.com')).toBe(1);
    expect(store.remove('nothing.example')).toBe(0);
    db.close();
  });

  it.each(['', 'not a name', 'a..b', `${'x'.repeat(64)}.com`])('refuses %j with a clear error', (name) => {
    const db = openConfigDatabase({ file: join(dir, 'config.db') });
    expect(() => createCustomRulesStore({ db }).add({ name, kind: 'block', subdomains: true })).toThrow(/not a domain name/);
    db.close();
  });
});

describe('vigie rules', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), 'rules', ...args], {
      env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: '127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 15_000,
    });

  it('adds, lists and removes rules, and tells a running server through the stamp', () => {
    expect(cli(['allow', 'school.example', '--exact']).status).toBe(0);
    expect(cli(['block', 'Chat.Example']).stdout).toContain('block chat.example and its subdomains');
    expect(existsSync(join(dir, 'lists', '.changed'))).toBe(true);
    expect(JSON.parse(cli(['--json']).stdout)).toMatchObject([
      { name: 'school.example', kind: 'allow', subdomains: false },
      { name: 'chat.example', kind: 'block', subdomains: true },
    ]);
    expect(cli(['remove', 'chat.example']).status).toBe(0);
    expect(cli([]).stdout).toBe('allow  school.example (exact)\n');
    expect(cli(['block', 'not a name']).status).toBe(2);
  });
});

describe('vigie check with custom rules', () => {
  const run = (args: string[]) =>
    spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: '127.0.0.1:9' },
      encoding: 'utf8',
      timeout: 15_000,
    });

  it('names the custom rule that blocks a name, and an allow rule that frees a listed one', () => {
    expect(run(['rules', 'block', 'homework-chat.example']).status).toBe(0);
    expect(run(['rules', 'allow', 'coco.gg', '--exact']).status).toBe(0);
    const blocked = JSON.parse(run(['check', 'www.homework-chat.example', '--json']).stdout);
    expect(blocked).toMatchObject({ blocked: true, matches: [{ rule: 'homework-chat.example', category: 'custom' }] });
    const freed = JSON.parse(run(['check', 'coco.gg', '--json']).stdout);
    expect(freed).toMatchObject({ blocked: false, allowed: true, matches: [] });
    expect(JSON.parse(run(['check', 'www.coco.gg', '--json']).stdout)).toMatchObject({ blocked: true });
  });
});
