/** DNS wire constants (RFC 1035, 6891, 8914) used across the resolver. */

export const HEADER_SIZE = 12;

/** Header flag bits in the 16-bit flags word. */
export const Flag = {
  QR: 0x8000,
  AA: 0x0400,
  TC: 0x0200,
  RD: 0x0100,
  RA: 0x0080,
  AD: 0x0020,
  CD: 0x0010,
} as const;

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended RCODE 16 (RFC 6891 §9): upper 8 bits travel in the OPT TTL. */
  BADVERS: 16,
} as const;

export const QType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  SVCB: 64,
  HTTPS: 65,
  ANY: 255,
} as const;

export const QClass = { IN: 1, CH: 3, ANY: 255 } as const;

/** Extended DNS Error codes (RFC 8914 §4). */
export const EdeCode = {
  OTHER: 0,
  STALE_ANSWER: 3,
  BLOCKED: 15,
  CENSORED: 16,
  FILTERED: 17,
  PROHIBITED: 18,
  NOT_READY: 14,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
} as const;

/** EDNS option code of Extended DNS Errors. */
export const OPTION_EDE = 15;

/** Largest UDP answer we send, whatever the client advertises (DNS Flag Day 2020). */
export const MAX_UDP_PAYLOAD = 1232;
/** UDP answer limit for clients without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_PAYLOAD = 512;

const TYPE_NAMES = new Map<number, string>(Object.entries(QType).map(([k, v]) => [v, k]));

/** 'A', 'AAAA', … or 'TYPE123' (RFC 3597 §5) for types we have no name for. */
export function typeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

/** Inverse of typeName; undefined for unknown names. */
export function typeFromName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = (QType as Record<string, number>)[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  return m ? Number(m[1]) : undefined;
}
