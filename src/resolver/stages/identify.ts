/**
 * identify: which device asked, and so which policy applies. Sets `q.requester` once; later
 * stages (block, safe-search) and the record stage read it.
 *
 * Where the device comes from, most specific first:
 *  1. the EDNS0 MAC option (dnsmasq `add-mac`) and a full-length EDNS0 client subnet (RFC 7871)
 *     — only from trusted forwarders (the router): anyone else could claim to be the TV;
 *  2. the kernel neighbour table (devices on the same link), cached off the query path;
 *  3. the source address.
 */
import { readClientOptions } from '../../devices/edns-client-options.js';
import type { PolicyHolder } from '../../policy/snapshot.js';
import type { Requester, Stage } from '../types.js';

export interface IdentifyDeps {
  readonly policy: PolicyHolder;
  /** Whether EDNS0 MAC / client-subnet options from this address are believed. */
  readonly isTrustedForwarder: (ip: string) => boolean;
  /** MAC of an address from the cached neighbour table (no I/O), or null. */
  readonly macOf: (ip: string) => string | null;
  /**
   * Told about every query's device (batched by the device tracker; must not block).
   * `forwarded` is true when a trusted forwarder's EDNS0 options named the device.
   */
  readonly onSeen: (requester: Requester, mac: string | null, ip: string, now: number, forwarded: boolean) => void;
}

/** Creates the identify stage. */
export function createIdentifyStage(deps: IdentifyDeps): Stage {
  return {
    name: 'identify',
    run(q, next) {
      // Written without a per-query object: this runs for every query of the home.
      let ip = q.client.ip;
      let mac: string | null = null;
      const edns = q.edns;
      if (edns !== null && edns.options.length > 0 && deps.isTrustedForwarder(ip)) {
        const options = readClientOptions(edns.options);
        mac = options.mac;
        // A /32 or /128 subnet names one device; a shorter one (privacy-preserving) does not.
        const subnet = options.subnet;
        if (subnet !== null && subnet.sourcePrefix === (subnet.family === 4 ? 32 : 128)) ip = subnet.address;
      }
      const forwarded = mac !== null || ip !== q.client.ip;
      if (mac === null) mac = deps.macOf(ip);
      const requester = deps.policy.current().identify(ip, mac);
      q.requester = requester;
      deps.onSeen(requester, mac, ip, q.receivedAt, forwarded);
      return next(q);
    },
  };
}
