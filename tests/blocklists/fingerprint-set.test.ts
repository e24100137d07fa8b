import { describe, expect, it } from 'vitest';
import { createBlocklist } from '../../src/blocklists/blocklist.js';
import { createDomainSetBuilder, domainSetFromParts, NameScan, type DomainSet } from '../../src/blocklists/domain-set.js';
import { exportFingerprintKeys, FP_MAX_LENGTH, importFingerprintKeys } from '../../src/blocklists/fingerprint-keys.js';
import { createFingerprintSetBuilder } from '../../src/blocklists/fingerprint-set.js';
import { compileList } from '../../src/blocklists/list-compiler.js';

// Deterministic PRNG (mulberry32) so a failure reproduces.
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(11);
const label = (): string => Math.floor(rnd() * 36 ** 3).toString(36);
const randomName = (): string => `${Array.from({ length: 1 + Math.floor(rnd() * 3) }, label).join('.')}.${['com', 'gg', 'co.uk'][Math.floor(rnd() * 3)]}`;

function both(rules: string[], exact = false): { names: DomainSet; fps: DomainSet } {
  const names = createDomainSetBuilder({ exact });
  const fps = createFingerprintSetBuilder({ exact });
  rules.forEach((rule, i) => {
    names.add(rule, i);
    fps.add(rule);
  });
  return { names: names.build(), fps: fps.build() };
}

/** What a lookup tells, without the rule ids (a fingerprint set numbers its rules itself). */
function answers(set: DomainSet, name: string): unknown {
  const hit = set.match(name) >= 0;
  return { hit, start: hit ? set.lastMatchStart : null, rule: set.matchRule(name)?.rule ?? null, all: set.matchAll(name).map((m) => m.rule) };
}

describe('fingerprint DomainSet', () => {
  const rules = ['coco.gg', 'a.b.example.com', 'example.com', 'co.uk', 'x.y'];
  const { names, fps } = both(rules);

  it.each([
    'coco.gg', 'www.coco.gg', 'a.b.c.d.coco.gg', 'xcoco.gg', 'my-coco.gg', 'gg', 'coco.gg.evil.com', 'z.a.b.example.com',
    'c.b.example.com', 'q.x.y', '', 'wikipedia.org', '.coco.gg', 'coco.gg.', 'notexample.com', 'www.cöco.gg', 'é.coco.gg',
  ])('answers %j like the name table', (name) => {
    expect(answers(fps, name)).toEqual(answers(names, name));
  });

  it('names the rule from the name looked up, most specific first', () => {
    expect(fps.matchRule('z.a.b.example.com')?.rule).toBe('a.b.example.com');
    expect(fps.matchAll('z.a.b.example.com').map((m) => m.rule)).toEqual(['a.b.example.com', 'example.com']);
    expect(fps.matchRule('nope.test')).toBeNull();
  });

  it('drops duplicates, keeps no names, and is under 10 bytes a rule', () => {
    const builder = createFingerprintSetBuilder();
    for (const r of [...rules, ...rules]) builder.add(r);
    const set = builder.build();
    expect(set.size).toBe(5);
    expect(set.hasNames).toBe(false);
    expect(() => set.forEachRule(() => undefined)).toThrow(/no rule names/);
    const big = createFingerprintSetBuilder({ expectedRules: 10 }); // grows past its hint
    for (let i = 0; i < 50_000; i++) big.add(`h${i}.example.com`);
    const bigSet = big.build();
    expect(bigSet.size).toBe(50_000);
    expect(bigSet.bytes() / bigSet.size).toBeLessThan(10);
    expect(bigSet.match('www.h49999.example.com')).toBeGreaterThanOrEqual(0);
    expect(bigSet.match('h50000.example.com')).toBe(-1);
  });

  it('gives the same answers as the name table on 30k random rules and 60k lookups', () => {
    const many = Array.from({ length: 30_000 }, randomName);
    const sets = both(many);
    const differing: string[] = [];
    let hits = 0;
    for (let i = 0; i < 60_000; i++) {
      const rule = many[Math.floor(rnd() * many.length)] as string;
      const name = i % 3 === 0 ? rule : i % 3 === 1 ? `${label()}.${rule}` : randomName();
      const hit = sets.fps.match(name) >= 0;
      if (hit !== sets.names.match(name) >= 0 || (hit && sets.fps.lastMatchStart !== sets.names.lastMatchStart)) differing.push(name);
      if (hit) hits++;
    }
    expect(differing).toEqual([]);
    expect(hits).toBeGreaterThan(40_000);
  });

  it('honours `before` in matchScan, and exact sets', () => {
    const { fps: set } = both(['a.com', 'b.a.com']);
    const scan = new NameScan().scan('x.b.a.com');
    expect(set.matchScan(scan, Infinity)).toBeGreaterThanOrEqual(0);
    expect(set.lastMatchStart).toBe(2);
    expect(set.matchScan(scan, 3)).toBeGreaterThanOrEqual(0);
    expect(set.lastMatchStart).toBe(2);
    expect(set.matchScan(scan, 2)).toBe(-1); // a.com (start 4) is less specific than asked
    expect(set.matchScan(new NameScan().scan('x.a.com'), 3)).toBeGreaterThanOrEqual(0);
    const { fps: exact } = both(['b.a.com'], true);
    expect(exact.exact).toBe(true);
    expect(exact.matchScan(scan, Infinity)).toBe(-1);
    expect(exact.match('b.a.com')).toBeGreaterThanOrEqual(0);
    expect(exact.matchAll('x.b.a.com')).toEqual([]);
  });

  it('matches names up to 253 characters and never a longer suffix', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long.length).toBe(FP_MAX_LENGTH);
    const { fps: set } = both([long, 'd.com']);
    expect(set.match(long)).toBeGreaterThanOrEqual(0);
    expect(set.match(`x.${long}`)).toBeGreaterThanOrEqual(0);
    expect(set.lastMatchStart).toBe(2);
    expect(set.match(`${'e'.repeat(300)}.d.com`)).toBeGreaterThanOrEqual(0);
    expect(() => createFingerprintSetBuilder().add(`${long}x`)).toThrow(RangeError);
    expect(() => createFingerprintSetBuilder().add('cöco.gg')).toThrow(RangeError);
  });

  it('adds from bytes, wraps transferred parts, and refuses parts made with other keys', () => {
    const builder = createFingerprintSetBuilder();
    builder.addBytes(Buffer.from('0.0.0.0 coco.gg'), 8, 15);
    const parts = builder.buildParts();
    expect(() => builder.add('late.com')).toThrow(/after build/);
    const set = domainSetFromParts(structuredClone(parts));
    expect(set.match('www.coco.gg')).toBeGreaterThanOrEqual(0);
    expect(() => domainSetFromParts({ ...parts, seed: parts.seed ^ 1 })).toThrow(/other keys/);
  });

  it('exports and re-imports the process keys unchanged', () => {
    const keys = exportFingerprintKeys();
    const { fps: before } = both(['coco.gg']);
    importFingerprintKeys(keys);
    expect(exportFingerprintKeys()).toEqual(keys);
    expect(before.match('coco.gg')).toBeGreaterThanOrEqual(0);
    expect(() => importFingerprintKeys(new Uint32Array(3))).toThrow(RangeError);
  });
});

