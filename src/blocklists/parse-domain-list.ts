/**
 * String front end of the list parser (parse-list.ts) for callers that want the rule names as
 * strings: the curated lists, never-block.txt, tests. Large lists go through compileList instead,
 * which never makes a string per rule.
 */
import type { ListFormat, ParseIssue, ParseListOptions } from './list-parser.js';
import { parseList } from './parse-list.js';

export type { ParseIssue } from './list-parser.js';

/** Limits for {@link parseDomainList}. */
export type ParseDomainListOptions = Pick<ParseListOptions, 'maxLineLength' | 'maxIssues'>;

/** What a list file held. */
export interface DomainListParse {
  /** Normalized block rule names, in file order; duplicates are kept (the matcher drops them). */
  readonly domains: string[];
  /** Normalized allow rule names (`@@||name^` exceptions), in file order. */
  readonly allows: string[];
  /** The first `maxIssues` refused lines and warnings. */
  readonly issues: ParseIssue[];
  /** Lines read (a final line break does not start another line). */
  readonly lines: number;
  /** Refused lines, all of them (may exceed `issues.length`). */
  readonly invalid: number;
  /** The detected format (see parse-list.ts). */
  readonly format: ListFormat;
}

/**
 * Parses a list text. Accepted per line: a domain (`coco.gg`, `Coco.GG.`, an IDN), a wildcard
 * (`*.coco.gg`, same meaning), a hosts line (`0.0.0.0 a.com b.com`, `127.0.0.1 x`, `::1 y`;
 * localhost-style names skipped), adblock `||coco.gg^` (modifiers ignored with a warning) and
 * `@@||coco.gg^` exceptions (in `allows`), `#` and `!` comment lines, a trailing `# comment` after
 * whitespace, blank lines, CRLF, BOM. A refused line is a {@link ParseIssue}; never throws.
 */
export function parseDomainList(text: string, opts: ParseDomainListOptions = {}): DomainListParse {
  const domains: string[] = [];
  const allows: string[] = [];
  const input = Buffer.from(text, 'utf8');
  // Why: when the text is ASCII, byte offsets are string offsets, and a slice of `text` is far
  // cheaper than decoding the bytes again (a folded name arrives in the parser's scratch buffer).
  const isAscii = input.length === text.length;
  const { stats, issues } = parseList(input, (allow, bytes, start, end) => {
    const name = isAscii && bytes === input ? text.slice(start, end) : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
    (allow ? allows : domains).push(name);
  }, opts);
  return { domains, allows, issues, lines: stats.lines, invalid: stats.invalid, format: stats.format };
}
