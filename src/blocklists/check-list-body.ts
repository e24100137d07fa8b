/** Content check for a downloaded list body, before it is parsed (design §3). */
import { parseList } from './parse-list.js';

/**
 * Checks a downloaded body before it replaces a list (AdGuard rulelist/parser.go): a login or
 * error page, a binary file or an empty answer must not wipe the list that worked.
 * @returns why the body is not a list (HTML page, binary, empty or without a single rule), or null.
 */
export function checkListBody(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'empty body';
  if (bytes.indexOf(0) >= 0) return 'binary content (NUL bytes), not a text list';
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1').toLowerCase();
  const start = head.replace(/^\u00ef\u00bb\u00bf/, '').trimStart(); // UTF-8 BOM read as latin1
  if (start.startsWith('<!doctype') || start.startsWith('<html') || /<head[\s>]|<body[\s>]/.test(head)) {
    return 'an HTML page, not a list (a login or error page?)';
  }
  const { stats } = parseList(bytes, () => {}, { stopAfterRules: 1, maxIssues: 0 });
  return stats.rules + stats.allows === 0 ? 'no rule in the body (only comments, blank or invalid lines)' : null;
}
