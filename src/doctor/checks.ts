/**
 * `vigie doctor`'s checks: each looks at one thing a parent cannot see (is DNS answered, are the
 * upstreams reachable, are the databases sound, are the lists fresh, is the clock sane, can
 * devices be told apart, is the admin page encrypted and with which certificate) and says what
 * to do in one sentence.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { subscriptionListsDir } from '../blocklists/subscriptions/list-files.js';
import { readShippedSources } from '../blocklists/subscriptions/shipped-sources.js';
import { shippedSourceStatus } from '../blocklists/subscriptions/source-status.js';
import { createSubscriptionStore, type Subscription } from '../blocklists/subscriptions/subscription-store.js';
import type { Config } from '../config.js';
import { ROUTER_PROXY_ADVICE } from '../devices/router-proxy-detector.js';
import { readRelayCheckStatus, relayProblems } from '../devices/relay-check-status.js';
import { readRouterProxyStatus } from '../devices/router-proxy-status.js';
import { LOG_DB_FILE } from '../main.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';
import { probeDns } from './dns-probe.js';
import { checkAdminHttps } from './https-check.js';

/** One finding. */
export interface Finding {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly message: string;
  /** What to do about it (absent when ok). */
  readonly fix?: string;
}

/** Subscriptions not refreshed for this long are stale. */
const STALE_LIST_MS = 3 * 24 * 60 * 60_000;
/** Shipped public lists (refreshed weekly) not refreshed for this long are stale: two missed weeks. */
const STALE_SHIPPED_MS = 14 * 24 * 60 * 60_000;
/** Below this many queries the verdict says nothing either way. */
const MIN_PROXY_QUERIES = 500;
/** A router-proxy verdict older than this is not reported. */
const PROXY_STATUS_MAX_AGE_MS = 24 * 60 * 60_000;

/** The address to reach our own server on (a wildcard listen address → loopback). */
function selfAddress(config: Config): string {
  const host = config.dns.hosts[0] ?? '0.0.0.0';
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/** Is Vigie (or anything) answering DNS where Vigie should? */
export async function checkDnsAnswers(config: Config): Promise<Finding> {
  const host = selfAddress(config);
  const result = await probeDns(host, config.dns.port, { name: 'localhost', type: 1 });
  if (result.ok) return { check: 'dns', status: 'ok', message: `DNS answers on ${host} port ${config.dns.port} (${result.ms} ms)` };
  return {
    check: 'dns', status: 'fail', message: `nothing answers DNS on ${host} port ${config.dns.port}: ${result.error}`,
    fix: 'start Vigie (`sudo npm start` or `systemctl start vigie`) and check its log; on Raspberry Pi OS, systemd-resolved may hold port 53 (see docs/install.md)',
  };
}

/** Does each upstream answer? */
export async function checkUpstreams(config: Config): Promise<Finding[]> {
  return Promise.all(config.upstreams.map(async (u): Promise<Finding> => {
    const label = `${u.transport}://${u.host.includes(':') ? `[${u.host}]` : u.host}:${u.port}`;
    const result = await probeDns(u.host, u.port, { timeoutMs: 2000 });
    if (result.ok && (result.rcode === 0 || result.rcode === 3)) return { check: 'upstream', status: 'ok', message: `upstream ${label} answers (${result.ms} ms)` };
    const why = result.ok ? `answers with RCODE ${result.rcode}` : result.error;
    return { check: 'upstream', status: 'warn', message: `upstream ${label}: ${why}`, fix: 'check the internet connection, or set VIGIE_UPSTREAMS to DNS servers that answer' };
  }));
}

/** Are both databases readable and sound (`quick_check`)? */
export function checkDatabases(config: Config): Finding[] {
  const findings: Finding[] = [];
  const logFile = join(config.dataDir, LOG_DB_FILE);
  if (existsSync(logFile)) {
    try {
      const db = new Database(logFile, { readonly: true, timeout: 2000 });
      const check: unknown = db.pragma('quick_check', { simple: true });
      db.close();
      findings.push(check === 'ok'
        ? { check: 'database', status: 'ok', message: `${LOG_DB_FILE} is sound` }
        : { check: 'database', status: 'warn', message: `${LOG_DB_FILE}: ${String(check)}`, fix: 'Vigie moves a damaged log aside and starts a new one at its next start; restart it' });
    } catch (err) {
      findings.push({ check: 'database', status: 'warn', message: `${LOG_DB_FILE}: ${(err as Error).message}`, fix: 'restart Vigie: a damaged log is moved aside and started anew' });
    }
  }
  try {
    openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) }).close();
    findings.push({ check: 'database', status: 'ok', message: `${CONFIG_DB_FILE} is sound` });
  } catch (err) {
    findings.push({ check: 'database', status: 'fail', message: (err as Error).message, fix: 'restore config.db from a backup (`vigie restore FILE`)' });
  }
  return findings;
}

