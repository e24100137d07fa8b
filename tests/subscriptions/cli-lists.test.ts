/** `node dist/cli.js lists …` end to end, against a loopback HTTP list server. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeForTerminal } from '../../src/cli/lists.js';
import { runListsCli, sendList, startListServer, type ListServer } from './list-server.js';
import { writeSourceCatalog } from './source-fixtures.js';

const CLI = join(process.cwd(), 'dist/cli.js');
let dataDir: string;
/** The repository's catalog without shipped sources: these tests see only their own subscriptions. */
let listsDir: string;
let server: ListServer;
let broken = false;

const run = (args: string[]) => runListsCli(args, { dataDir, listsDir });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-lists-'));
  listsDir = writeSourceCatalog(mkdtempSync(join(tmpdir(), 'vigie-cli-lists-catalog-')), []);
  server = await startListServer((req, res) => {
    if (broken) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>down</title>');
    if (req.headers['if-none-match'] === `"${req.url}"`) return void res.writeHead(304).end();
    sendList(res, `# ${req.url}\n${req.url!.slice(1)}.example\nsecond.${req.url!.slice(1)}.example\n`, { etag: `"${req.url}"` });
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(listsDir, { recursive: true, force: true });
});

describe('vigie lists', () => {
  it('starts empty', async () => {
    const r = await run([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/no subscribed lists/);
  });

  it('add downloads the list, keeps the copy and touches the stamp', async () => {
    const r = await run(['add', server.url('/alpha'), '--category', 'dating']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const id = /added ([0-9a-f]{12})/.exec(r.stdout)![1]!;
    expect(r.stdout).toMatch(/updated [0-9a-f]{12} \(2 entries\)/);
    expect(readFileSync(join(dataDir, 'lists', `${id}.txt`), 'utf8')).toContain('alpha.example');
    expect(existsSync(join(dataDir, 'lists', '.changed'))).toBe(true);
    expect(existsSync(join(dataDir, 'config.db'))).toBe(true);
  });

  it.each([
    [['add', 'file:///etc/shadow', '--category', 'dating'], /only http: and https:/],
    [['add', 'gopher://127.0.0.1/', '--category', 'dating'], /only http: and https:/],
    [['add', 'https://x.example/l.txt', '--category', 'nope'], /must be one of/],
    [['add', 'https://x.example/l.txt'], /needs one URL and --category/],
  ])('add %j is refused', async (args, message) => {
    const r = await run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('refuses a duplicate', async () => {
    const r = await run(['add', server.url('/alpha'), '--category', 'adult']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already subscribed/);
  });

  it('lists the subscriptions as a table and as JSON', async () => {
    await run(['add', server.url('/beta'), '--category', 'gaming']);
    const table = await run([]);
    expect(table.status).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+CATEGORY\s+ENTRIES\s+LAST REFRESH\s+URL\s+LAST ERROR$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^[0-9a-f]{12}\\s+dating\\s+2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+${server.url('/alpha')}$`));
    const json = JSON.parse((await run(['--json'])).stdout) as { url: string; category: string; entries: number }[];
    expect(json.map((s) => [s.url, s.category, s.entries])).toEqual([[server.url('/alpha'), 'dating', 2], [server.url('/beta'), 'gaming', 2]]);
  });

  it('update --json: 304 for unchanged lists, exit 0', async () => {
    const r = await run(['update', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { outcome: string }[]).map((o) => o.outcome)).toEqual(['not-modified', 'not-modified']);
  });

  it('update when the server serves an HTML page: exit 1, copies kept, error shown', async () => {
    const stamp = readFileSync(join(dataDir, 'lists', '.changed'), 'utf8');
    const json = JSON.parse((await run(['--json'])).stdout) as { id: string }[];
    const copies = json.map((s) => readFileSync(join(dataDir, 'lists', `${s.id}.txt`), 'utf8'));
    broken = true;
    const r = await run(['update']);
    broken = false;
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAILED [0-9a-f]{12}: an HTML page, not a list \(a login or error page\?\) \(any previous copy is kept\)/);
    expect(json.map((s) => readFileSync(join(dataDir, 'lists', `${s.id}.txt`), 'utf8'))).toEqual(copies);
    expect(readFileSync(join(dataDir, 'lists', '.changed'), 'utf8')).toBe(stamp);
    const table = await run([]);
    expect(table.stdout).toMatch(/\s2\s.*an HTML page, not a list/);
  });

  it('remove by URL deletes the copy and touches the stamp', async () => {
    const json = JSON.parse((await run(['--json'])).stdout) as { id: string; url: string }[];
    const beta = json.find((s) => s.url.endsWith('/beta'))!;
    const r = await run(['remove', beta.url]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`removed ${beta.id}`));
    expect(existsSync(join(dataDir, 'lists', `${beta.id}.txt`))).toBe(false);
    expect(existsSync(join(dataDir, 'lists', `${beta.id}.json`))).toBe(false);
    expect((await run(['remove', beta.id])).status).toBe(1);
  });

  // `script` (util-linux) gives the child a pseudo-terminal, so process.stdout.isTTY is true.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasScript)('update on a terminal draws a progress bar', async () => {
    const r = await new Promise<string>((resolve) => {
      const child = spawn('script', ['-qec', `"${process.execPath}" "${CLI}" lists update`, '/dev/null'], { env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_LISTS_DIR: listsDir, VIGIE_TZ: 'UTC' } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out));
    });
    expect(r).toContain('\r\x1b[K[------------------------] 0/1');
    expect(r).toContain('[########################] 1/1');
    expect(r).toMatch(/not modified [0-9a-f]{12} \(2 entries\)/);
  });

  it('help for the sub-commands', async () => {
    const r = await run(['help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/vigie lists add URL --category ID/);
  });
});

describe('escapeForTerminal', () => {
  it.each([
    ['plain https://x.example/a?b=1', 'plain https://x.example/a?b=1'],
    ['\x1b[2J\x1b[31mred', '\\x1b[2J\\x1b[31mred'],
    ['line\nbreak\r\0', 'line\\x0abreak\\x0d\\x00'],
    ['\u009b31m', '\\x9b31m'],
    ['abc\u202Egpj.exe', 'abc\\u{202e}gpj.exe'],
    ['café ✓', 'café ✓'],
  ])('%j → %j', (input, output) => expect(escapeForTerminal(input)).toBe(output));
});
