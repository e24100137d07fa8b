import { describe, expect, it } from 'vitest';
import { createBlocklist, createBlocklistFromDomains, type BlocklistList, type BlocklistSource } from '../../src/blocklists/blocklist.js';
import { createDomainSetBuilder, type DomainSet } from '../../src/blocklists/domain-set.js';
import type { BlockDecision } from '../../src/resolver/types.js';

const lists: BlocklistSource[] = [
  { id: 'anonymous-chat', category: 'anonymous-chat', action: 'sinkhole', domains: ['coco.gg', 'coco.fr'] },
  { id: 'bypass', category: 'bypass', action: 'sinkhole', domains: ['dns.google', 'icloud-relay.example', 'mask.icloud.com'] },
  { id: 'bypass-canaries', category: 'bypass', action: 'nxdomain', domains: ['use-application-dns.net', 'mask.icloud.com'] },
  { id: 'custom', category: 'custom', action: 'sinkhole', domains: ['chat.coco.gg', 'amazonaws.com'] },
];
const blocklist = createBlocklist(lists, ['s3.amazonaws.com', 'Google.com.']);

describe('Blocklist.match provenance', () => {
  it.each([
    ['coco.gg', { action: 'sinkhole', category: 'anonymous-chat', list: 'anonymous-chat', rule: 'coco.gg' }],
    ['www.coco.gg', { action: 'sinkhole', category: 'anonymous-chat', list: 'anonymous-chat', rule: 'coco.gg' }],
    ['a.chat.coco.gg', { action: 'sinkhole', category: 'custom', list: 'custom', rule: 'chat.coco.gg' }],
    ['use-application-dns.net', { action: 'nxdomain', category: 'bypass', list: 'bypass-canaries', rule: 'use-application-dns.net' }],
    // Also in the sinkhole 'bypass' list: the nxdomain list wins whatever the order.
    ['mask.icloud.com', { action: 'nxdomain', category: 'bypass', list: 'bypass-canaries', rule: 'mask.icloud.com' }],
    ['dns.google', { action: 'sinkhole', category: 'bypass', list: 'bypass', rule: 'dns.google' }],
  ])('%s', (name, expected) => {
    expect(blocklist.match(name)).toEqual({ ...expected, matched: name });
  });

  it.each(['xcoco.gg', 'icloud.com', 'google.com', 'example.org', ''])('does not block %j', (name) => {
    expect(blocklist.match(name)).toBeNull();
  });
});

describe('Blocklist allow entries', () => {
  it('an exact allow entry beats a block', () => {
    expect(blocklist.match('s3.amazonaws.com')).toBeNull();
    expect(blocklist.isAllowed('s3.amazonaws.com')).toBe(true);
    expect(blocklist.explain('s3.amazonaws.com')).toEqual([]);
  });

  it('allow is exact: a child of an allow entry is still matched', () => {
    expect(blocklist.match('bucket.s3.amazonaws.com')?.rule).toBe('amazonaws.com');
  });

  it('allow entries are normalized (case, trailing dot)', () => {
    expect(blocklist.isAllowed('google.com')).toBe(true);
  });
});

describe('Blocklist.explain and size', () => {
  it('explains every covering rule, most specific first', () => {
    expect(blocklist.explain('x.chat.coco.gg').map((d) => [d.list, d.rule, d.matched])).toEqual([
      ['custom', 'chat.coco.gg', 'x.chat.coco.gg'],
      ['anonymous-chat', 'coco.gg', 'x.chat.coco.gg'],
    ]);
  });

  it('counts distinct rules', () => {
    expect(blocklist.size).toBe(9); // mask.icloud.com is in two lists: counted in each
    expect(blocklist.bytes()).toBeGreaterThan(0);
  });

  it('is empty without lists', () => {
    const empty = createBlocklist([], []);
    expect(empty.size).toBe(0);
    expect(empty.match('coco.gg')).toBeNull();
  });
});

