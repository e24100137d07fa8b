/**
 * Byte-level list parser: hosts, plain domains, `*.` wildcards and adblock-style `||domain^` /
 * `@@||domain^` rules, detected per file. Works on the file's bytes so a valid lower-case ASCII line
 * costs no string at all (the worker feeds the names straight into a DomainSet builder). A bad line
 * becomes a ParseIssue with its 1-based line number (AdGuard rulelist/parser.go, Blocky
 * parsers/parser.go); nothing in a list, however broken, makes this throw.
 */
import { isIP } from 'node:net';
import type { ListFormat, ListParser, ListStats, ParseIssue, ParseListOptions, RuleSink } from './list-parser.js';
import { findDomainProblemBytes, NEEDS_FOLDING, normalizeDomain } from './normalize-domain.js';

export type { ListFormat, ListParser, ListStats, ParseIssue, ParseListOptions, RuleSink } from './list-parser.js';

const LF = 10;
const CR = 13;
const HASH = 35;
const BANG = 33;
const DOT = 46;
const STAR = 42;
const AT = 64;
const PIPE = 124;
const CARET = 94;
const DOLLAR = 36;
const BRACKET = 91;
const MAX_ISSUE_TEXT = 200;
const ONE_PER_LINE = 'one domain a line expected (or a hosts line starting with an IP address)';

/** Host names that hosts files map to loopback for the system itself: skipped, not issues. */
const HOSTS_SELF_NAMES = new Set([
  'localhost', 'localhost.localdomain', 'local', 'broadcasthost', 'ip6-localhost', 'ip6-loopback',
  'ip6-localnet', 'ip6-mcastprefix', 'ip6-allnodes', 'ip6-allrouters', 'ip6-allhosts', '0.0.0.0',
]);
const SINKHOLES = ['0.0.0.0', '127.0.0.1', '::', '::1'].map((a) => Buffer.from(a, 'latin1'));
const SELF_NAME_BYTES = [...HOSTS_SELF_NAMES].map((a) => Buffer.from(a, 'latin1'));

/** bytes[s, e) equals `word`, ignoring ASCII case when `fold` (no string made: runs per line). */
function bytesEqual(bytes: Uint8Array, s: number, e: number, word: Uint8Array, fold: boolean): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = bytes[s + k] as number;
    if ((fold && c >= 65 && c <= 90 ? c | 0x20 : c) !== word[k]) return false;
  }
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === CR || c === 11 || c === 12;
}

/** A byte that can be part of a name before normalization (letters, digits, `.-_`, UTF-8). */
function isNameByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === DOT || c === 45 || c === 95 || (c >= 65 && c <= 90) || c >= 128;
}

