/**
 * The contract every resolver stage shares: what a query is, what an answer is, how stages chain.
 * Nothing here does I/O; see pipeline.ts for the order and server.ts for the wire.
 */

/** A value or a promise of it: stages that answer synchronously (blocked, cache hit) skip a microtask. */
export type MaybePromise<T> = T | Promise<T>;

export type Transport = 'udp' | 'tcp';

/** Who sent the query, as seen on the socket. IPv4-mapped IPv6 addresses are already unmapped. */
export interface ClientInfo {
  readonly ip: string;
  readonly port: number;
  readonly transport: Transport;
}

/** The client's EDNS(0) OPT record (RFC 6891), if it sent one. */
export interface EdnsInfo {
  /** Requestor's UDP payload size, already clamped to at least 512. */
  readonly udpSize: number;
  readonly version: number;
  /** DO bit (RFC 3225). */
  readonly dnssecOk: boolean;
  /** Raw option bytes (code, length, data)*; validated to be well-formed. */
  readonly options: Buffer;
}

/** One parsed client query. Built by the strict wire reader; never seen when the packet was malformed. */
export interface DnsQuery {
  readonly id: number;
  /** Lower-case, no trailing dot, labels joined with '.'; '' is the root. Escaped: bytes outside
   *  [a-z0-9-_*] are written as \DDD so the string is printable and unambiguous. */
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  /** The header's flags word as received (RD, CD, ... are read from it). */
  readonly flags: number;
  /** The question section exactly as the client sent it (QNAME + QTYPE + QCLASS), case preserved. */
  readonly question: Buffer;
  readonly edns: EdnsInfo | null;
  readonly client: ClientInfo;
  /** Milliseconds since the epoch, from the injected clock, when the packet was read. */
  readonly receivedAt: number;
  /**
   * Who asked and what applies to them. Written once, by the identify stage (the only mutable
   * field: one slot instead of a copied query per packet); null/absent before it ran, in which
   * case later stages use the default profile.
   */
  requester?: Requester | null;
}

/**
 * The device behind a query and the policy that applies to it, as the identify stage found it
 * (built by the policy snapshot; see src/policy/). Immutable; one per device and snapshot.
 */
export interface Requester {
  /** Stable device id: `mac:aa:bb:cc:dd:ee:ff` or `ip:192.168.1.20` (what the log records). */
  readonly deviceId: string;
  /** What parents call it (their name, else the hostname, else the address). */
  readonly deviceName: string;
  readonly profileId: string;
  /** The decision for `name` at `now` (ms): override, schedule windows, profile lists and rules. */
  decide(name: string, now: number): BlockDecision | null;
  /** Whether search engines and YouTube are rewritten to their safe hosts at `now`. */
  isSafeSearchOn(now: number): boolean;
}

/** Why a name is blocked: enough for the log, `vigie check` and the admin page to say why. */
export interface BlockDecision {
  /** 'sinkhole': answer per block mode; 'nxdomain': always NXDOMAIN (bypass canaries). */
  readonly action: 'sinkhole' | 'nxdomain';
  readonly category: string;
  readonly list: string;
  readonly rule: string;
  /** The name that matched: the query name, or a CNAME target for CNAME inspection. */
  readonly matched: string;
  /** Why beyond the rule, for people: the schedule window or override in force. */
  readonly reason?: string;
}

export type Outcome =
  | 'blocked'
  | 'cached'
  | 'stale'
  | 'forwarded'
  | 'refused'
  | 'rate-limited'
  | 'servfail'
  | 'local';

/** Extended DNS Error (RFC 8914) to attach when the client speaks EDNS. */
export interface ExtendedError {
  readonly code: number;
  readonly text: string;
}

/**
 * A finished answer. `message` is a complete DNS message for this query (ID and question already
 * the client's) WITHOUT an OPT record; server.ts appends OPT/EDE when the client used EDNS and
 * applies the transport's size limit.
 */
export interface Resolution {
  readonly outcome: Outcome;
  readonly message: Buffer;
  readonly decision?: BlockDecision;
  readonly ede?: ExtendedError;
  /**
   * Names the answer leads to (lower-case): CNAME/DNAME targets, DNAME-synthesized names,
   * SVCB/HTTPS TargetNames; inspected by the block stage like the query name.
   */
  readonly cnames?: readonly string[];
}

/** Call the rest of the chain. */
export type Next = (q: DnsQuery) => MaybePromise<Resolution>;

/**
 * A stage answers (returns a Resolution) or delegates (returns next(q)); it may act after next.
 * Expected outcomes (blocked, cached, refused) are values; only failures throw.
 */
export interface Stage {
  readonly name: string;
  run(q: DnsQuery, next: Next): MaybePromise<Resolution>;
}

/** Injected wall clock (ms since the epoch). */
export type Clock = () => number;
