/**
 * The contract of the list parser (parse-list.ts implements it): what it reports, how rules come
 * out, and how a parse is fed in chunks. `feedInChunks` is the one loop that feeds it.
 */

/** One refused line, or a warning about a line that was kept with a change of meaning. */
export interface ParseIssue {
  /** 1-based line number in the input. */
  readonly line: number;
  /** The line as read (without its line break), cut to 200 bytes. */
  readonly text: string;
  readonly message: string;
}

/** The shape most rule lines of a file have; 'mixed' when no shape has 90 % of them. */
export type ListFormat = 'hosts' | 'domains' | 'wildcard' | 'adblock' | 'mixed' | 'empty';

/** Counts for one parsed list. */
export interface ListStats {
  readonly format: ListFormat;
  /** Lines read (a final line break does not start another line). */
  readonly lines: number;
  /** Block rules accepted (names; a hosts line may hold several; duplicates counted). */
  readonly rules: number;
  /** Allow rules accepted (`@@||domain^` exceptions). */
  readonly allows: number;
  /** Refused lines, all of them (may exceed the issues kept). */
  readonly invalid: number;
  /** Lines kept with a warning issue (an ignored adblock modifier). */
  readonly warnings: number;
  /** Accepted lines per shape, from which `format` is read. */
  readonly shapes: { readonly hosts: number; readonly domains: number; readonly wildcard: number; readonly adblock: number };
}

/** Receives each accepted rule as lower-case ASCII bytes `bytes[start, end)` (valid only during the call). */
export type RuleSink = (allow: boolean, bytes: Uint8Array, start: number, end: number) => void;

/** Limits of {@link createListParser}. */
export interface ParseListOptions {
  /** Longer lines (in bytes) are refused unread (minified HTML, binary junk). Default 2048. */
  readonly maxLineLength?: number;
  /** Issues kept; `invalid` and `warnings` still count all of them. Default 1000. */
  readonly maxIssues?: number;
  /** Stop once this many rules (block + allow) were accepted (for a quick "has a rule" check). */
  readonly stopAfterRules?: number;
}

/** A parse in progress, fed chunk by chunk (a file is read in pieces to keep memory flat). */
export interface ListParser {
  /**
   * Parses the complete lines of `bytes[0, end)`; with `final` the last line needs no line break.
   * @returns bytes consumed: the caller keeps `bytes[consumed, end)` (a partial line) and feeds it
   * again, followed by more input.
   */
  feed(bytes: Uint8Array, end: number, final: boolean): number;
  /** True once `stopAfterRules` was reached: further input is ignored. */
  readonly done: boolean;
  finish(): { stats: ListStats; issues: ParseIssue[] };
}

/**
 * Feeds `parser` from `read` until the input or the parser is done. `read(buf, offset, length)`
 * fills `buf[offset, offset + length)` and returns the bytes it wrote, 0 at the end; a partial last
 * line is carried to the front of `buf` for the next read (so `buf` must hold the longest line).
 */
export function feedInChunks(parser: ListParser, buf: Uint8Array, read: (buf: Uint8Array, offset: number, length: number) => number): void {
  let kept = 0;
  while (!parser.done) {
    const n = read(buf, kept, buf.length - kept);
    const end = kept + n;
    const consumed = parser.feed(buf, end, n === 0);
    if (n === 0) break;
    buf.copyWithin(0, consumed, end);
    kept = end - consumed;
  }
}
