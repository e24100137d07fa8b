/**
 * Reads a domain list file: plain domains or hosts format, with comments. A bad line becomes a
 * ParseIssue with its 1-based line number (AdGuard rulelist/parser.go, Blocky parsers/parser.go);
 * nothing in a list, however broken, makes this throw.
 */
import { isIP } from 'node:net';
import { findDomainProblem, NEEDS_FOLDING, normalizeDomain } from './normalize-domain.js';

/** One refused line. */
export interface ParseIssue {
  /** 1-based line number in the input text. */
  readonly line: number;
  /** The line as read (without its line break), cut to 200 characters. */
  readonly text: string;
  readonly message: string;
}

/** Limits for {@link parseDomainList}. */
export interface ParseDomainListOptions {
  /** Longer lines are refused unread (minified HTML, binary junk). Default 2048. */
  readonly maxLineLength?: number;
  /** Issues kept in `issues`; `invalid` still counts all of them. Default 1000. */
  readonly maxIssues?: number;
}

/** What a list file held. */
export interface DomainListParse {
  /** Normalized rule names, in file order; duplicates are kept (the matcher drops them). */
  readonly domains: string[];
  /** The first `maxIssues` refused lines. */
  readonly issues: ParseIssue[];
  /** Lines read (a final line break does not start another line). */
  readonly lines: number;
  /** Refused lines, all of them (may exceed `issues.length`). */
  readonly invalid: number;
}

/** Host names that hosts files map to loopback for the system itself: skipped, not issues. */
const HOSTS_SELF_NAMES = new Set([
  'localhost', 'localhost.localdomain', 'local', 'broadcasthost', 'ip6-localhost', 'ip6-loopback',
  'ip6-localnet', 'ip6-mcastprefix', 'ip6-allnodes', 'ip6-allrouters', 'ip6-allhosts', '0.0.0.0',
]);

const HASH = 35;
const BANG = 33;
const DOT = 46;
const MAX_ISSUE_TEXT = 200;

/** Space, tab, CR, BOM and the other characters String.prototype.trim removes. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 0xfeff || c === 0xa0 ||
    (c >= 0x2000 && (c <= 0x200a || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000)) ||
    c === 0x1680;
}

/** Accepts one rule name found at text[start, end); returns the reason when refused. */
type AddName = (start: number, end: number) => string | null;

/**
 * Parses a list text. Accepted per line: a domain (`coco.gg`, `Coco.GG.`, an IDN), a hosts line
 * (`0.0.0.0 a.com b.com`, `127.0.0.1 x`, `::1 y`; localhost-style names skipped), `#` and `!` comment
 * lines, a trailing `# comment` after whitespace (`a.com##.ad` is not a comment), blank lines, CRLF
 * and surrounding whitespace. Each name is normalized like {@link normalizeDomain}; a refused name or
 * line is a {@link ParseIssue}. Works on index ranges so a valid lower-case line costs one slice.
 */
export function parseDomainList(text: string, opts: ParseDomainListOptions = {}): DomainListParse {
  const maxLineLength = opts.maxLineLength ?? 2048;
  const maxIssues = opts.maxIssues ?? 1000;
  const domains: string[] = [];
  const issues: ParseIssue[] = [];
  let invalid = 0;
  let lines = 0;

  const addName: AddName = (start, end) => {
    if (end - start > 1 && text.charCodeAt(end - 1) === DOT) end--;
    const problem = findDomainProblem(text, start, end);
    if (problem === null) {
      domains.push(text.slice(start, end));
      return null;
    }
    if (problem !== NEEDS_FOLDING) return problem;
    const name = normalizeDomain(text.slice(start, end));
    if (typeof name !== 'string') return name.error;
    domains.push(name);
    return null;
  };

  for (let lineStart = 0; lineStart < text.length; lines++) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const problem = lineEnd - lineStart > maxLineLength
      ? `line longer than ${maxLineLength} characters`
      : parseLine(text, lineStart, lineEnd, addName);
    if (problem !== null) {
      invalid++;
      if (issues.length < maxIssues) issues.push(issueAt(text, lines, lineStart, lineEnd, problem));
    }
    lineStart = lineEnd + 1;
  }
  return { domains, issues, lines, invalid };
}

function issueAt(text: string, index: number, start: number, end: number, message: string): ParseIssue {
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { line: index + 1, text: text.slice(start, Math.min(end, start + MAX_ISSUE_TEXT)), message };
}

/** A hosts-file name for the system itself (`localhost`, `ip6-allnodes`...); cheap test first. */
function isSelfName(text: string, start: number, end: number): boolean {
  if (end - start > 21) return false;
  const c = text.charCodeAt(start) | 0x20;
  if (c !== 108 /* l */ && c !== 98 /* b */ && c !== 105 /* i */ && c !== 48 /* 0 */) return false;
  return HOSTS_SELF_NAMES.has(text.slice(start, end).toLowerCase());
}

/** `0.0.0.0` or `127.0.0.1` at text[start, end), the usual hosts-file prefixes (skips net.isIP). */
function isSinkholeAddress(text: string, start: number, end: number): boolean {
  const len = end - start;
  return (len === 7 && text.startsWith('0.0.0.0', start)) || (len === 9 && text.startsWith('127.0.0.1', start));
}

/** End of the whitespace-free token starting at `i`. */
function tokenEnd(text: string, i: number, end: number): number {
  while (i < end && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

function skipSpace(text: string, i: number, end: number): number {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** One line text[start, end): adds its names; returns the first problem, or null. */
function parseLine(text: string, start: number, end: number, addName: AddName): string | null {
  let i = skipSpace(text, start, end);
  if (i === end) return null;
  const first = text.charCodeAt(i);
  if (first === HASH || first === BANG) return null;
  const firstEnd = tokenEnd(text, i, end);
  const next = skipSpace(text, firstEnd, end);
  if (next === end || text.charCodeAt(next) === HASH) return addName(i, firstEnd);
  if (!isSinkholeAddress(text, i, firstEnd) && isIP(text.slice(i, firstEnd)) === 0) return 'one domain a line expected (or a hosts line starting with an IP address)';
  let problem: string | null = null;
  for (i = next; i < end && text.charCodeAt(i) !== HASH; i = skipSpace(text, i, end)) {
    const e = tokenEnd(text, i, end);
    if (!isSelfName(text, i, e)) {
      const refused = addName(i, e);
      if (refused !== null) problem ??= `${JSON.stringify(text.slice(i, Math.min(e, i + 80)))}: ${refused}`;
    }
    i = e;
  }
  return problem;
}
