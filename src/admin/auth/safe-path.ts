/**
 * Redirect targets that come from the request (`next` after login, `back` after a language
 * switch) must stay on this site: only a relative path is accepted. `//evil.example`,
 * `/\evil.example` (browsers read a backslash as a slash), `https://evil.example` and anything
 * with control characters are refused, which closes the open redirect.
 */

/** `input` when it is a same-site relative path (normalised), else null. */
export function safeRelativePath(input: unknown): string | null {
  if (typeof input !== 'string' || input.length === 0 || input.length > 1000) return null;
  if (!input.startsWith('/') || input.startsWith('//') || input.includes('\\')) return null;
  // Control characters (tabs and newlines are stripped by URL parsers, so `/\t/evil` would become `//evil`).
  if (/[\u0000-\u001f\u007f]/.test(input)) return null;
  try {
    const base = 'http://vigie.invalid';
    const url = new URL(input, base);
    if (url.origin !== base) return null;
    const path = url.pathname + url.search;
    return path.startsWith('//') ? null : path;
  } catch {
    return null;
  }
}

// Pages that make no sense as a destination after login (loops or actions).
const NOT_AFTER_LOGIN = new Set(['/login', '/setup', '/logout', '/lang']);

/** Where to go after login: a safe relative path that is not an auth page, else null. */
export function safeNextPath(input: unknown): string | null {
  const path = safeRelativePath(input);
  if (path === null) return null;
  const pathname = path.split('?')[0] ?? '';
  return NOT_AFTER_LOGIN.has(pathname) || pathname.startsWith('/assets/') ? null : path;
}
