/**
 * ISC dhcpd's leases file (dhcpd.leases(5)): a journal of `lease <ip> { … }` blocks where a later
 * block for the same address replaces the earlier one. Only what names a device is read:
 * `hardware ethernet`, `client-hostname`, `ends` and `binding state`.
 */
import { normalizeMac } from './mac-address.js';
import { normalizeIp } from './ip-text.js';
import { sanitizeHostname } from './hostname.js';
import type { DhcpLease } from './dhcp-lease-parsers.js';

type Token = { readonly kind: 'word' | 'string' | '{' | '}' | ';'; readonly text: string };

/** Tokens read per file: bounds the work a garbage file can cause. */
const MAX_TOKENS = 2_000_000;

/** Words, quoted strings (backslash escapes kept verbatim), braces and semicolons; `#` comments dropped. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length && out.length < MAX_TOKENS) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '}' || c === ';') {
      out.push({ kind: c, text: c });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out.push({ kind: 'string', text: text.slice(i + 1, Math.min(j, text.length)) });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !' \t\r\n#{};"'.includes(text[j]!)) j++;
      out.push({ kind: 'word', text: text.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** `ends 4 2026/11/26 10:00:00` (UTC), `ends epoch 1795687200`, `ends never` → ms or null. */
function readEnds(words: readonly string[]): number | null {
  if (words[1] === 'epoch' && /^\d{1,12}$/.test(words[2] ?? '')) return Number(words[2]) * 1000;
  const date = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/.exec(words[2] ?? '');
  const time = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(words[3] ?? '');
  if (!date || !time) return null;
  const [y, mo, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const [h, mi, s] = [Number(time[1]), Number(time[2]), Number(time[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

interface Block {
  mac: string | null;
  hostname: string | null;
  expiresAt: number | null;
  state: string | null;
}

/** Reads one statement (the tokens up to `;`) of a lease block into `b`. */
function applyStatement(b: Block, st: readonly Token[]): void {
  const words = st.map((t) => t.text);
  if (words[0] === 'hardware' && words[1] === 'ethernet') b.mac = normalizeMac(words[2] ?? '');
  else if (words[0] === 'client-hostname' && st[1]?.kind === 'string') b.hostname = sanitizeHostname(words[1]);
  else if (words[0] === 'ends') b.expiresAt = readEnds(words);
  else if (words[0] === 'binding' && words[1] === 'state') b.state = words[2] ?? null;
}

/**
 * Active leases of an ISC dhcpd.leases text, the last block per address winning (a later
 * `free`/`expired`/`released` block removes the address). Blocks without a valid address or
 * Ethernet MAC are skipped; nested blocks and other declarations are ignored. Never throws.
 */
export function parseIscLeases(text: string): DhcpLease[] {
  const tokens = tokenize(text);
  const byIp = new Map<string, DhcpLease>();
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const isLease = t.kind === 'word' && t.text === 'lease' && tokens[i + 1]?.kind === 'word' && tokens[i + 2]?.kind === '{';
    if (!isLease) {
      i++;
      continue;
    }
    const ip = normalizeIp(tokens[i + 1]!.text);
    const b: Block = { mac: null, hostname: null, expiresAt: null, state: null };
    let depth = 1;
    let st: Token[] = [];
    for (i += 3; i < tokens.length && depth > 0; i++) {
      const k = tokens[i]!.kind;
      if (k === '{' || k === '}') {
        depth += k === '{' ? 1 : -1;
        st = []; // a nested block (`on commit { … }`) ends the statement that opened it
      } else if (depth === 1 && k === ';') {
        applyStatement(b, st);
        st = [];
      } else if (depth === 1) st.push(tokens[i]!);
    }
    if (ip === null) continue;
    if (b.mac !== null && (b.state === null || b.state === 'active')) {
      byIp.set(ip, { mac: b.mac, ip, hostname: b.hostname, expiresAt: b.expiresAt });
    } else {
      byIp.delete(ip);
    }
  }
  return [...byIp.values()];
}
