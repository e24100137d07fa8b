/**
 * Domain names on the wire (RFC 1035 §3.1, §4.1.4), read with every length and pointer checked.
 * Names become lower-case strings without the trailing dot; bytes outside [a-z0-9-_*] are written
 * as \DDD (RFC 4343 escaping) so a hostile label can never smuggle a '.' or markup unescaped.
 */

/** Longest name on the wire, length octets included (RFC 1035 §3.1). */
export const MAX_NAME_WIRE = 255;
/** Compression pointers followed per name (RFC 9267 §2 advises a small bound; Unbound uses 256). */
export const MAX_POINTER_JUMPS = 64;

/** A name read from a buffer: its text and the offset just past it in the original stream. */
export interface ReadName {
  readonly name: string;
  readonly end: number;
}

function isPlain(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || c === 0x2a;
}

/** Text of one label buf[start, end), lower-cased and escaped. */
export function labelText(buf: Uint8Array, start: number, end: number): string {
  let plain = true;
  let upper = false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else if (!isPlain(c)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
    return upper ? text.toLowerCase() : text;
  }
  let out = '';
  for (let i = start; i < end; i++) {
    let c = buf[i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    out += isPlain(c) ? String.fromCharCode(c) : `\\${c.toString().padStart(3, '0')}`;
  }
  return out;
}

/** Scratch space for readPlainName: one name at a time, filled and decoded synchronously. */
const scratch = Buffer.allocUnsafe(MAX_NAME_WIRE);

/**
 * Reads an uncompressed name (a question's QNAME: a pointer there could only point into the
 * header). Returns null when a label type is reserved, a pointer appears, the name passes the end
 * of the buffer or is longer than 255 octets. The hot path of every query: plain names are copied
 * once into a scratch buffer (lower-cased, length octets turned into dots) and decoded in one call.
 */
export function readPlainName(buf: Uint8Array, offset: number): ReadName | null {
  let pos = offset;
  let out = 0;
  let plain = true;
  for (;;) {
    if (pos >= buf.length) return null;
    const len = buf[pos]!;
    if (len === 0) {
      pos += 1;
      break;
    }
    if (len > 63) return null;
    const start = pos + 1;
    const end = start + len;
    if (end > buf.length || end - offset > MAX_NAME_WIRE - 1) return null;
    if (out > 0) scratch[out++] = 0x2e;
    for (let i = start; i < end; i++) {
      let c = buf[i]!;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      else if (!isPlain(c)) plain = false;
      scratch[out++] = c;
    }
    pos = end;
  }
  if (plain) return { name: scratch.toString('latin1', 0, out), end: pos };
  return { name: escapedName(buf, offset), end: pos };
}

/** Slow path of readPlainName for names with bytes outside [a-z0-9-_*]: label by label, escaped. */
function escapedName(buf: Uint8Array, offset: number): string {
  let pos = offset;
  let name = '';
  for (let len = buf[pos]!; len !== 0; len = buf[pos]!) {
    const label = labelText(buf, pos + 1, pos + 1 + len);
    name = name === '' ? label : `${name}.${label}`;
    pos += len + 1;
  }
  return name;
}

/**
 * Reads a possibly compressed name. Pointers must point strictly backwards (before the position
 * where the pointer itself sits), which rules out loops, and at most MAX_POINTER_JUMPS are followed.
 */
export function readName(buf: Uint8Array, offset: number): ReadName | null {
  let pos = offset;
  let end = -1;
  let jumps = 0;
  let wire = 1;
  let name = '';
  for (;;) {
    if (pos >= buf.length) return null;
    const len = buf[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length || ++jumps > MAX_POINTER_JUMPS) return null;
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= pos) return null;
      if (end < 0) end = pos + 2;
      pos = target;
      continue;
    }
    if (len > 63) return null;
    const start = pos + 1;
    const stop = start + len;
    wire += len + 1;
    if (stop > buf.length || wire > MAX_NAME_WIRE) return null;
    name = name === '' ? labelText(buf, start, stop) : `${name}.${labelText(buf, start, stop)}`;
    pos = stop;
  }
  return { name, end };
}

/** Offset just past a possibly compressed name without decoding it, or -1 if malformed. */
export function skipName(buf: Uint8Array, offset: number): number {
  let pos = offset;
  for (;;) {
    if (pos >= buf.length) return -1;
    const len = buf[pos]!;
    if (len === 0) return pos + 1;
    if ((len & 0xc0) === 0xc0) return pos + 2 <= buf.length ? pos + 2 : -1;
    if (len > 63) return -1;
    pos += len + 1;
    // Labels so far plus the root octet still to come must fit in 255 octets.
    if (pos - offset + 1 > MAX_NAME_WIRE) return -1;
  }
}

/**
 * Wire form of a name given as text ('' or '.' is the root). Accepts \DDD escapes as produced by
 * the readers. Throws RangeError on an empty or over-long label or an over-long name.
 */
export function encodeName(name: string): Buffer {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  if (trimmed === '') return Buffer.from([0]);
  const parts: number[] = [];
  for (const label of trimmed.split('.')) {
    const bytes = unescapeLabel(label);
    if (bytes.length === 0 || bytes.length > 63) throw new RangeError(`bad label length in ${name}`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > MAX_NAME_WIRE) throw new RangeError(`name too long: ${name}`);
  return Buffer.from(parts);
}

function unescapeLabel(label: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (c === 0x5c && /^\d{3}$/.test(label.slice(i + 1, i + 4))) {
      out.push(Number(label.slice(i + 1, i + 4)) & 0xff);
      i += 3;
    } else {
      out.push(c & 0xff);
    }
  }
  return out;
}

/**
 * Whether the names at offsets `a` and `b` are equal (case-insensitive, RFC 4343), following
 * compression pointers on both sides; false when either is malformed. Allocates nothing: it is
 * how a plain answer's owner is matched against the question name on every forwarded reply.
 */
export function sameNameAt(buf: Uint8Array, a: number, b: number): boolean {
  let jumps = 0;
  for (;;) {
    // Follow pointers (strictly backwards, bounded) until both sit on a label or the root.
    while (a < buf.length && (buf[a]! & 0xc0) === 0xc0) {
      if (a + 1 >= buf.length || ++jumps > MAX_POINTER_JUMPS) return false;
      const to = ((buf[a]! & 0x3f) << 8) | buf[a + 1]!;
      if (to >= a) return false;
      a = to;
    }
    while (b < buf.length && (buf[b]! & 0xc0) === 0xc0) {
      if (b + 1 >= buf.length || ++jumps > MAX_POINTER_JUMPS) return false;
      const to = ((buf[b]! & 0x3f) << 8) | buf[b + 1]!;
      if (to >= b) return false;
      b = to;
    }
    if (a >= buf.length || b >= buf.length) return false;
    const len = buf[a]!;
    if (len !== buf[b]! || len > 63) return false;
    if (len === 0) return true;
    if (a + 1 + len > buf.length || b + 1 + len > buf.length) return false;
    if (a !== b) {
      for (let i = 1; i <= len; i++) {
        let x = buf[a + i]!;
        let y = buf[b + i]!;
        if (x >= 0x41 && x <= 0x5a) x |= 0x20;
        if (y >= 0x41 && y <= 0x5a) y |= 0x20;
        if (x !== y) return false;
      }
    }
    a += len + 1;
    b += len + 1;
    // Each label step moves forward; a name longer than 255 octets on either side is malformed.
    if (++jumps > 2 * MAX_NAME_WIRE) return false;
  }
}
