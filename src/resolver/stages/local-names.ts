/**
 * localNames: names that must never be forwarded. localhost resolves to loopback (RFC 6761 §6.3);
 * .local is mDNS's (RFC 6762), .invalid never exists (RFC 6761 §6.4), .onion is Tor's (RFC 7686),
 * reverse lookups of private and loopback ranges stay home (RFC 6303), and resolver.arpa is
 * answered NXDOMAIN so devices cannot discover an encrypted resolver around the filter (RFC 9462).
 */
import { localhostAnswer, localNxdomain } from '../answers.js';
import type { Stage } from '../types.js';

const NXDOMAIN_ZONES = [
  'local',
  'invalid',
  'onion',
  'resolver.arpa',
  '10.in-addr.arpa',
  '127.in-addr.arpa',
  '254.169.in-addr.arpa',
  '168.192.in-addr.arpa',
  ...Array.from({ length: 16 }, (_, i) => `${16 + i}.172.in-addr.arpa`),
  'd.f.ip6.arpa',
  '8.e.f.ip6.arpa',
  '9.e.f.ip6.arpa',
  'a.e.f.ip6.arpa',
  'b.e.f.ip6.arpa',
  '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa',
];

function isUnder(name: string, zone: string): boolean {
  return name === zone || (name.length > zone.length && name.endsWith(zone) && name.charCodeAt(name.length - zone.length - 1) === 0x2e);
}

/** The zone in NXDOMAIN_ZONES that contains `name`, if any (exported for `vigie check`). */
export function localZoneOf(name: string): string | undefined {
  if (isUnder(name, 'localhost')) return 'localhost';
  return NXDOMAIN_ZONES.find((zone) => isUnder(name, zone));
}

/** Creates the stage. */
export function createLocalNamesStage(): Stage {
  return {
    name: 'local-names',
    run(q, next) {
      const name = q.name;
      // Fast exit without allocating: every zone above ends in one of five last labels, told
      // apart by the name's last character.
      let tld: string;
      switch (name.charCodeAt(name.length - 1)) {
        case 0x61: tld = 'arpa'; break;
        case 0x6c: tld = 'local'; break;
        case 0x74: tld = 'localhost'; break;
        case 0x64: tld = 'invalid'; break;
        case 0x6e: tld = 'onion'; break;
        default: return next(q);
      }
      if (!name.endsWith(tld)) return next(q);
      const zone = localZoneOf(name);
      if (zone === undefined) return next(q);
      return zone === 'localhost' ? localhostAnswer(q) : localNxdomain(q);
    },
  };
}