describe('createBlocklist over compiled lists: precedence', () => {
  const set = (...names: string[]): DomainSet => {
    const builder = createDomainSetBuilder();
    names.forEach((n, i) => builder.add(n, i));
    return builder.build();
  };
  const compiled: BlocklistList[] = [
    { id: 'ads', category: 'ads', action: 'sinkhole', block: set('ads.com', 'tracker.net', 'shared.org'), allow: set('ok.ads.com') },
    { id: 'chat', category: 'anonymous-chat', action: 'sinkhole', block: set('coco.gg', 'ok.ads.com', 'deep.shared.org'), allow: set('help.coco.gg') },
    { id: 'canaries', category: 'bypass', action: 'nxdomain', block: set('use-application-dns.net', 'shared.org') },
  ];
  const blocklist = createBlocklist(compiled, {
    neverBlock: ['tracker.net'],
    customAllow: [{ name: 'Free.coco.gg.', subdomains: true }, { name: 'only.ads.com', subdomains: false }],
    customBlock: [{ name: 'Bad.example', subdomains: false }, { name: 'evil.example', subdomains: true }, { name: 'x.tracker.net', subdomains: true }],
  });
  const decide = (name: string): [string, string, string] | null => {
    const d = blocklist.match(name);
    return d === null ? null : [d.list, d.rule, d.action];
  };

  it.each<[string, string, [string, string, string] | null]>([
    ['a list blocks a name and its subdomains', 'x.ads.com', ['ads', 'ads.com', 'sinkhole']],
    ['an exception unblocks its own list', 'ok.ads.com', ['chat', 'ok.ads.com', 'sinkhole']],
    ['…and the exception covers subdomains', 'a.ok.ads.com', ['chat', 'ok.ads.com', 'sinkhole']],
    ['an exception in list B does not touch list A', 'help.coco.gg', null],
    ['most specific rule wins across lists', 'a.deep.shared.org', ['chat', 'deep.shared.org', 'sinkhole']],
    ['a tie goes to the nxdomain list', 'shared.org', ['canaries', 'shared.org', 'nxdomain']],
    ['neverBlock is exact', 'tracker.net', null],
    ['a child of a neverBlock name is still blocked', 'cdn.tracker.net', ['ads', 'tracker.net', 'sinkhole']],
    ['customBlock beats nothing that allows', 'x.tracker.net', ['custom', 'x.tracker.net', 'sinkhole']],
    ['customAllow with subdomains beats every list', 'www.free.coco.gg', null],
    ['customAllow exact', 'only.ads.com', null],
    ['customAllow exact does not cover children', 'a.only.ads.com', ['ads', 'ads.com', 'sinkhole']],
    ['customBlock exact', 'bad.example', ['custom', 'bad.example', 'sinkhole']],
    ['customBlock exact does not cover children', 'www.bad.example', null],
    ['customBlock with subdomains', 'a.evil.example', ['custom', 'evil.example', 'sinkhole']],
    ['unrelated', 'wikipedia.org', null],
    ['empty', '', null],
  ])('%s: %s', (_label, name, expected) => {
    expect(decide(name)).toEqual(expected);
  });

  it('a name allowed by its only list is unblocked', () => {
    expect(decide('help.coco.gg')).toBeNull();
    expect(decide('coco.gg')).toEqual(['chat', 'coco.gg', 'sinkhole']);
  });

  it('isAllowed: customAllow (both kinds) and exact neverBlock names', () => {
    expect(['free.coco.gg', 'a.free.coco.gg', 'only.ads.com', 'tracker.net'].map((n) => blocklist.isAllowed(n))).toEqual([true, true, true, true]);
    expect(['x.only.ads.com', 'cdn.tracker.net', 'ok.ads.com'].map((n) => blocklist.isAllowed(n))).toEqual([false, false, false]);
  });

  it('explain lists every rule in force, most specific first, skipping excepted lists', () => {
    expect(blocklist.explain('a.deep.shared.org').map((d) => [d.list, d.rule])).toEqual([
      ['chat', 'deep.shared.org'],
      ['canaries', 'shared.org'],
      ['ads', 'shared.org'],
    ]);
    expect(blocklist.explain('ok.ads.com').map((d) => d.list)).toEqual(['chat']);
    expect(blocklist.explain('www.free.coco.gg')).toEqual([]);
  });

  it('counts rules and bytes', () => {
    expect(blocklist.size).toBe(3 + 3 + 2 + 3);
    expect(blocklist.bytes()).toBeGreaterThan(0);
  });

  it('the former signature still works (lists of names, exact allow names)', () => {
    const old = createBlocklistFromDomains([{ id: 'l', category: 'c', action: 'sinkhole', domains: ['a.com'], allows: ['ok.a.com'] }], ['b.a.com']);
    expect(old.match('x.a.com')?.rule).toBe('a.com');
    expect(old.match('ok.a.com')).toBeNull();
    expect(old.match('b.a.com')).toBeNull();
  });
});

describe('createBlocklist against a brute-force reference', () => {
  let seed = 11;
  const rnd = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const labels = ['a', 'b', 'c', 'ads', 'cdn', 'x'];
  const name = (): string => `${Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(labels)).join('.')}.${pick(['com', 'net'])}`;
  const spec = Array.from({ length: 6 }, (_, i) => ({
    id: `l${i}`,
    action: (i === 4 ? 'nxdomain' : 'sinkhole') as BlockDecision['action'],
    block: Array.from({ length: 40 }, name),
    allow: i % 2 === 0 ? Array.from({ length: 10 }, name) : [],
  }));
  const toSet = (names: string[]): DomainSet => {
    const b = createDomainSetBuilder();
    names.forEach((n, k) => b.add(n, k));
    return b.build();
  };
  const blocklist = createBlocklist(spec.map((s) => ({ id: s.id, category: 'c', action: s.action, block: toSet(s.block), allow: toSet(s.allow) })), { neverBlock: [] });
  const covers = (rule: string, n: string): boolean => n === rule || n.endsWith(`.${rule}`);
  const reference = (n: string): [string, string] | null => {
    const ordered = [...spec.filter((s) => s.action === 'nxdomain'), ...spec.filter((s) => s.action !== 'nxdomain')];
    let best: [string, string] | null = null;
    for (const s of ordered) {
      if (s.allow.some((r) => covers(r, n))) continue;
      for (const r of s.block) if (covers(r, n) && (best === null || r.length > best[1].length)) best = [s.id, r];
    }
    return best;
  };

  it('agrees on 5,000 names (merged small lists and lists with exceptions)', () => {
    for (let i = 0; i < 5000; i++) {
      const n = i % 2 === 0 ? name() : `${pick(labels)}.${pick(spec).block[0]}`;
      const d = blocklist.match(n);
      expect(d === null ? null : [d.list, d.rule], n).toEqual(reference(n));
    }
  });
});
