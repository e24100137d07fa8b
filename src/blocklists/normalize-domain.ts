/**
 * One rule name, checked and put in the form the matcher stores: lower-case ASCII (IDN in punycode),
 * no trailing dot, at least two labels.
 */
import { domainToASCII } from 'node:url';

/** Why a name was refused; `message` is written for a person reading a list file. */
export interface DomainError {
  readonly error: string;
}

/** Longest name in presentation form without the trailing dot (RFC 1035 §2.3.4: 255 octets on the wire). */
export const MAX_NAME_LENGTH = 253;
/** RFC 1035 §2.3.4. */
export const MAX_LABEL_LENGTH = 63;

const DOT = 46;

/** Returned by {@link findDomainProblem} when the range holds upper-case or non-ASCII characters. */
export const NEEDS_FOLDING = 'needs case folding or IDN conversion';

/**
 * The checks of {@link checkAsciiDomain} on `text[start, end)`, without creating a string (the
 * parser's fast path for a line that is already a valid name).
 * @returns null when acceptable, {@link NEEDS_FOLDING} for upper-case or non-ASCII input, else the reason.
 */
export function findDomainProblem(text: string, start: number, end: number): string | null {
  // One set of rules, kept in findDomainProblemBytes: non-ASCII input must be folded first anyway,
  // and ASCII text maps 1:1 to bytes.
  for (let i = start; i < end; i++) if (text.charCodeAt(i) > 127) return NEEDS_FOLDING;
  return findDomainProblemBytes(Buffer.from(text.slice(start, end), 'latin1'), 0, end - start);
}

/**
 * {@link findDomainProblem} on the bytes `bytes[start, end)` of a list file (UTF-8): the worker's
 * fast path, no string at all for a valid lower-case ASCII name.
 */
export function findDomainProblemBytes(bytes: Uint8Array, start: number, end: number): string | null {
  const n = end - start;
  if (n === 0) return 'empty name';
  if (n > MAX_NAME_LENGTH) return `name longer than ${MAX_NAME_LENGTH} characters`;
  let labelStart = start;
  let labels = 0;
  let digitsOnly = true;
  for (let i = start; i <= end; i++) {
    const c = i < end ? (bytes[i] as number) : DOT;
    if (c === DOT) {
      const len = i - labelStart;
      if (len === 0) return 'empty label (two dots in a row, or a leading dot)';
      if (len > MAX_LABEL_LENGTH) return `label longer than ${MAX_LABEL_LENGTH} characters`;
      labels++;
      labelStart = i + 1;
      if (i < end) digitsOnly = true;
    } else if ((c >= 97 && c <= 122) || c === 45 || c === 95) {
      digitsOnly = false;
    } else if (c < 48 || c > 57) {
      if ((c >= 65 && c <= 90) || c > 127) return NEEDS_FOLDING;
      if (c === 42) return 'a wildcard is only supported as a leading "*." (it covers every subdomain)';
      return `invalid character ${JSON.stringify(String.fromCharCode(c))}`;
    }
  }
  if (labels < 2) return 'single-label name: it would block a whole top-level domain';
  if (digitsOnly) return 'an IP address, not a domain name';
  return null;
}

/**
 * Checks a name that is already lower-case ASCII without a trailing dot.
 * Labels are 1-63 characters of [a-z0-9_-] (underscore is common in real host names, and RFC 2181 §11
 * allows any octet); the whole name is at most 253 characters. A single label (`com`) is refused:
 * as a rule it would block a whole TLD. A name whose last label is all digits is an IP address.
 * @returns `null` when the name is acceptable, otherwise the reason.
 */
export function checkAsciiDomain(name: string): string | null {
  const problem = findDomainProblem(name, 0, name.length);
  if (problem !== NEEDS_FOLDING) return problem;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127) return `invalid character ${JSON.stringify(name[i])} (expected lower-case ASCII)`;
  }
  return problem;
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return true;
  return false;
}

/**
 * Normalizes one rule name as written in a list: case-folded, one trailing dot removed, an
 * internationalized name converted to punycode (`node:url` domainToASCII, UTS #46), then checked
 * with {@link checkAsciiDomain}. Never throws.
 * @returns the normalized name, or a {@link DomainError} saying why it was refused.
 */
export function normalizeDomain(raw: string): string | DomainError {
  let name = raw.charCodeAt(raw.length - 1) === DOT ? raw.slice(0, -1) : raw;
  if (hasNonAscii(name)) {
    const ascii = domainToASCII(name);
    if (ascii === '') return { error: 'invalid internationalized name (IDN to punycode conversion failed)' };
    name = ascii;
  } else {
    name = name.toLowerCase();
  }
  const error = checkAsciiDomain(name);
  return error === null ? name : { error };
}
