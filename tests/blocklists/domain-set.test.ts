import { describe, expect, it } from 'vitest';
import { createDomainSetBuilder, domainSetFromParts, NameScan, type DomainSet } from '../../src/blocklists/domain-set.js';

function setOf(rules: string[]): DomainSet {
  const builder = createDomainSetBuilder();
  rules.forEach((rule, i) => builder.add(rule, i));
  return builder.build();
}

/** Reference: walk the label-boundary suffixes with a plain Set, most specific first. */
function referenceMatch(rules: Map<string, number>, name: string): number {
  for (let i = 0; ; ) {
    const id = rules.get(name.slice(i));
    if (id !== undefined) return id;
    const dot = name.indexOf('.', i);
    if (dot < 0) return -1;
    i = dot + 1;
  }
}

describe('DomainSet matching', () => {
  const set = setOf(['coco.gg', 'a.b.example.com', 'example.com', 'co.uk', 'x.y']);

  it.each([
    ['exact', 'coco.gg', 0],
    ['subdomain', 'www.coco.gg', 0],
    ['deep subdomain', 'a.b.c.d.coco.gg', 0],
    ['not a suffix at a label boundary', 'xcoco.gg', -1],
    ['hyphenated look-alike', 'my-coco.gg', -1],
    ['parent of a rule', 'gg', -1],
    ['rule as a prefix only', 'coco.gg.evil.com', -1],
    ['most specific wins', 'z.a.b.example.com', 1],
    ['less specific for a sibling', 'c.b.example.com', 2],
    ['short rule', 'q.x.y', 4],
    ['empty name', '', -1],
    ['unrelated', 'wikipedia.org', -1],
    ['leading dot is no label', '.coco.gg', 0],
    ['trailing dot is not stripped by the matcher', 'coco.gg.', -1],
  ])('%s: %s → %i', (_label, name, expected) => {
    expect(set.match(name)).toBe(expected);
  });

  it('matchRule names the matching suffix', () => {
    expect(set.matchRule('z.a.b.example.com')).toEqual({ ruleId: 1, rule: 'a.b.example.com' });
    expect(set.matchRule('nope.test')).toBeNull();
  });

  it('matchAll lists every covering rule, most specific first', () => {
    expect(set.matchAll('z.a.b.example.com')).toEqual([
      { ruleId: 1, rule: 'a.b.example.com' },
      { ruleId: 2, rule: 'example.com' },
    ]);
    expect(set.matchAll('xcoco.gg')).toEqual([]);
  });

  it('reports its size and a byte count', () => {
    expect(set.size).toBe(5);
    expect(set.bytes()).toBeGreaterThan(0);
  });
});

describe('DomainSet edge cases', () => {
  it('works with zero rules', () => {
    const empty = setOf([]);
    expect(empty.size).toBe(0);
    expect(empty.match('coco.gg')).toBe(-1);
    expect(empty.matchAll('coco.gg')).toEqual([]);
  });

  it('works with a single rule', () => {
    const one = setOf(['coco.gg']);
    expect(one.match('coco.gg')).toBe(0);
    expect(one.match('www.coco.gg')).toBe(0);
    expect(one.match('coco.fr')).toBe(-1);
  });

  it('matches whatever label counts the rules have (a bare TLD rule is the matcher\'s business)', () => {
    const set = setOf(['gg', 'a.b.c.d.e.f']);
    expect(set.match('coco.gg')).toBe(0);
    expect(set.match('gg')).toBe(0);
    expect(set.match('z.a.b.c.d.e.f')).toBe(1);
    expect(set.match('b.c.d.e.f')).toBe(-1);
  });

  it('grows past its initial size and honours size hints', () => {
    for (const builder of [createDomainSetBuilder(), createDomainSetBuilder({ expectedRules: 10, expectedBytes: 10 })]) {
      for (let i = 0; i < 5000; i++) builder.add(`n${i}.test`, i * 2);
      const set = builder.build();
      expect(set.size).toBe(5000);
      expect(set.match('www.n4999.test')).toBe(9998);
      expect(set.match('n5000.test')).toBe(-1);
    }
  });

  it('keeps the first ruleId of a duplicate', () => {
    const builder = createDomainSetBuilder();
    expect(builder.add('coco.gg', 7)).toBe(true);
    expect(builder.add('coco.gg', 9)).toBe(false);
    const set = builder.build();
    expect(set.size).toBe(1);
    expect(set.match('www.coco.gg')).toBe(7);
  });

  it.each([
    ['empty', ''],
    ['too long', 'a'.repeat(254)],
    ['non-ASCII', 'münchen.de'],
  ])('refuses a %s rule', (_label, rule) => {
    expect(() => createDomainSetBuilder().add(rule, 0)).toThrow(RangeError);
  });

  it('is single use', () => {
    const builder = createDomainSetBuilder();
    builder.build();
    expect(() => builder.add('a.com', 0)).toThrow();
    expect(() => builder.build()).toThrow();
  });
});

