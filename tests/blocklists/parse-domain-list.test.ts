import { describe, expect, it } from 'vitest';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';
import { normalizeDomain } from '../../src/blocklists/normalize-domain.js';

describe('parseDomainList: accepted lines', () => {
  it.each([
    ['plain domain', 'coco.gg', ['coco.gg']],
    ['subdomain', 'www.coco.gg', ['www.coco.gg']],
    ['uppercase is lower-cased', 'Coco.GG', ['coco.gg']],
    ['trailing dot', 'coco.gg.', ['coco.gg']],
    ['leading and trailing whitespace', '  \tcoco.gg \t ', ['coco.gg']],
    ['CRLF line ends', 'a.com\r\nb.com\r\n', ['a.com', 'b.com']],
    ['hash comment line', '# a comment\ncoco.gg', ['coco.gg']],
    ['bang comment line', '! adblock-style comment\ncoco.gg', ['coco.gg']],
    ['indented comment', '   # indented\ncoco.gg', ['coco.gg']],
    ['trailing comment after spaces', 'coco.gg   # Coco — seen-article — https://x', ['coco.gg']],
    ['trailing comment after a tab', 'coco.gg\t# why', ['coco.gg']],
    ['blank lines', '\n\n  \ncoco.gg\n\n', ['coco.gg']],
    ['underscore and hyphen in labels', '_dmarc.my-site.com', ['_dmarc.my-site.com']],
    ['punycode label', 'xn--mnchen-3ya.de', ['xn--mnchen-3ya.de']],
    ['IDN converted to punycode', 'münchen.de', ['xn--mnchen-3ya.de']],
    ['uppercase IDN', 'MÜNCHEN.DE', ['xn--mnchen-3ya.de']],
    ['hosts 0.0.0.0', '0.0.0.0 coco.gg', ['coco.gg']],
    ['hosts 127.0.0.1', '127.0.0.1 coco.gg', ['coco.gg']],
    ['hosts with several names', '0.0.0.0 a.com b.com\tc.com', ['a.com', 'b.com', 'c.com']],
    ['hosts IPv6', '::1 coco.gg', ['coco.gg']],
    ['hosts with trailing comment', '0.0.0.0 coco.gg # blocked', ['coco.gg']],
    ['hosts localhost entries skipped', '127.0.0.1 localhost\n::1 ip6-localhost ip6-loopback\n0.0.0.0 0.0.0.0', []],
    ['hosts localhost.localdomain skipped', '127.0.0.1 localhost.localdomain broadcasthost', []],
    ['63-character label', `${'a'.repeat(63)}.com`, [`${'a'.repeat(63)}.com`]],
    ['253-character name', `${'a.'.repeat(125)}com`, [`${'a.'.repeat(125)}com`]],
    ['hash inside a name is not a comment', 'a.com#b', []],
    ['empty text', '', []],
    ['BOM before the first line', '\uFEFFcoco.gg', ['coco.gg']],
    ['wildcard means the name and its subdomains', '*.coco.gg', ['coco.gg']],
    ['adblock rule', '||coco.gg^', ['coco.gg']],
  ])('%s', (_label, text, expected) => {
    expect(parseDomainList(text).domains).toEqual(expected);
  });
});

describe('parseDomainList: refused lines are issues with 1-based line numbers', () => {
  it.each([
    ['single label (TLD)', 'ok.com\ncom', 2, /single-label/],
    ['single label with trailing dot', 'com.', 1, /single-label/],
    ['empty label', 'a..com', 1, /empty label/],
    ['leading dot', '.coco.gg', 1, /empty label/],
    ['label of 64 characters', `${'a'.repeat(64)}.com`, 1, /label longer than 63/],
    ['name of 254 characters', `${'a.'.repeat(125)}co.m`.padStart(254, 'a'), 1, /longer than 253|label longer/],
    ['invalid character', 'ok.com\n\nbad!name.com', 3, /invalid character "!"/],
    ['slash (a URL)', 'https://coco.gg/chat', 1, /invalid character/],
    ['wildcard inside a name', 'a.*.coco.gg', 1, /only supported as a leading/],
    ['bare IPv4 address', '1.2.3.4', 1, /IP address/],
    ['two names without an IP', 'a.com b.com', 1, /one domain a line/],
    ['hosts line with a bad name', '0.0.0.0 ok.com bad$.com', 1, /bad\$\.com.*invalid character/],
    ['adblock rule with a path', '||coco.gg/chat^', 1, /only \|\|domain\^/],
    ['cosmetic filter', 'coco.gg##.ad', 1, /cosmetic/],
    ['HTML', '<html><body>', 1, /invalid character/],
    ['bad IDN', 'xn--ü.com', 1, /internationalized/],
    ['over-long line', `${'a'.repeat(3000)}.com`, 1, /line longer than 2048/],
  ])('%s', (_label, text, line, message) => {
    const result = parseDomainList(text);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.line).toBe(line);
    expect(result.issues[0]?.message).toMatch(message);
    expect(result.invalid).toBe(1);
  });

  it('keeps the raw line text (without CR) in the issue', () => {
    const { issues } = parseDomainList('ok.com\r\nbad name here\r\n');
    expect(issues).toEqual([{ line: 2, text: 'bad name here', message: expect.any(String) }]);
  });

  it('counts lines, ignoring a final line break', () => {
    expect(parseDomainList('a.com\nb.com\n').lines).toBe(2);
    expect(parseDomainList('a.com\nb.com').lines).toBe(2);
    expect(parseDomainList('').lines).toBe(0);
  });

  it('honours maxLineLength and caps the issues it keeps', () => {
    expect(parseDomainList('abcdef.com', { maxLineLength: 5 }).issues[0]?.message).toMatch(/longer than 5/);
    expect(parseDomainList('@@||ok.com^\nx.com').allows).toEqual(['ok.com']);
    const junk = Array.from({ length: 50 }, () => 'bad!').join('\n');
    const result = parseDomainList(junk, { maxIssues: 10 });
    expect(result.issues).toHaveLength(10);
    expect(result.invalid).toBe(50);
  });

  it('never throws on arbitrary bytes', () => {
    const junk = Array.from({ length: 2000 }, (_, i) => String.fromCharCode(i % 0x3000)).join('');
    expect(() => parseDomainList(junk + '\n' + junk.split('').reverse().join(''))).not.toThrow();
  });

  it('parses 1,000,000 lines quickly', () => {
    const lines: string[] = [];
    for (let i = 0; i < 1_000_000; i++) lines.push(`host${i}.example${i % 997}.com`);
    const text = lines.join('\n');
    const started = performance.now();
    const result = parseDomainList(text);
    const ms = performance.now() - started;
    expect(result.domains).toHaveLength(1_000_000);
    expect(ms).toBeLessThan(4000); // target well under 2 s; slack for a loaded CI machine
  });
});

describe('normalizeDomain', () => {
  it.each([
    ['Example.COM.', 'example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['com', { error: expect.stringMatching(/single-label/) }],
    ['', { error: 'empty name' }],
  ])('%j', (raw, expected) => {
    expect(normalizeDomain(raw)).toEqual(expected);
  });
});
