import { describe, expect, it } from 'vitest';
import { createBlocklist, type BlocklistSource } from '../../src/blocklists/blocklist.js';

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
    expect(blocklist.size).toBe(8); // mask.icloud.com once
    expect(blocklist.bytes()).toBeGreaterThan(0);
  });

  it('is empty without lists', () => {
    const empty = createBlocklist([], []);
    expect(empty.size).toBe(0);
    expect(empty.match('coco.gg')).toBeNull();
  });
});
