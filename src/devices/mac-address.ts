/**
 * MAC address text and bytes: one canonical form (`aa:bb:cc:dd:ee:ff`, lower case) for every
 * source that names a device by its hardware address (EDNS options, neighbour table, DHCP leases).
 */

// Separated forms must use one separator throughout ("aa:bb-cc…" is rejected).
const COLON_FORM = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;
const DASH_FORM = /^[0-9a-f]{2}(?:-[0-9a-f]{2}){5}$/i;
const DOT_FORM = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i;
const BARE_FORM = /^[0-9a-f]{12}$/i;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Canonical form of a MAC address written as `AA-BB-CC-DD-EE-FF`, `aa:bb:cc:dd:ee:ff`,
 * `aabb.ccdd.eeff` (Cisco) or `aabbccddeeff`, in any letter case, surrounding whitespace ignored.
 * Returns lower-case colon form (`aa:bb:cc:dd:ee:ff`), or null for anything else (including
 * one-digit groups, mixed separators and EUI-64). Never throws.
 */
export function normalizeMac(text: string): string | null {
  if (typeof text !== 'string' || text.length > 40) return null;
  const s = text.trim();
  let hex: string;
  if (s.length === 17 && (COLON_FORM.test(s) || DASH_FORM.test(s))) {
    hex = s.slice(0, 2) + s.slice(3, 5) + s.slice(6, 8) + s.slice(9, 11) + s.slice(12, 14) + s.slice(15, 17);
  } else if (s.length === 14 && DOT_FORM.test(s)) {
    hex = s.slice(0, 4) + s.slice(5, 9) + s.slice(10, 14);
  } else if (s.length === 12 && BARE_FORM.test(s)) {
    hex = s;
  } else {
    return null;
  }
  hex = hex.toLowerCase();
  return `${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
}

/** Canonical text of exactly 6 raw bytes (`aa:bb:cc:dd:ee:ff`); null for any other length. */
export function macFromBytes(bytes: Uint8Array): string | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 6) return null;
  return `${HEX[bytes[0]!]}:${HEX[bytes[1]!]}:${HEX[bytes[2]!]}:${HEX[bytes[3]!]}:${HEX[bytes[4]!]}:${HEX[bytes[5]!]}`;
}

/** First octet of a MAC in any accepted form, or -1 when it is not a MAC. */
function firstOctet(mac: string): number {
  const n = normalizeMac(mac);
  return n === null ? -1 : parseInt(n.slice(0, 2), 16);
}

/**
 * True when the address is locally administered (bit 0x02 of the first octet, IEEE 802 U/L bit):
 * what phones and laptops use as "private Wi-Fi address", often one per network and sometimes
 * rotated, so it identifies a device less durably than a burned-in address. False for non-MACs.
 */
export function isRandomizedMac(mac: string): boolean {
  const o = firstOctet(mac);
  return o >= 0 && (o & 0x02) !== 0;
}

/**
 * True when the address can name one device: a valid MAC that is not all zeros (what incomplete
 * neighbour entries and some tunnels show) and not group-addressed (multicast bit 0x01 of the
 * first octet, which also covers broadcast ff:ff:ff:ff:ff:ff).
 */
export function isUsableMac(mac: string): boolean {
  const n = normalizeMac(mac);
  if (n === null || n === '00:00:00:00:00:00') return false;
  return (parseInt(n.slice(0, 2), 16) & 0x01) === 0;
}
