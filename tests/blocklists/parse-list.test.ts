import { describe, expect, it } from 'vitest';
import { checkListBody } from '../../src/blocklists/check-list-body.js';
import { createListParser, parseList, type ListFormat } from '../../src/blocklists/parse-list.js';
import { feedInChunks } from '../../src/blocklists/list-parser.js';

type Collected = { block: string[]; allow: string[] };

function parse(text: string, opts = {}): ReturnType<typeof parseList> & Collected {
  const block: string[] = [];
  const allow: string[] = [];
  const result = parseList(Buffer.from(text, 'utf8'), (isAllow, bytes, s, e) => {
    (isAllow ? allow : block).push(Buffer.from(bytes.subarray(s, e)).toString('latin1'));
  }, opts);
  return { ...result, block, allow };
}

describe('parseList: formats detected per file', () => {
  it.each<[string, string, ListFormat, string[], string[]]>([
    ['hosts 0.0.0.0', '# hosts\n0.0.0.0 a.com b.com\n0.0.0.0 c.com\n', 'hosts', ['a.com', 'b.com', 'c.com'], []],
    ['hosts 127.0.0.1', '127.0.0.1 localhost\n127.0.0.1 x.org', 'hosts', ['x.org'], []],
    ['hosts ::', ':: a.com\n::1 b.com\n', 'hosts', ['a.com', 'b.com'], []],
    ['hosts other address', '10.0.0.1 a.com\nfe80::1 b.com', 'hosts', ['a.com', 'b.com'], []],
    ['plain domains', 'a.com\nB.COM.\n', 'domains', ['a.com', 'b.com'], []],
    ['wildcards', '*.a.com\n*.b.com\n', 'wildcard', ['a.com', 'b.com'], []],
    ['adblock', '! Title: x\n[Adblock Plus 2.0]\n||a.com^\n||b.com^|\n@@||ok.a.com^\n', 'adblock', ['a.com', 'b.com'], ['ok.a.com']],
    ['adblock without caret', '||a.com\n', 'adblock', ['a.com'], []],
    ['IDN in every format', 'münchen.de\n0.0.0.0 bücher.example\n||ÄÖ.de^\n', 'mixed', ['xn--mnchen-3ya.de', 'xn--bcher-kva.example', 'xn--4ca0b.de'], []],
    ['CRLF and trailing dots', '0.0.0.0 a.com.\r\n0.0.0.0 b.com\r\n', 'hosts', ['a.com', 'b.com'], []],
    ['comments only', '# a\n! b\n\n', 'empty', [], []],
    ['mixed shapes', 'a.com\n0.0.0.0 b.com\n||c.com^\n', 'mixed', ['a.com', 'b.com', 'c.com'], []],
  ])('%s', (_label, text, format, block, allow) => {
    const result = parse(text);
    expect(result.block).toEqual(block);
    expect(result.allow).toEqual(allow);
    expect(result.stats.format).toBe(format);
    expect(result.stats.rules).toBe(block.length);
    expect(result.stats.allows).toBe(allow.length);
    expect(result.stats.invalid).toBe(0);
  });

  it('counts lines, rules, allows and invalid lines', () => {
    const { stats } = parse('a.com\n@@||b.com^\nbad!\n0.0.0.0 c.com d.com\n');
    expect(stats).toMatchObject({ lines: 4, rules: 3, allows: 1, invalid: 1, warnings: 0 });
  });
});

