import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileList } from '../../src/blocklists/list-compiler.js';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';

// Deterministic PRNG (mulberry32) so a failure reproduces.
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(7);
const label = (): string => Math.floor(rnd() * 36 ** 5).toString(36);
const tlds = ['com', 'net', 'org', 'gg', 'fr', 'co.uk'];
const randomName = (): string => `${Array.from({ length: 1 + Math.floor(rnd() * 3) }, label).join('.')}.${tlds[Math.floor(rnd() * tlds.length)]}`;

/** A mixed list: hosts, plain, wildcard, adblock, exceptions, comments, bad lines. */
function makeList(lines: number): { text: string; rules: string[] } {
  const rules: string[] = [];
  const out: string[] = ['# generated'];
  for (let i = 0; i < lines; i++) {
    const name = randomName();
    rules.push(name);
    const kind = i % 10;
    out.push(kind < 5 ? `0.0.0.0 ${name}` : kind < 7 ? name : kind === 7 ? `*.${name}` : kind === 8 ? `||${name}^` : `@@||${name}^`);
    if (i % 1000 === 0) out.push('bad line here!');
  }
  return { text: out.join('\r\n'), rules };
}

describe('compileList', () => {
  const { text, rules } = makeList(20_000);
  const bytes = Buffer.from(text);

  it('gives the same answers through the worker and in-thread on 20k random names', async () => {
    const [inWorker, inThread] = await Promise.all([compileList({ bytes }, { worker: 'always' }), compileList({ bytes }, { worker: 'never' })]);
    expect(inWorker.stats.thread).toBe('worker');
    expect(inThread.stats.thread).toBe('main');
    expect(inWorker.block.size).toBe(inThread.block.size);
    expect(inWorker.allow.size).toBe(inThread.allow.size);
    const probes = Array.from({ length: 20_000 }, (_, i) => {
      const rule = rules[Math.floor(rnd() * rules.length)] as string;
      return i % 3 === 0 ? rule : i % 3 === 1 ? `${label()}.${rule}` : randomName();
    });
    for (const name of probes) {
      expect(inWorker.block.match(name), name).toBe(inThread.block.match(name));
      expect(inWorker.allow.match(name), name).toBe(inThread.allow.match(name));
    }
    expect({ ...inWorker.stats, ms: 0, thread: 'x' }).toEqual({ ...inThread.stats, ms: 0, thread: 'x' });
    expect(inWorker.issues).toEqual(inThread.issues);
  });

  it('agrees with the string parser', async () => {
    const compiled = await compileList({ bytes }, { worker: 'never' });
    const parsed = parseDomainList(text);
    expect(compiled.block.size).toBe(new Set(parsed.domains).size);
    expect(compiled.allow.size).toBe(new Set(parsed.allows).size);
    expect(compiled.stats).toMatchObject({ lines: parsed.lines, invalid: parsed.invalid, format: 'mixed', bytes: bytes.length });
    expect(compiled.issues.map((i) => i.line)).toEqual(parsed.issues.map((i) => i.line));
    expect(compiled.issues[0]).toEqual({ line: 3, text: 'bad line here!', message: expect.any(String) });
  });

  it('reads a file through the worker, in pieces, with line numbers across pieces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-compile-'));
    const path = join(dir, 'list.hosts');
    const lines = Array.from({ length: 200_000 }, (_, i) => `0.0.0.0 host${i}.example${i % 997}.com`);
    lines[150_000] = '0.0.0.0 bad$name.com';
    writeFileSync(path, lines.join('\n'));
    const started = performance.now();
    const list = await compileList({ path }, { worker: 'always' });
    expect(performance.now() - started).toBeLessThan(5000); // ~0.3 s on a quiet machine
    expect(list.stats).toMatchObject({ format: 'hosts', lines: 200_000, rules: 199_999, invalid: 1, thread: 'worker' });
    expect(list.issues).toEqual([{ line: 150_001, text: '0.0.0.0 bad$name.com', message: expect.stringMatching(/invalid character/) }]);
    expect(list.block.match('www.host123.example123.com')).toBeGreaterThanOrEqual(0);
    expect(list.block.match('host200000.example0.com')).toBe(-1);
    expect(list.block.hasNames).toBe(false); // 200k lines: fingerprints (compile-rules.ts)
    expect(list.block.matchRule('www.host7.example7.com')?.rule).toBe('host7.example7.com');
    expect(list.block.bytes() / list.block.size).toBeLessThan(10);
  });

  it('compiles small inputs in-thread under auto', async () => {
    const list = await compileList({ bytes: Buffer.from('a.com\n') });
    expect(list.stats.thread).toBe('main');
    expect(list.block.match('x.a.com')).toBe(0);
  });

  it('rejects when the file cannot be read, and keeps working after', async () => {
    await expect(compileList({ path: '/nonexistent/list.txt' }, { worker: 'always' })).rejects.toThrow();
    expect((await compileList({ bytes: Buffer.from('b.com') }, { worker: 'always' })).block.size).toBe(1);
  });
});