/** Subscriptions refreshed recently and without error; the router-proxy verdict. */
export function checkSettings(config: Config, now: number): Finding[] {
  const file = join(config.dataDir, CONFIG_DB_FILE);
  let db: Database.Database;
  try {
    db = openConfigDatabase({ file });
  } catch {
    return []; // reported by checkDatabases
  }
  try {
    const findings: Finding[] = [];
    const subs = createSubscriptionStore({ db }).list();
    findings.push(...checkShippedLists(config, subs, now));
    for (const sub of subs.filter((s) => s.enabled && s.source === null)) {
      if (sub.lastSuccess === null || now - sub.lastSuccess > STALE_LIST_MS) {
        findings.push({ check: 'lists', status: 'warn', message: `list ${sub.url} not refreshed since ${sub.lastSuccess === null ? 'it was added' : new Date(sub.lastSuccess).toISOString()}${sub.lastError ? ` (${sub.lastError})` : ''}`, fix: 'run `vigie lists update`; if it keeps failing, remove the list or check its address' });
      }
    }
    const proxy = readRouterProxyStatus(db);
    if (proxy !== null && now - proxy.at <= PROXY_STATUS_MAX_AGE_MS && proxy.suspected) {
      findings.push({ check: 'devices', status: 'warn', message: `${Math.round(proxy.share * 100)}% of the last ${proxy.queries} queries came from ${proxy.ip ?? 'one address'}: devices cannot be told apart`, fix: ROUTER_PROXY_ADVICE });
    } else if (proxy !== null && now - proxy.at <= PROXY_STATUS_MAX_AGE_MS && proxy.queries >= MIN_PROXY_QUERIES) {
      findings.push({ check: 'devices', status: 'ok', message: `queries come from ${proxy.clients} addresses: devices can be told apart` });
    }
    findings.push(...checkRelays(db));
    if (findings.every((f) => f.check !== 'lists')) findings.push({ check: 'lists', status: 'ok', message: 'subscribed and shipped lists are fresh' });
    return findings;
  } finally {
    db.close();
  }
}

/**
 * The relay check of the running server (src/devices/relay-check.ts): a trusted relay that passes
 * a device's own MAC / subnet options through would let a device pass for another.
 */
export function checkRelays(db: Database.Database): Finding[] {
  const status = readRelayCheckStatus(db);
  if (status === null || (status.relays.length === 0 && status.ranges.length === 0)) return [];
  const problems = relayProblems(status);
  if (problems.length === 0) return [{ check: 'relays', status: 'ok', message: `trusted relays ${status.relays.map((r) => r.relay).join(', ')} strip devices' own MAC and subnet options` }];
  return problems.map((p) => ({ check: 'relays', status: 'warn', message: p.message, fix: p.fix }));
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The shipped public lists: a failed last refresh, or none that worked for two weeks, is a
 * warning naming the list, the copy still in use and what to do.
 */
export function checkShippedLists(config: Config, subs: readonly Subscription[], now: number): Finding[] {
  const findings: Finding[] = [];
  const off = config.listUpdates === 'off';
  for (const s of shippedSourceStatus(readShippedSources(config.listsDir), subs, subscriptionListsDir(config.dataDir))) {
    const sub = s.subscription;
    if (sub === null || !sub.enabled) continue; // the parents stopped its updates: the snapshot is what they chose
    const copy = s.inUse === 'kept-copy' ? `the copy of ${sub.lastSuccess === null ? 'an earlier day' : day(sub.lastSuccess)}` : `the shipped snapshot${s.shipped?.snapshotDate ? ` of ${s.shipped.snapshotDate}` : ''}`;
    if (sub.lastError !== null) {
      findings.push({
        check: 'lists', status: 'warn', message: `shipped list ${s.id}: its last refresh failed (${sub.lastError}); ${copy} stays in use`,
        fix: `check the internet connection, then run \`vigie lists update\`; if ${sub.url} keeps failing, \`vigie lists remove ${sub.id}\` stops trying (the shipped snapshot is used; a newer Vigie ships a newer one)`,
      });
      continue;
    }
    const since = sub.lastSuccess ?? sub.addedAt;
    if (now - since > STALE_SHIPPED_MS) {
      findings.push({
        check: 'lists', status: 'warn', message: `shipped list ${s.id} ${sub.lastSuccess === null ? 'has never been refreshed' : `was last refreshed on ${day(sub.lastSuccess)}`}; ${copy} is in use`,
        fix: off ? 'automatic list updates are off: set VIGIE_LIST_UPDATES=on, or run `vigie lists update` now and then' : 'is Vigie running and online? run `vigie lists update` and look at its error, if any',
      });
    }
  }
  return findings;
}

/** Is the clock plausible? (A Pi without a real-time clock starts in 1970 until NTP answers.) */
export function checkClock(now: number): Finding {
  const year = new Date(now).getUTCFullYear();
  if (year >= 2025 && year < 2100) return { check: 'clock', status: 'ok', message: `clock reads ${new Date(now).toISOString()}` };
  return { check: 'clock', status: 'fail', message: `clock reads ${new Date(now).toISOString()}: schedules and reports would be wrong`, fix: 'enable time sync (`timedatectl set-ntp true`) and let the device reach an NTP server' };
}

/** Runs every check. */
export async function runChecks(config: Config, now: number): Promise<Finding[]> {
  const [dns, upstreams, https] = await Promise.all([checkDnsAnswers(config), checkUpstreams(config), checkAdminHttps(config, now)]);
  return [dns, ...upstreams, ...checkDatabases(config), ...checkSettings(config, now), ...https, checkClock(now)];
}
