/**
 * Log lines: JSON for journald and files, one plain line per event on a terminal. The real
 * `vigie serve` is started under a pseudo-terminal (`script` from bsdutils) and through a pipe.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseLogFormat, createLogger, formatPretty } from '../../src/log.js';

const CLI = join(process.cwd(), 'dist/cli.js');
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('formatPretty', () => {
  it('writes time, level, message and the fields as key=value on one line', () => {
    const line = JSON.stringify({ level: 40, time: '2026-12-08T13:04:05.000Z', app: 'vigie', pid: 1, msg: 'upstream slow', upstream: 'udp://127.0.0.1:53', ms: 812 });
    const out = formatPretty(line);
    expect(out).toMatch(/^\d\d:\d\d:\d\d WARN  upstream slow upstream=udp:\/\/127\.0\.0\.1:53 ms=812\n$/);
    expect(out).not.toContain('app=');
  });

  it('keeps one event on one line whatever a logged name holds, and quotes values with spaces', () => {
    const out = formatPretty(JSON.stringify({ level: 30, time: 0, msg: 'blocked\nfake line', name: 'evil\r\nINFO injected', who: 'a b' }));
    expect(out.split('\n')).toHaveLength(2);
    expect(out).toContain('name="evil INFO injected"');
    expect(out).toContain('who="a b"');
  });

  it('shortens long values, counts the fields left out, adds an error and its stack at error level', () => {
    const fields = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'x'.repeat(200)]));
    const out = formatPretty(JSON.stringify({ level: 50, time: 0, msg: 'failed', ...fields, err: { message: 'boom', stack: 'Error: boom\n    at here' } }));
    expect(out).toContain('(+3 more)');
    expect(out).toContain(`k0=${'x'.repeat(79)}…`);
    expect(out).toContain('error=boom\nError: boom\n    at here\n');
  });

  it('passes through what is not a JSON object', () => {
    expect(formatPretty('plain text')).toBe('plain text\n');
    expect(formatPretty('[1,2]')).toBe('[1,2]\n');
  });
});

describe('chooseLogFormat and createLogger', () => {
  it('auto is pretty on a terminal and JSON otherwise; json and pretty are kept', () => {
    expect(chooseLogFormat('auto', true)).toBe('pretty');
    expect(chooseLogFormat('auto', false)).toBe('json');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('writes pretty lines through pino when asked', () => {
    const lines: string[] = [];
    createLogger('info', { write: (l: string) => void lines.push(l) }, 'pretty').child({ module: 'dns' }).info({ port: 53 }, 'ready');
    expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d INFO  ready module=dns port=53\n$/)]);
  });
});

/** Runs `vigie serve` (argv: how to start it) until its "answering DNS" line, then stops it. */
async function firstLines(argv: string[], env: Record<string, string>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-log-format-'));
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { PATH: process.env.PATH ?? '', VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: dataDir, VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '0', VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('answering DNS')) resolve();
      });
      child.on('exit', () => reject(new Error(`vigie serve exited:\n${out}`)));
    });
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => child.once('close', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

describe('vigie serve output', () => {
  it.skipIf(!hasScript)('on a terminal: plain lines (VIGIE_LOG_FORMAT unset = auto)', { timeout: 60_000 }, async () => {
    const out = await firstLines(['script', '-qfec', `${process.execPath} ${CLI} serve`, '/dev/null'], {});
    expect(out).toMatch(/^\d\d:\d\d:\d\d INFO  vigie is answering DNS/m);
    expect(out).not.toContain('{"level"');
  });

  it('through a pipe: JSON lines; VIGIE_LOG_FORMAT=pretty forces plain lines', { timeout: 60_000 }, async () => {
    const json = await firstLines([process.execPath, CLI, 'serve'], {});
    const event = JSON.parse(json.split('\n').find((l) => l.includes('answering DNS'))!) as { level: number; app: string };
    expect(event).toMatchObject({ level: 30, app: 'vigie' });
    const pretty = await firstLines([process.execPath, CLI, 'serve'], { VIGIE_LOG_FORMAT: 'pretty' });
    expect(pretty).toMatch(/^\d\d:\d\d:\d\d INFO  vigie is answering DNS/m);
  });

  it('refuses an unknown format like any bad setting', () => {
    const res = spawnSync(process.execPath, [CLI, 'serve'], { env: { PATH: process.env.PATH ?? '', VIGIE_LOG_FORMAT: 'colour' }, encoding: 'utf8', timeout: 15_000 });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('VIGIE_LOG_FORMAT');
  });
});