describe('parseList: bad lines are issues with their 1-based line number', () => {
  it.each([
    ['adblock path', 'a.com\n||a.com/ads^', 2, /only \|\|domain\^/],
    ['adblock regex', '/ads[0-9]+/', 1, /invalid character/],
    ['adblock pattern', '||ads*.com^', 1, /only \|\|domain\^/],
    ['exception without ||', 'a.com\n\n@@a.com', 3, /only @@\|\|domain\^/],
    ['exception with a modifier', '@@||a.com^$client=1.2.3.4', 1, /exception with modifier/],
    ['cosmetic', 'a.com##.banner', 1, /cosmetic/],
    ['wildcard alone', '*.', 1, /only supported as a leading|invalid|empty/],
    ['wildcard in the middle', 'ads.*.com', 1, /only supported as a leading/],
    ['two names, no address', 'a.com b.com', 1, /one domain a line/],
    ['TLD only', '||com^', 1, /single-label/],
    ['IP address', '0.0.0.0', 1, /IP address/],
    ['hosts with a bad name', 'x.com\n0.0.0.0 ok.com b@d.com', 2, /b@d\.com.*invalid character/],
    ['HTML', '<!DOCTYPE html>', 1, /one domain a line/],
    ['HTML tag', '<html><body>', 1, /invalid character "<"/],
    ['bad IDN', 'xn--ü.com', 1, /internationalized/],
    ['over-long line', `a.com\n${'a'.repeat(3000)}.com`, 2, /longer than 2048/],
  ])('%s', (_label, text, line, message) => {
    const { issues, stats } = parse(text);
    expect(stats.invalid).toBe(1);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.line).toBe(line);
    expect(issues[0]?.message).toMatch(message);
  });

  it('keeps a block rule with a modifier, with a warning', () => {
    const result = parse('a.com\n||ads.com^$important,third-party\n');
    expect(result.block).toEqual(['a.com', 'ads.com']);
    expect(result.stats).toMatchObject({ invalid: 0, warnings: 1 });
    expect(result.issues).toEqual([{ line: 2, text: '||ads.com^$important,third-party', message: expect.stringMatching(/modifier \$important,third-party ignored/) }]);
  });

  it('gives the same result fed in pieces of any size (a file read in chunks)', () => {
    const text = Array.from({ length: 400 }, (_, i) => (i % 7 === 0 ? `bad!${i}` : i % 5 === 0 ? `0.0.0.0 h${i}.com x${i}.org` : `||n${i}.net^`)).join('\r\n') + `\n${'z'.repeat(5000)}\nlast.com`;
    const whole = parse(text);
    for (const chunk of [1, 7, 64, 3000]) {
      const block: string[] = [];
      const parser = createListParser((_a, b, s, e) => block.push(Buffer.from(b.subarray(s, e)).toString('latin1')));
      const bytes = Buffer.from(text);
      const buf = new Uint8Array(chunk + 3000);
      let pos = 0;
      feedInChunks(parser, buf, (into, offset, length) => {
        const n = Math.min(chunk, length, bytes.length - pos);
        into.set(bytes.subarray(pos, pos + n), offset);
        pos += n;
        return n;
      });
      const result = parser.finish();
      expect(block, `chunk ${chunk}`).toEqual(whole.block);
      expect(result.stats).toEqual(whole.stats);
      expect(result.issues.map((i) => [i.line, i.message])).toEqual(whole.issues.map((i) => [i.line, i.message]));
    }
  });

  it('never throws on random bytes', () => {
    const junk = new Uint8Array(100_000).map((_, i) => (i * 2654435761) >>> 24);
    expect(() => parseList(junk, () => {})).not.toThrow();
  });
});

describe('checkListBody', () => {
  const body = (s: string): Uint8Array => Buffer.from(s, 'utf8');
  it.each([
    ['doctype', '<!DOCTYPE html><html><body>login</body></html>', /HTML/],
    ['html tag after whitespace and BOM', '\uFEFF\n  <HTML lang="en">', /HTML/],
    ['body tag in the first KB', 'a.com\n<body class="x">', /HTML/],
    ['head tag', 'x\n<head>\n', /HTML/],
    ['empty', '', /empty/],
    ['comments only', '# nothing\n! here\n\n', /no rule/],
    ['only invalid lines', 'bad!\nalso bad!\n', /no rule/],
    ['binary', 'a.com\n\u0000\u0001', /binary/],
  ])('refuses %s', (_label, text, reason) => {
    expect(checkListBody(body(text))).toMatch(reason);
  });

  it.each([
    ['hosts', '# comment\n0.0.0.0 a.com\n'],
    ['domains', 'a.com\n'],
    ['adblock', '! x\n||a.com^\n'],
    ['only exceptions', '@@||a.com^\n'],
  ])('accepts %s', (_label, text) => {
    expect(checkListBody(body(text))).toBeNull();
  });
});
