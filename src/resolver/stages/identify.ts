/**
 * identify: which device asked, and so which policy applies. Sets `q.requester` once; later
 * stages (block, safe-search) and the record stage read it.
 *
 * Where the device comes from, most specific first:
 *  1. the EDNS0 MAC option (dnsmasq `add-mac`) and a full-length EDNS0 client subnet (RFC 7871)
 *     — only from trusted relays (the router), and only the options a relay check showed that
 *     relay strips from its clients' own queries (src/devices/relay-check.ts): anyone else, or a
 *     relay that passes a client's option through, could make the child's laptop pass for the TV;
 *  2. the kernel neighbour table (devices on the same link), cached off the query path;
 *  3. the source address.
 *
 * The relay check's own queries (a random label under relay-check.vigie.invalid, sent by Vigie
 * through the relay) are answered here, NXDOMAIN, after handing their options to the checker:
 * this is the stage that reads options, and they must not become devices.
 */
import { readClientOptions } from '../../devices/edns-client-options.js';
import { Trust } from '../../devices/relay-check.js';
import type { PolicyHolder } from '../../policy/snapshot.js';
import { localNxdomain } from '../answers.js';
import type { Requester, Stage } from '../types.js';

const NO_OPTIONS = new Uint8Array(0);

export interface IdentifyDeps {
  readonly policy: PolicyHolder;
  /** Which EDNS0 options from this address are believed ({@link Trust} bits); 0 for clients. */
  readonly trustOf: (ip: string) => number;
  /** The relay check: recognises its query names and takes the options that arrived. */
  readonly relayCheck?: { isCheckName(name: string): boolean; arrived(name: string, options: Uint8Array): void };
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
      const edns = q.edns;
      if (deps.relayCheck?.isCheckName(q.name)) {
        deps.relayCheck.arrived(q.name, edns?.options ?? NO_OPTIONS);
        return localNxdomain(q);
      }
      let ip = q.client.ip;
      let mac: string | null = null;
      const trust = edns !== null && edns.options.length > 0 ? deps.trustOf(ip) : Trust.NONE;
      if (trust !== Trust.NONE) {
        const options = readClientOptions(edns!.options);
        if ((trust & Trust.MAC) !== 0) mac = options.mac;
        // A /32 or /128 subnet names one device; a shorter one (privacy-preserving) does not.
        const subnet = options.subnet;
        if ((trust & Trust.SUBNET) !== 0 && subnet !== null && subnet.sourcePrefix === (subnet.family === 4 ? 32 : 128)) ip = subnet.address;
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
