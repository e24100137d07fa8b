/**
 * A shipped source's reviewed exclusions (lists/filters/<id>.txt), applied to each copy the
 * running Vigie downloads, exactly as scripts/import-sources.mjs applied them to the snapshot: the
 * entry equal to an excluded name is dropped, and only that entry (`fc2.com` excluded keeps the
 * list's `adult.fc2.com`). Without this a refresh of UT1's chat list would bring Teams back.
 */
import { readFileSync } from 'node:fs';
import { parseDomainList } from '../parse-domain-list.js';

/** The names of an exclusion file (`name  # reason` lines), or an empty set when it is missing. */
export function readExclusions(file: string): Set<string> {
  try {
    return new Set(parseDomainList(readFileSync(file, 'utf8')).domains);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw err;
  }
}

/**
 * `body` without the lines whose entry is an excluded name (plain `name`, hosts `0.0.0.0 name`,
 * or adblock `||name^`; case and a trailing dot ignored). Other lines are kept byte for byte.
 * Returns the body itself when nothing is excluded.
 */
export function applyExclusions(body: Uint8Array, excluded: ReadonlySet<string>): { body: Uint8Array; dropped: number } {
  if (excluded.size === 0) return { body, dropped: 0 };
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let dropped = 0;
  const kept = text.split('\n').filter((line) => {
    const entry = entryOf(line);
    if (entry === null || !excluded.has(entry)) return true;
    dropped++;
    return false;
  });
  return dropped === 0 ? { body, dropped } : { body: Buffer.from(kept.join('\n'), 'utf8'), dropped };
}

/** The name a list line blocks, lower-case, or null for comments and blank lines. */
function entryOf(line: string): string | null {
  const code = line.replace(/[#!].*$/, '').trim();
  if (code === '') return null;
  const adblock = /^\|\|([^\^/$]+)\^/.exec(code);
  const token = adblock ? adblock[1]! : code.split(/\s+/).pop()!;
  return token.toLowerCase().replace(/\.$/, '');
}
