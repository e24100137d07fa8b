/**
 * The relay check's latest states, kept in config.db (`settings`, key `relay_check`) by the running
 * server so the overview page and `vigie doctor` (another process) can say which relay passes
 * devices' own MAC / subnet options through. Read back through zod.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { RelayState } from './relay-check.js';
import { readSettingJson, writeSettingJson } from './setting-json.js';

const KEY = 'relay_check';
const verdict = z.enum(['unchecked', 'strips', 'passes']);

const statusSchema = z.object({
  at: z.number().int(),
  port: z.number().int(),
  relays: z.array(z.object({
    relay: z.string(), mac: verdict, subnet: verdict, checkedAt: z.number().int().nullable(), error: z.string().nullable(),
  })).max(100),
  /** Trusted CIDR ranges: a range cannot be checked, so its options are not believed. */
  ranges: z.array(z.string()).max(100),
});

/** The stored states and when they were written (ms since the epoch). */
export type RelayCheckStatus = z.infer<typeof statusSchema>;

/** Stores the states. */
export function saveRelayCheckStatus(db: Database.Database, status: { at: number; port: number; relays: readonly RelayState[]; ranges: readonly string[] }): void {
  writeSettingJson(db, KEY, status);
}

/** The stored states, or null (none yet, or unreadable). */
export function readRelayCheckStatus(db: Database.Database): RelayCheckStatus | null {
  return readSettingJson(db, KEY, statusSchema);
}

/** The relays whose options are not (all) believed, with what to do; English, for the log and doctor. */
export function relayProblems(status: RelayCheckStatus): Array<{ relay: string; message: string; fix: string }> {
  const out: Array<{ relay: string; message: string; fix: string }> = [];
  for (const r of status.relays) {
    const passed = [r.mac === 'passes' ? 'MAC (add-mac)' : null, r.subnet === 'passes' ? 'client subnet (add-subnet)' : null].filter((x) => x !== null);
    if (passed.length > 0) {
      out.push({
        relay: r.relay,
        message: `relay ${r.relay} passes a device's own ${passed.join(' and ')} option through, so a device could pass for another: Vigie does not believe ${passed.length > 1 ? 'them' : 'it'} from this relay`,
        fix: `on the relay's dnsmasq add ${[r.mac === 'passes' ? 'strip-mac' : null, r.subnet === 'passes' ? 'strip-subnet' : null].filter(Boolean).join(' and ')} (docs/router.md), or remove ${r.relay} from VIGIE_ROUTER / VIGIE_TRUSTED_FORWARDERS`,
      });
    } else if (r.mac === 'unchecked' || r.subnet === 'unchecked') {
      out.push({
        relay: r.relay,
        message: `relay ${r.relay} could not be checked yet${r.error ? ` (${r.error})` : ''}: its MAC / subnet options are not believed`,
        fix: `make sure ${r.relay} answers DNS on port ${status.port} (VIGIE_RELAY_PORT) and forwards to Vigie, or remove it from VIGIE_ROUTER / VIGIE_TRUSTED_FORWARDERS`,
      });
    }
  }
  for (const range of status.ranges) {
    out.push({ relay: range, message: `trusted forwarder ${range} is a range: Vigie cannot check it, so its MAC / subnet options are not believed`, fix: 'list each relay\'s own address in VIGIE_TRUSTED_FORWARDERS' });
  }
  return out;
}
