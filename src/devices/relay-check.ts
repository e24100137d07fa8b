/**
 * Checks that each trusted relay (VIGIE_ROUTER, VIGIE_TRUSTED_FORWARDERS) strips the EDNS0 MAC
 * (65001, 65073) and client-subnet (8) options a device puts in its own query. dnsmasq keeps a
 * client's option rather than replacing it unless `strip-mac` / `strip-subnet` are set
 * (src/edns0.c: add_pseudoheader with replace == 0 returns early when the option is there), so a
 * child's laptop asking through a relay with `add-mac` alone can send the parents' phone's MAC
 * and get their profile.
 *
 * The check: Vigie sends the relay's DNS port a query for a random label under
 * {@link RELAY_CHECK_ZONE} carrying a fake MAC (both encodings) and a fake /32 subnet. The relay
 * forwards it to Vigie, whose identify stage hands the options that arrived to {@link
 * RelayChecker.arrived} and answers NXDOMAIN itself. A fake option that arrives unchanged means
 * the relay passes clients' options through: that option is not believed from that relay until a
 * later check sees it stripped or replaced. A relay never checked with success is not believed.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { QType } from '../dns/constants.js';
import { buildQuery } from '../dns/message-builder.js';
import { EdnsOption } from './edns-client-options.js';

/** Names under this zone are relay checks: answered by Vigie, never forwarded (RFC 6761 .invalid). */
export const RELAY_CHECK_ZONE = 'relay-check.vigie.invalid';
const SUFFIX = `.${RELAY_CHECK_ZONE}`;

/** Bits of {@link RelayChecker.trustOf}: which options of a relay are believed. */
export const Trust = { NONE: 0, MAC: 1, SUBNET: 2 } as const;

/** Per option: never seen checked, stripped or replaced by the relay, or passed through. */
export type OptionVerdict = 'unchecked' | 'strips' | 'passes';

/** What Vigie knows about one relay. */
export interface RelayState {
  readonly relay: string;
  readonly mac: OptionVerdict;
  readonly subnet: OptionVerdict;
  /** Last check that got an answer (ms), or null. */
  readonly checkedAt: number | null;
  /** Why the last check was inconclusive (no check query arrived), else null. */
  readonly error: string | null;
}

export interface RelayCheckerDeps {
  /** Single relay addresses to check (canonical text). */
  readonly relays: readonly string[];
  /** Their DNS port (VIGIE_RELAY_PORT). */
  readonly port: number;
  readonly clock: () => number;
  /** How long to wait for the check query to come back through the relay [3000 ms]. */
  readonly timeoutMs?: number;
  readonly random?: (size: number) => Buffer;
  /** Sends one UDP packet to host:port from a fresh socket; resolves to its closer (default: node:dgram). */
  readonly send?: (host: string, port: number, packet: Buffer) => Promise<() => void>;
  /** A relay's verdict changed (log it once, store it for the overview and `vigie doctor`). */
  readonly onChange?: (state: RelayState, states: readonly RelayState[]) => void;
}

export interface RelayChecker {
  /** Hot path: which options from `ip` are believed ({@link Trust} bits); 0 for anyone else. */
  trustOf(ip: string): number;
  /** True for names under {@link RELAY_CHECK_ZONE} (cheap suffix test). */
  isCheckName(name: string): boolean;
  /** The identify stage saw a check query: `options` is its raw OPT RDATA (empty when none). */
  arrived(name: string, options: Uint8Array): void;
  /** Checks every relay now (concurrently); never rejects. */
  checkAll(): Promise<void>;
  /** Ends the checks under way (inconclusive) and refuses new ones. */
  stop(): void;
  states(): RelayState[];
}

interface Fakes {
  readonly mac: Buffer;
  readonly macText: Buffer;
  readonly subnet: Buffer;
}

interface Pending {
  readonly fakes: Fakes;
  readonly settle: (options: Uint8Array | null) => void;
}