describe('compileList with fingerprint sets', () => {
  const text = ['0.0.0.0 coco.gg', '||b.example.com^', '@@||ok.b.example.com^', 'x.org', 'x.org', '# comment'].join('\n');
  const bytes = Buffer.from(text);

  it('uses them from `fingerprintFromLines` lines, in the worker and in-thread alike', async () => {
    const [inWorker, inThread, named] = await Promise.all([
      compileList({ bytes }, { worker: 'always', fingerprintFromLines: 1 }),
      compileList({ bytes }, { worker: 'never', fingerprintFromLines: 1 }),
      compileList({ bytes }, { worker: 'never' }),
    ]);
    expect([inWorker.block.hasNames, inThread.block.hasNames, named.block.hasNames]).toEqual([false, false, true]);
    expect(inWorker.allow.hasNames).toBe(true);
    for (const list of [inWorker, inThread]) {
      expect(list.block.size).toBe(3);
      for (const name of ['coco.gg', 'www.coco.gg', 'a.b.example.com', 'example.com', 'x.org', 'y.x.org', 'xx.org']) {
        expect(answers(list.block, name), name).toEqual(answers(named.block, name));
      }
    }
  });

  it('keeps provenance, exceptions and explain in a blocklist (a fingerprint set is never merged)', async () => {
    const big = await compileList({ bytes }, { worker: 'always', fingerprintFromLines: 1 });
    const small = await compileList({ bytes: Buffer.from('coco.gg\n') });
    const blocklist = createBlocklist(
      [{ id: 'big', category: 'ads', action: 'sinkhole', block: big.block, allow: big.allow },
        { id: 'chat', category: 'anonymous-chat', action: 'sinkhole', block: small.block }],
      { neverBlock: [] },
    );
    expect(blocklist.match('www.coco.gg')).toMatchObject({ list: 'big', rule: 'coco.gg' }); // a tie: the first list given
    expect(blocklist.match('a.b.example.com')).toMatchObject({ list: 'big', rule: 'b.example.com', matched: 'a.b.example.com' });
    expect(blocklist.match('ok.b.example.com')).toBeNull();
    expect(blocklist.explain('z.y.x.org').map((d) => [d.list, d.rule])).toEqual([['big', 'x.org']]);
    expect(blocklist.explain('www.coco.gg').map((d) => d.list).sort()).toEqual(['big', 'chat']);
  });
});
