/**
 * `vigie check NAME --client IP [--mac MAC]`: the decision for one device at this minute, built
 * the way `vigie serve` builds it (lists + config.db → policy snapshot), with why: which device,
 * which profile, any override, the schedule windows active now, and every matching rule.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBlocklist } from '../blocklists/load-blocklist.js';
import type { Config } from '../config.js';
import { buildPolicySnapshot, deviceLabel } from '../policy/build-snapshot.js';
import type { Override, ScheduleWindow } from '../policy/model.js';
import { readPolicyInputs } from '../policy/read-policy.js';
import { describeWindow } from '../policy/schedule.js';
import type { BlockMode } from '../resolver/answers.js';
import type { BlockDecision } from '../resolver/types.js';
import { localZoneOf } from '../resolver/stages/local-names.js';
import { safeSearchTarget } from '../resolver/safe-search-hosts.js';
import type { AllowOrigin } from '../policy/profile-matchers.js';
import { OVERRIDE_TEXT } from './devices.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';
import { escapeForTerminal } from './lists.js';
import { formatTimeLeft } from './relative-time.js';

/** What a query for a name gets: the block answer, else answered locally or forwarded. */
export function answerFor(decision: BlockDecision | null, local: string | null, blockMode: BlockMode): string {
  if (decision === null) return local ? `answered locally (${local})` : 'forwarded upstream';
  return decision.action === 'nxdomain' || blockMode === 'nxdomain' ? 'NXDOMAIN' : blockMode === 'refused' ? 'REFUSED' : '0.0.0.0 / ::';
}

/** Everything `vigie check --client` reports (also its `--json` form). */
export interface ClientExplanation {
  readonly name: string;
  readonly client: { readonly ip: string; readonly mac: string | null };
  /** The known device the query would be matched to; null for an unknown device (default profile). */
  readonly device: { readonly id: string; readonly name: string; readonly profileId: string | null } | null;
  readonly profile: { readonly id: string; readonly name: string; readonly safeSearch: boolean; readonly isDefault: boolean };
  /** The device's override in force now, if any. */
  readonly override: Override | null;
  readonly windows: ReadonlyArray<ScheduleWindow & { readonly description: string }>;
  readonly blocked: boolean;
  readonly answer: string;
  readonly decision: BlockDecision | null;
  /** Every rule of the profile (with the windows active now) that matches, most specific first. */
  readonly matches: readonly BlockDecision[];
  /** The catalog service the name belongs to, if any. */
  readonly service: { readonly id: string; readonly name: string } | null;
  /** The allow rule that lets the name through (device, profile or everyone), if any. */
  readonly allowedBy: AllowOrigin | null;
  /** SafeSearch on and the name is a search engine: the host it is answered as, and its decision. */
  readonly safeSearch: { readonly target: string; readonly decision: BlockDecision | null } | null;
  readonly now: number;
}

/** Builds the policy from the lists and config.db (if any) and explains `name` for the client at `now`. */
export async function explainForClient(deps: { config: Config; name: string; ip: string; mac: string | null; now: number }): Promise<ClientExplanation> {
  const { config, name, ip, mac, now } = deps;
  const dbFile = join(config.dataDir, CONFIG_DB_FILE);
  const db = existsSync(dbFile) ? openConfigDatabase({ file: dbFile }) : null;
  const inputs = await (async () => {
    try {
      return readPolicyInputs({ config, db, loaded: await loadBlocklist(config, db), clock: () => now });
    } finally {
      db?.close();
    }
  })();
  const built = buildPolicySnapshot(inputs);
  const requester = built.identify(ip, mac);
  const device = inputs.devices.find((d) => d.id === requester.deviceId) ?? null;
  const compiled = (device === null ? undefined : built.deviceProfiles.get(device.id)) ?? built.profiles.get(requester.profileId) ?? built.defaultProfile;
  const override = device === null ? null : (built.overrides.get(device.id) ?? null);
  const decision = requester.decide(name, now);
  const service = inputs.loaded.services.serviceOf(name);
  // The server answers a search engine with its SafeSearch host: explain that host's fate too.
  const target = decision === null && requester.isSafeSearchOn(now) ? safeSearchTarget(name) : null;
  return {
    name,
    client: { ip, mac },
    device: device === null ? null : { id: device.id, name: deviceLabel(device), profileId: device.profileId },
    profile: { id: compiled.profile.id, name: compiled.profile.name, safeSearch: requester.isSafeSearchOn(now), isDefault: compiled === built.defaultProfile },
    override: override !== null && now < override.until ? override : null,
    windows: compiled.activeWindows(now).map((w) => ({ ...w, description: describeWindow(w, 'en') })),
    blocked: decision !== null,
    answer: answerFor(decision, localZoneOf(name) ?? null, config.blockMode),
    decision,
    matches: compiled.explain(name, now),
    service: service === null ? null : { id: service.id, name: service.name.en },
    allowedBy: decision === null ? compiled.allowedBy(name) : null,
    safeSearch: target === null || target === name ? null : { target, decision: requester.decide(target, now) },
    now,
  };
}