/** A locally administered unicast MAC, its text form, and a 192.0.2.x/32 ECS payload (RFC 5737). */
function makeFakes(random: (n: number) => Buffer): Fakes {
  const mac = random(6);
  mac[0] = (mac[0]! & 0xfc) | 0x02;
  const macText = Buffer.from([...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'), 'latin1');
  const subnet = Buffer.from([0, 1, 32, 0, 192, 0, 2, 1 + (random(1)[0]! % 254)]);
  return { mac, macText, subnet };
}

function option(code: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(code, 0);
  head.writeUInt16BE(data.length, 2);
  return Buffer.concat([head, data]);
}

/** The check query: name, then an OPT record holding the three fake options. */
export function buildCheckQuery(id: number, name: string, fakes: Fakes): Buffer {
  const options = Buffer.concat([
    option(EdnsOption.DNSMASQ_MAC, fakes.mac), option(EdnsOption.DNSMASQ_DEVICE_ID, fakes.macText), option(EdnsOption.CLIENT_SUBNET, fakes.subnet),
  ]);
  const base = buildQuery({ id, name, type: QType.A, edns: { udpSize: 1232, dnssecOk: false } });
  const out = Buffer.concat([base, options]);
  out.writeUInt16BE(options.length, base.length - 2); // the OPT record's RDLENGTH is its last field
  return out;
}

/** Whether any option `code` in raw OPT RDATA carries exactly `data`. */
function carries(options: Uint8Array, code: number, data: Buffer): boolean {
  for (let pos = 0; pos + 4 <= options.length;) {
    const c = (options[pos]! << 8) | options[pos + 1]!;
    const len = (options[pos + 2]! << 8) | options[pos + 3]!;
    const body = options.subarray(pos + 4, pos + 4 + len);
    if (c === code && data.equals(body)) return true;
    pos += 4 + len;
  }
  return false;
}

/** Kept open until the check ends, so the relay's reply is received (and ignored), not an ICMP error. */
async function sendUdp(host: string, port: number, packet: Buffer): Promise<() => void> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('error', () => {}); // an ICMP "port unreachable" must not crash the server
  socket.on('message', () => {}); // the relay's reply carries nothing the check needs
  socket.unref();
  const close = (): void => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  };
  try {
    await new Promise<void>((resolve, reject) => socket.send(packet, port, host, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    close();
    throw err;
  }
  return close;
}

/** Creates the checker; call checkAll() at start and then periodically. */
export function createRelayChecker(deps: RelayCheckerDeps): RelayChecker {
  const random = deps.random ?? randomBytes;
  const send = deps.send ?? sendUdp;
  const timeoutMs = deps.timeoutMs ?? 3_000;
  const states = new Map<string, RelayState>(deps.relays.map((relay) => [relay, { relay, mac: 'unchecked', subnet: 'unchecked', checkedAt: null, error: null }]));
  const trust = new Map<string, number>();
  const pending = new Map<string, Pending>();
  let stopped = false;

  const update = (next: RelayState): void => {
    const before = states.get(next.relay);
    states.set(next.relay, next);
    trust.set(next.relay, (next.mac === 'strips' ? Trust.MAC : 0) | (next.subnet === 'strips' ? Trust.SUBNET : 0));
    const changed = before?.mac !== next.mac || before?.subnet !== next.subnet || (before?.error === null) !== (next.error === null);
    if (changed) deps.onChange?.(next, [...states.values()]);
  };

  const check = async (relay: string): Promise<void> => {
    const label = random(12).toString('hex');
    const fakes = makeFakes(random);
    const arrivedOptions = new Promise<Uint8Array | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      timer.unref();
      pending.set(label, { fakes, settle: (o) => { clearTimeout(timer); resolve(o); } });
    });
    const previous = states.get(relay)!;
    let close = (): void => {};
    try {
      close = await send(relay, deps.port, buildCheckQuery(random(2).readUInt16BE(0), `${label}${SUFFIX}`, fakes));
    } catch (err) {
      pending.get(label)?.settle(null);
      pending.delete(label);
      update({ ...previous, error: `cannot send the check query: ${(err as Error).message}` });
      return;
    }
    const options = await arrivedOptions;
    close();
    pending.delete(label);
    if (stopped) return;
    if (options === null) {
      // Inconclusive (router restarting, port wrong): keep the last verdict.
      update({ ...previous, error: `no check query came back through ${relay} port ${deps.port} within ${timeoutMs} ms` });
      return;
    }
    const macPasses = carries(options, EdnsOption.DNSMASQ_MAC, fakes.mac) || carries(options, EdnsOption.DNSMASQ_DEVICE_ID, fakes.macText);
    const subnetPasses = carries(options, EdnsOption.CLIENT_SUBNET, fakes.subnet);
    update({ relay, mac: macPasses ? 'passes' : 'strips', subnet: subnetPasses ? 'passes' : 'strips', checkedAt: deps.clock(), error: null });
  };

  return {
    trustOf: (ip) => trust.get(ip) ?? Trust.NONE,
    isCheckName: (name) => name.endsWith(SUFFIX),
    arrived(name, options) {
      const label = name.slice(0, name.length - SUFFIX.length);
      pending.get(label)?.settle(Buffer.from(options));
    },
    async checkAll() {
      if (stopped) return;
      await Promise.all([...states.keys()].map((relay) => check(relay).catch(() => {})));
    },
    states: () => [...states.values()],
    stop() {
      stopped = true;
      for (const p of pending.values()) p.settle(null);
    },
  };
}