describe('DomainSet against a reference Set', () => {
  // Deterministic PRNG (mulberry32) so a failure reproduces.
  let seed = 42;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_';
  const label = (): string => {
    let s = '';
    const n = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  const tlds = ['com', 'net', 'org', 'gg', 'fr', 'co.uk'];
  const name = (): string => `${Array.from({ length: 1 + Math.floor(rnd() * 3) }, label).join('.')}.${tlds[Math.floor(rnd() * tlds.length)]}`;

  it('agrees on 50k rules and 50k probes (exact, subdomain, near-miss, random)', () => {
    const rules = Array.from({ length: 50_000 }, name);
    const reference = new Map<string, number>();
    const builder = createDomainSetBuilder();
    rules.forEach((rule, i) => {
      if (!reference.has(rule)) reference.set(rule, i);
      builder.add(rule, i);
    });
    const set = builder.build();
    expect(set.size).toBe(reference.size);

    const probes: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const rule = rules[Math.floor(rnd() * rules.length)] as string;
      const kind = i % 4;
      probes.push(kind === 0 ? rule : kind === 1 ? `${label()}.${rule}` : kind === 2 ? `x${rule}` : name());
    }
    const scan = new NameScan();
    for (const probe of probes) {
      const expected = referenceMatch(reference, probe);
      expect(set.match(probe), probe).toBe(expected);
      expect(set.matchScan(scan.scan(probe), Infinity), probe).toBe(expected); // through the bit filter
    }
  });

  it('uses far less memory than a Set<string> would', () => {
    const builder = createDomainSetBuilder();
    for (let i = 0; i < 100_000; i++) builder.add(`host${i}.example${i % 997}.com`, i);
    const set = builder.build();
    expect(set.bytes() / set.size).toBeLessThan(45);
  });
});

describe('DomainSet.matchScan and exact sets', () => {
  it('honours `before` (only rules at least that specific) and exact sets', () => {
    const builder = createDomainSetBuilder();
    ['a.com', 'b.a.com'].forEach((r, i) => builder.add(r, i));
    const set = builder.build();
    const scan = new NameScan().scan('x.b.a.com');
    expect(set.matchScan(scan, Infinity)).toBe(1);
    expect(set.lastMatchStart).toBe(2);
    expect(set.matchScan(scan, 2)).toBe(-1);
    const exact = createDomainSetBuilder({ exact: true });
    exact.add('b.a.com', 7);
    const exactSet = exact.build();
    expect(exactSet.matchScan(scan, Infinity)).toBe(-1);
    expect(exactSet.matchScan(new NameScan().scan('b.a.com'), Infinity)).toBe(7);
    expect(exactSet.match('x.b.a.com')).toBe(-1);
  });

  it('wraps transferred parts and lists its rules', () => {
    const builder = createDomainSetBuilder();
    builder.addBytes(Buffer.from('0.0.0.0 coco.gg'), 8, 15, 0);
    builder.add('x.org', 1);
    const set = domainSetFromParts(structuredClone(builder.buildParts()));
    expect(set.match('www.coco.gg')).toBe(0);
    const rules: string[] = [];
    set.forEachRule((r) => rules.push(r));
    expect(rules).toEqual(['coco.gg', 'x.org']);
  });
});