const describeMatch = (m: BlockDecision): string => `category ${m.category}, list ${m.list}, rule ${m.rule}`;

const SCOPE_TEXT: Readonly<Record<AllowOrigin['scope'], string>> = { device: "this device's own rule", profile: "the profile's rule", everyone: 'a rule for every device' };

/** "allowed by this device's own rule: service discord (discord.gg and its subdomains)". */
export function describeAllow(a: AllowOrigin): string {
  const rule = `${a.rule.name}${a.rule.subdomains ? ' and its subdomains' : ''}`;
  return `allowed by ${SCOPE_TEXT[a.scope]}: ${a.service === undefined ? rule : `service ${a.service} (${rule})`}`;
}

/** The explanation for people (see the file header); names from the network are escaped. */
export function formatClientExplanation(e: ClientExplanation): string {
  const lines: string[] = [];
  const who = e.client.mac === null ? e.client.ip : `${e.client.ip} / ${e.client.mac}`;
  lines.push(e.device === null ? `device: unknown device (${who}) → default profile` : `device: ${escapeForTerminal(e.device.name)} (${e.device.id})${e.device.profileId === null ? ' → default profile' : ''}`);
  lines.push(`profile: ${e.profile.id} "${escapeForTerminal(e.profile.name)}", SafeSearch ${e.profile.safeSearch ? 'on' : 'off'}`);
  const override = e.override === null ? 'none' : `${OVERRIDE_TEXT[e.override.kind]} by a parent, ${formatTimeLeft(e.override.until, e.now)}`;
  lines.push(`override: ${override}`);
  if (e.service !== null) lines.push(`service: ${escapeForTerminal(e.service.name)} (${e.service.id})`);
  if (e.windows.length === 0) lines.push('schedule: no window active now');
  else for (const w of e.windows) lines.push(`schedule: active now: window ${w.id}, ${escapeForTerminal(w.description)}`);
  if (e.decision === null) {
    lines.push(`${e.name}: not blocked — ${e.answer}${e.override === null || e.override.kind === 'block' ? '' : ` (${e.override.kind === 'pause' ? 'paused' : 'filtering off'})`}`);
    if (e.allowedBy !== null) lines.push(`  ${describeAllow(e.allowedBy)}`);
    if (e.safeSearch !== null) {
      const fate = e.safeSearch.decision === null ? 'not blocked' : `BLOCKED (${describeMatch(e.safeSearch.decision)})`;
      lines.push(`  SafeSearch: answered as ${e.safeSearch.target}, which is ${fate}`);
    }
  } else {
    lines.push(`${e.name}: BLOCKED — answer ${e.answer}`);
    lines.push(`  ${describeMatch(e.decision)}`);
    if (e.decision.reason !== undefined) lines.push(`  reason: ${escapeForTerminal(e.decision.reason)}`);
  }
  if (e.matches.length > 0) {
    lines.push(e.decision === null ? 'matching rules (not applied now):' : 'every matching rule:');
    for (const m of e.matches) lines.push(`  ${describeMatch(m)}${m.reason === undefined ? '' : ` (${escapeForTerminal(m.reason)})`}`);
  }
  return `${lines.join('\n')}\n`;
}
