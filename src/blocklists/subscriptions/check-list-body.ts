/**
 * Why a downloaded blocklist body cannot be a list, or null if it may be one. Catches the usual
 * ways a "successful" download is not a list at all (AdGuard Home
 * `internal/filtering/rulelist/parser.go` rejects HTML the same way):
 * - empty (or only whitespace): loading it would unblock everything the list covered;
 * - an HTML page (a captive portal, a parked domain, a 200 error page): starts with `<!doctype`
 *   or `<html`, or has `<head>`/`<body>` within its first KB, case-insensitive;
 * - binary (a NUL byte in the first 64 KB): an archive, an image, a wrong file.
 *
 * TODO(#3): the lead dedupes this with the checker written in src/blocklists.
 */
export function checkListBody(bytes: Uint8Array): string | null {
  if (bytes.length === 0 || isBlank(bytes)) return 'the list is empty';
  const nulAt = bytes.subarray(0, 64 * 1024).indexOf(0);
  if (nulAt !== -1) return `the list looks binary (NUL byte at offset ${nulAt})`;
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '');
  if (/^\s*<(!doctype|html)/i.test(head) || /<(head|body)[\s>]/i.test(head)) return 'the download is an HTML page, not a list';
  return null;
}

function isBlank(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}