/** Starts a parse; see {@link ListParser}. */
export function createListParser(sink: RuleSink, opts: ParseListOptions = {}): ListParser {
  const maxLineLength = opts.maxLineLength ?? 2048;
  const maxIssues = opts.maxIssues ?? 1000;
  const stopAfter = opts.stopAfterRules ?? Infinity;
  const utf8 = new TextDecoder('utf-8');
  const scratch = new Uint8Array(256);
  const issues: ParseIssue[] = [];
  const shapes = { hosts: 0, domains: 0, wildcard: 0, adblock: 0 };
  let lines = 0;
  let rules = 0;
  let allows = 0;
  let invalid = 0;
  let warnings = 0;
  let skipping = false; // inside an over-long line whose start was already reported
  let done = false;
  let b: Uint8Array = scratch; // the chunk being parsed
  let sawWildcard = false;
  let warning: string | null = null;

  const latin1 = (s: number, e: number): string => Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
  const issue = (lineIndex: number, s: number, e: number, message: string): void => {
    if (issues.length >= maxIssues) return;
    if (e > s && b[e - 1] === CR) e--;
    issues.push({ line: lineIndex + 1, text: utf8.decode(b.subarray(s, Math.min(e, s + MAX_ISSUE_TEXT))), message });
  };

  /** Accepts the name at b[s, e); returns the reason when refused. */
  const addName = (s: number, e: number, allow: boolean): string | null => {
    if (e - s > 2 && b[s] === STAR && b[s + 1] === DOT) {
      s += 2; // `*.example.com` means example.com and its subdomains: what every rule means here
      sawWildcard = true;
    }
    if (e - s > 1 && b[e - 1] === DOT) e--;
    let problem = findDomainProblemBytes(b, s, e);
    if (problem === NEEDS_FOLDING) {
      const name = normalizeDomain(utf8.decode(b.subarray(s, e)));
      if (typeof name !== 'string') return name.error;
      for (let k = 0; k < name.length; k++) scratch[k] = name.charCodeAt(k);
      sink(allow, scratch, 0, name.length);
      problem = null;
    } else if (problem === null) {
      sink(allow, b, s, e);
    } else {
      return problem;
    }
    if (allow) allows++;
    else rules++;
    return null;
  };

  /** `||name^`, `||name^$mods`, `@@||name^` from b[s, e) (after the `||`). */
  const adblock = (s: number, e: number, allow: boolean): string | null => {
    let j = s;
    while (j < e && isNameByte(b[j] as number)) j++;
    const nameEnd = j;
    if (j < e && b[j] === CARET) j++;
    if (j < e && b[j] === PIPE) j++;
    let modifiers: string | null = null;
    if (j < e && b[j] === DOLLAR) {
      modifiers = latin1(j, e);
      j = e;
    }
    if (j !== e || nameEnd === s) return 'only ||domain^ adblock rules are supported (no paths, patterns or regular expressions)';
    if (modifiers !== null) {
      // Why refuse: an exception narrowed by a modifier ($client, $dnstype...) would unblock the name
      // for everyone; a block rule with one is kept, wider than written, which fails safe.
      if (allow) return `exception with modifier ${modifiers} refused (modifiers are not supported)`;
      warning = `modifier ${modifiers} ignored: the rule blocks the name for every device`;
    }
    return addName(s, nameEnd, allow);
  };

  /** A hosts-file address: the usual sinkholes by bytes, anything else through net.isIP. */
  const isAddress = (s: number, e: number): boolean => {
    for (const a of SINKHOLES) if (bytesEqual(b, s, e, a, false)) return true;
    return e - s <= 45 && isIP(latin1(s, e)) !== 0;
  };

  const isSelfName = (s: number, e: number): boolean => {
    if (e - s > 21) return false;
    const c = (b[s] as number) | 0x20;
    if (c !== 108 /* l */ && c !== 98 /* b */ && c !== 105 /* i */ && c !== 48 /* 0 */) return false;
    for (const a of SELF_NAME_BYTES) if (bytesEqual(b, s, e, a, true)) return true;
    return false;
  };

  const tokenEnd = (i: number, e: number): number => {
    while (i < e && !isSpace(b[i] as number)) i++;
    return i;
  };
  const skipSpace = (i: number, e: number): number => {
    while (i < e && isSpace(b[i] as number)) i++;
    return i;
  };

  const hostsLine = (i: number, e: number): string | null => {
    let problem: string | null = null;
    while (i < e && b[i] !== HASH) {
      const t = tokenEnd(i, e);
      if (!isSelfName(i, t)) {
        const refused = addName(i, t, false);
        if (refused !== null) problem ??= `${JSON.stringify(utf8.decode(b.subarray(i, Math.min(t, i + 80))))}: ${refused}`;
      }
      i = skipSpace(t, e);
    }
    return problem;
  };

  /** One line b[s, e): adds its rules, counts its shape; returns the first problem, or null. */
  const parseLine = (s: number, e: number): string | null => {
    let i = skipSpace(s, e);
    while (e > i && isSpace(b[e - 1] as number)) e--;
    if (i === e) return null;
    const first = b[i] as number;
    if (first === HASH || first === BANG || first === BRACKET) return null; // `[Adblock Plus 2.0]`
    sawWildcard = false;
    const second = i + 1 < e ? (b[i + 1] as number) : 0;
    if ((first === PIPE && second === PIPE) || (first === AT && second === AT)) {
      const allow = first === AT;
      if (allow && !(b[i + 2] === PIPE && b[i + 3] === PIPE)) return 'only @@||domain^ exception rules are supported';
      const problem = adblock(i + (allow ? 4 : 2), e, allow);
      if (problem === null) shapes.adblock++;
      return problem;
    }
    const firstEnd = tokenEnd(i, e);
    const next = skipSpace(firstEnd, e);
    if (next === e || b[next] === HASH) {
      for (let k = i; k < firstEnd - 1; k++) {
        if (b[k] === HASH && (b[k + 1] === HASH || b[k + 1] === AT || b[k + 1] === 63 /* ? */)) return 'cosmetic (element hiding) rules are not supported';
      }
      const problem = addName(i, firstEnd, false);
      if (problem === null) shapes[sawWildcard ? 'wildcard' : 'domains']++;
      return problem;
    }
    if (!isAddress(i, firstEnd)) return ONE_PER_LINE;
    const problem = hostsLine(next, e);
    if (problem === null) shapes.hosts++;
    return problem;
  };

  const line = (s: number, e: number): void => {
    if (lines === 0 && e - s >= 3 && b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3; // BOM
    warning = null;
    const problem = e - s > maxLineLength ? `line longer than ${maxLineLength} bytes` : parseLine(s, e);
    if (problem !== null) {
      invalid++;
      issue(lines, s, e, problem);
    } else if (warning !== null) {
      warnings++;
      issue(lines, s, e, warning);
    }
    lines++;
    if (rules + allows >= stopAfter) done = true;
  };

  return {
    get done() {
      return done;
    },
    feed(bytes, end, final) {
      b = bytes;
      let pos = 0;
      if (skipping) {
        const nl = bytes.indexOf(LF);
        if (nl < 0 || nl >= end) return end;
        skipping = false;
        pos = nl + 1;
      }
      while (pos < end && !done) {
        let nl = bytes.indexOf(LF, pos);
        if (nl < 0 || nl >= end) {
          if (!final) {
            if (end - pos <= maxLineLength) return pos;
            line(pos, pos + maxLineLength + 1); // reported now; the rest is skipped up to its LF
            skipping = true;
            return end;
          }
          nl = end;
        }
        line(pos, nl);
        pos = nl + 1;
      }
      return end;
    },
    finish() {
      return { stats: { format: formatOf(shapes), lines, rules, allows, invalid, warnings, shapes: { ...shapes } }, issues };
    },
  };
}

function formatOf(shapes: ListStats['shapes']): ListFormat {
  const entries = Object.entries(shapes) as Array<[keyof ListStats['shapes'], number]>;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return 'empty';
  const [top, n] = entries.reduce((a, c) => (c[1] > a[1] ? c : a));
  return n >= total * 0.9 ? top : 'mixed';
}

/** Parses a whole list held in memory; see {@link createListParser}. */
export function parseList(bytes: Uint8Array, sink: RuleSink, opts: ParseListOptions = {}): { stats: ListStats; issues: ParseIssue[] } {
  const parser = createListParser(sink, opts);
  parser.feed(bytes, bytes.length, true);
  return parser.finish();
}
