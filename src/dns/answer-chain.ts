/**
 * The question's chain in an upstream reply: which names the answer leads to (for inspection by
 * the block stage) and which records lie outside it (to be scrubbed before a client sees them).
 *
 * The chain starts at the question name and grows by CNAME targets, by DNAME substitution
 * (RFC 6672 §2.2: a chain name under a DNAME owner maps to the same labels under its target, so
 * the synthesized name is known even when the upstream left the synthesized CNAME out) and by
 * the TargetName of SVCB/HTTPS AliasMode records (RFC 9460 §2.4.2). Names to inspect: every CNAME
 * and DNAME target, every synthesized name, and every SVCB/HTTPS TargetName ("." means the owner,
 * already in the chain). Kept records: answers owned by a chain name or by a DNAME owner that
 * produced one (the DNAME and its RRSIG); additional records owned by those or by an inspected
 * SVCB/HTTPS target. Anything else is out of chain: a stub might still believe it (an A record for
 * another name, possibly a blocked one), so it is dropped. The authority section is left as is.
 *
 * Slow path only: parseReply calls this when an answer is not plain (see its `simple` test), so
 * plain A/AAAA answers allocate nothing here.
 */
import { QType } from './constants.js';
import { readName } from './name-codec.js';

/** One record of a reply, owner decoded (slow path). */
export interface DecodedRecord {
  /** 0 answer, 1 authority, 2 additional. */
  readonly section: number;
  readonly owner: string;
  /** Offset of TYPE, just past the owner name. */
  readonly fixedAt: number;
  readonly type: number;
  readonly rdStart: number;
  readonly rdEnd: number;
}

/**
 * Every record after the question, owner decoded. For replies parseReply already walked (lengths
 * checked); names are re-read with every check.
 */
export function readRecords(buf: Uint8Array, start: number): DecodedRecord[] | string {
  const counts = [u16(buf, 6), u16(buf, 8), u16(buf, 10)];
  const out: DecodedRecord[] = [];
  let pos = start;
  for (let section = 0; section < 3; section++) {
    for (let i = 0; i < counts[section]!; i++) {
      const owner = readName(buf, pos);
      if (owner === null || owner.end + 10 > buf.length) return 'bad owner name';
      const rdStart = owner.end + 10;
      const rdEnd = rdStart + u16(buf, owner.end + 8);
      if (rdEnd > buf.length) return 'record past end';
      out.push({ section, owner: owner.name, fixedAt: owner.end, type: u16(buf, owner.end), rdStart, rdEnd });
      pos = rdEnd;
    }
  }
  return out;
}

function u16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

export interface ChainVerdict {
  /** Names the answer leads to, in first-seen order, without duplicates. */
  readonly names: string[];
  /**
   * One flag per record given: true when it is outside the chain and must be dropped (answer
   * and additional records only; authority records and OPT are never flagged).
   */
  readonly drop: boolean[];
}

/** Chain names at most (each DNAME may add one per chain name below it; bounded against blow-up). */
const MAX_CHAIN = 32;
/**
 * CNAME/DNAME/SVCB/HTTPS answer records at most; a reply with more is refused. Real answers have a
 * handful (resolvers stop following CNAMEs after about ten); the bound keeps the chain work of a
 * hostile reply at passes × records × chain ≤ 32 × 64 × 32 steps.
 */
const MAX_CHAIN_RECORDS = 64;

/** `name` with the `owner` suffix replaced by `target` (DNAME substitution), or null when not below it or too long. */
function substitute(name: string, owner: string, target: string): string | null {
  let prefix: string;
  if (owner === '') prefix = name;
  else if (name.length > owner.length && name.endsWith(owner) && name[name.length - owner.length - 1] === '.') prefix = name.slice(0, name.length - owner.length - 1);
  else return null;
  if (prefix === '') return null;
  const out = target === '' ? prefix : `${prefix}.${target}`;
  // A synthesized name over 255 octets is YXDOMAIN (RFC 6672 §2.2); text length + 2 ≥ wire length.
  return out.length + 2 > 255 ? null : out;
}

/** Works out the chain; returns a reason string when a target in RDATA is malformed. */
export function analyzeChain(buf: Uint8Array, qname: string, records: readonly DecodedRecord[]): ChainVerdict | string {
  const chain = new Set<string>([qname]);
  const dnameOwners = new Set<string>();
  const svcbTargets = new Set<string>();
  const names: string[] = [];
  const seen = new Set<string>();
  const inspect = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  const targets: Array<string | null> = [];
  let chainRecords = 0;
  for (const r of records) {
    let target: string | null = null;
    if (r.section === 0 && (r.type === QType.CNAME || r.type === QType.DNAME || r.type === QType.SVCB || r.type === QType.HTTPS)) {
      if (++chainRecords > MAX_CHAIN_RECORDS) return 'too many CNAME/DNAME/SVCB records';
      const at = r.type === QType.CNAME || r.type === QType.DNAME ? r.rdStart : r.rdStart + 2;
      const read = at < r.rdEnd ? readName(buf, at) : null;
      if (read === null || read.end > r.rdEnd || (at === r.rdStart && read.end !== r.rdEnd)) return `bad ${r.type === QType.CNAME ? 'CNAME' : r.type === QType.DNAME ? 'DNAME' : 'SVCB'} target`;
      target = read.name;
    }
    targets.push(target);
  }
  // Grow the chain until nothing changes: records may come in any order (RFC 2181 §5.1 puts no
  // order on them). Each pass adds at least one name or stops; the chain is capped.
  for (let changed = true; changed && chain.size < MAX_CHAIN; ) {
    changed = false;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const target = targets[i];
      if (target === null || target === undefined) continue;
      if (r.type === QType.DNAME) {
        // Names appended to the chain while iterating are visited too (Set iteration is live).
        for (const name of chain) {
          const synthesized = substitute(name, r.owner, target);
          if (synthesized === null) continue;
          dnameOwners.add(r.owner);
          inspect(target);
          inspect(synthesized);
          if (!chain.has(synthesized) && chain.size < MAX_CHAIN) {
            chain.add(synthesized);
            changed = true;
          }
        }
        continue;
      }
      if (!chain.has(r.owner)) continue;
      if (r.type === QType.CNAME) {
        inspect(target);
        if (!chain.has(target) && chain.size < MAX_CHAIN) {
          chain.add(target);
          changed = true;
        }
      } else if (target !== '') {
        // SVCB/HTTPS: "." names the owner itself (already in the chain); AliasMode (priority 0)
        // continues the chain at its target, ServiceMode only names where to connect.
        inspect(target);
        svcbTargets.add(target);
        const alias = ((buf[r.rdStart]! << 8) | buf[r.rdStart + 1]!) === 0;
        if (alias && !chain.has(target) && chain.size < MAX_CHAIN) {
          chain.add(target);
          changed = true;
        }
      }
    }
  }
  const drop = records.map(
    (r) => r.section !== 1 && r.type !== QType.OPT && !(chain.has(r.owner) || dnameOwners.has(r.owner) || (r.section === 2 && svcbTargets.has(r.owner))),
  );
  return { names, drop };
}
