/**
 * Composition root: config → store → lists → policy → resolver → DNS server. The only place that
 * knows every concrete piece; everything else gets its dependencies passed in. stop() undoes
 * start() in reverse order and flushes the blocked-attempt log last.
 */
import { join } from 'node:path';
import type { Config } from './config.js';
import type Database from 'better-sqlite3';
import type { LoadedCatalog } from './blocklists/load-catalog.js';
import { createDeviceIdentification, type DeviceIdentification } from './devices/device-identification.js';
import { createPolicyService, type PolicyService } from './policy/policy-service.js';
import { startAdmin, type RunningAdmin, type StartAdminDeps } from './admin/start-admin.js';
import { subscriptionListsDir, watchListsChanged, type ListsChangedWatcher } from './blocklists/subscriptions/list-files.js';
import { createRefresher, type Refresher } from './blocklists/subscriptions/refresher.js';
import { createSubscriptionStore } from './blocklists/subscriptions/subscription-store.js';
import { seedAtStart } from './blocklists/subscriptions/seed-sources.js';
import { CONFIG_DB_FILE, openConfigDatabase } from './store/config-database.js';
import type { Logger } from './log.js';
import { createCidrMatcher } from './net/cidr-matcher.js';
import type { PolicyHolder } from './policy/snapshot.js';
import { createAnswerCache, type AnswerCache } from './resolver/answer-cache.js';
import { createCounters, type ResolverCounters } from './resolver/counters.js';
import { buildPipeline } from './resolver/pipeline.js';
import { createRandomId } from './resolver/random-id.js';
import { createRateLimiter } from './resolver/rate-limiter.js';
import { createDnsServer, type DnsServer } from './resolver/server.js';
import { createBlockStage } from './resolver/stages/block.js';
import { createCacheStage } from './resolver/stages/cache.js';
import { createForwardStage } from './resolver/stages/forward.js';
import { createGuardStage } from './resolver/stages/guard.js';
import { createIdentifyStage } from './resolver/stages/identify.js';
import { createSafeSearchStage } from './resolver/stages/safe-search.js';
import { createLocalNamesStage } from './resolver/stages/local-names.js';
import { createRecordStage } from './resolver/stages/record.js';
import { createUpstreamClient, type UpstreamClient } from './resolver/upstream.js';
import { createSwappableUpstream } from './resolver/swappable-upstream.js';
import { formatUpstream, type Upstream } from './config-upstream.js';
import { createRuntimeSettingsStore, DEFAULT_RETENTION_DAYS } from './settings/runtime-settings.js';
import { createLogPruner } from './store/log-pruner.js';
import { createDailyCounter, type DailyCounter } from './report/daily-counter.js';
import { createAlerter, type Alerter } from './notify/alerts.js';
import { readEmailSettings } from './notify/email-settings.js';
import { createWeeklySender, type WeeklySender } from './notify/weekly-sender.js';
import { createReportRunner } from './report/generate-report.js';
import { createCounterPruner } from './report/prune-counters.js';
import { typeName } from './dns/constants.js';
import type { Clock } from './resolver/types.js';
import { createBlockedLog, type BlockedLog } from './store/blocked-log.js';
import { openDatabase } from './store/open-database.js';

/** How often buffered blocked attempts are written (one transaction each). */
export const BLOCKED_FLUSH_MS = 200;
/** Blocked attempts kept per flush (5,000 a second); more are dropped and counted (stats().dropped). */
export const BLOCKED_ROWS_PER_FLUSH = 1_000;

/** Name of the blocked-attempt database inside the data directory. */
export const LOG_DB_FILE = 'logs.db';

export interface VigieDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** A running Vigie: what tests and the CLI need to observe and stop it. */
export interface RunningVigie {
  readonly dns: DnsServer;
  readonly counters: ResolverCounters;
  readonly cache: AnswerCache;
  readonly policy: PolicyHolder;
  /** The live policy (snapshot with explanations, reload). */
  readonly policyService: PolicyService;
  readonly devices: DeviceIdentification;
  /** The admin page, or null when it could not start (no config.db, port taken: logged). */
  readonly admin: RunningAdmin | null;
  readonly upstream: UpstreamClient;
  readonly blockedLog: BlockedLog;
  /** Lookups per device and local day (flushed every minute). */
  readonly dailyCounter: DailyCounter;
  /** The lists as last loaded (replaced on every reload). */
  readonly catalog: LoadedCatalog;
  /** Reloads lists, custom rules, profiles, schedules, devices and overrides, and swaps the policy (what a change to the stamp does). */
  reloadLists(): Promise<void>;
  stop(): Promise<void>;
}

/** Opens config.db, or returns null (logged) when it cannot be read: DNS filtering goes on. */
function openSettings(config: Config, log: Logger): Database.Database | null {
  try {
    return openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE), logger: log.child({ module: 'config-db' }) });
  } catch (err) {
    log.error({ err }, 'config.db cannot be opened: subscriptions and custom rules are not applied; the shipped lists still are');
    return null;
  }
}

/** Starts every service; rejects (after undoing what started) if one fails. */
export async function startVigie(config: Config, deps: VigieDeps): Promise<RunningVigie> {
  const clock = deps.clock ?? Date.now;
  const log = deps.logger;
  const db = openDatabase({ file: join(config.dataDir, LOG_DB_FILE), logger: log.child({ module: 'store' }), clock });
  // Small, frequent transactions: a flush of n rows holds the event loop ~3.4 µs × n (measured),
  // so 5 flushes a second of at most BLOCKED_ROWS_PER_FLUSH rows keep each stall near 3 ms. A flood
  // of blocked queries (a script, a retry loop) cannot stall DNS or wear out an SD card: past
  // 5,000 rows a second the rest are counted, not written.
  const blockedLog = createBlockedLog({ db, clock, flushIntervalMs: BLOCKED_FLUSH_MS, maxBuffered: BLOCKED_ROWS_PER_FLUSH, logger: log.child({ module: 'blocked-log' }) });
  // Lookups per device and local day, for the weekly report (a map in memory, one upsert a minute).
  const dailyCounter = createDailyCounter({ db, clock, timeZone: config.tz, onError: (err) => log.warn({ err }, 'writing the daily counters failed') });
  const configDb = openSettings(config, log);
  // Shipped public lists become subscription rows (kept fresh), before the first list load.
  const sources = configDb === null ? null : seedAtStart({ config, db: configDb, clock, logger: log.child({ module: 'refresher' }) });
  let identification: DeviceIdentification | null = null;
  let admin: RunningAdmin | null = null;
  let alerting: Alerter | null = null;
  let closeReports = async (): Promise<void> => {};
  try {
    const counters = createCounters();
    const settings = configDb === null ? null : createRuntimeSettingsStore({ db: configDb, config });
    const upstreamFor = (servers: readonly Upstream[]): UpstreamClient => createUpstreamClient({
      servers,
      timeoutMs: config.limits.upstreamTimeoutMs,
      budgetMs: config.limits.resolveBudgetMs,
      clock,
      randomId: createRandomId(),
      counters,
    });
    let upstreamText = (settings?.current().upstreams ?? config.upstreams).map(formatUpstream).join(',');
    // Replaced when the parents change the upstreams in the admin settings (applied on rebuild).
    const upstream = createSwappableUpstream(upstreamFor(settings?.current().upstreams ?? config.upstreams), config.limits.resolveBudgetMs + 1000);
    const applyUpstreams = (): void => {
      const servers = settings?.current().upstreams ?? config.upstreams;
      const text = servers.map(formatUpstream).join(',');
      if (text === upstreamText) return;
      upstreamText = text;
      upstream.swap(upstreamFor(servers));
      log.info({ upstreams: text }, 'upstreams changed');
    };
    let refresher: Refresher | null = null;
    const onRebuilt = (): void => {
      applyUpstreams();
      // Subscriptions a restore or a sync brought in have no copy yet: fetch them now, not in a day.
      void refresher?.refreshMissing();
    };
    const policyService = await createPolicyService({ config, db: configDb, clock, logger: log.child({ module: 'policy' }), onRebuilt });
    const reloadLists = policyService.reload;
    const cache = createAnswerCache({ ...config.cache, clock });
    const dnsLog = log.child({ module: 'dns' });
    const alerter = configDb === null ? null : createAlerter({ clock, settings: () => readEmailSettings(configDb), logger: log.child({ module: 'alerts' }), timeZone: config.tz });
    alerting = alerter;
    const policy = policyService.holder;
    // A new device: rebuild so it shows with its name and any profile given meanwhile.
    const ids = createDeviceIdentification({ config, db: configDb, clock, logger: log.child({ module: 'devices' }), onNewDevices: () => void reloadLists() });
    identification = ids;
    const handler = buildPipeline({
      record: createRecordStage({
        counters,
        onBlocked: (q, d) => {
          blockedLog.add({
            time: q.receivedAt, client: q.client.ip, name: q.name, qtype: typeName(q.type), category: d.category, list: d.list, rule: d.rule,
            device: q.requester?.deviceId ?? `ip:${q.client.ip}`, profile: q.requester?.profileId ?? '',
          });
          // High-risk attempts may warn the parents at once (email / webhook, at most hourly per device).
          if (alerter?.watches(d.category)) alerter.onBlocked({ time: q.receivedAt, deviceId: q.requester?.deviceId ?? `ip:${q.client.ip}`, deviceName: q.requester?.deviceName ?? q.client.ip, category: d.category, name: q.name });
        },
        // The same device id as the blocked-attempt log, so counters and attempts match in the report.
        onQuery: (q, blocked) => dailyCounter.count(q.requester?.deviceId ?? `ip:${q.client.ip}`, blocked, q.receivedAt),
      }),
      guard: createGuardStage({
        isAllowedClient: createCidrMatcher(config.allowedClients),
        rateLimiter: createRateLimiter({ qps: config.limits.rateLimitQps, clock }),
        onRateLimited: (ip) => dnsLog.warn({ device: ip, reason: 'rate-limit' }, 'client over its query rate limit: answering REFUSED'),
        clock,
      }),
      identify: createIdentifyStage({ policy, ...ids }),
      localNames: createLocalNamesStage(),
      block: createBlockStage({ policy }),
      safeSearch: createSafeSearchStage(),
      cache: createCacheStage({ cache }),
      forward: createForwardStage({ upstream, counters, clock, maxInflight: config.limits.maxInflight, maxInflightPerClient: config.limits.maxInflightPerClient }),
    });
    const dns = createDnsServer({
      hosts: config.dns.hosts,
      port: config.dns.port,
      handler,
      clock,
      counters,
      tcp: {
        maxConnections: config.limits.tcpMaxConnections,
        maxPerClient: config.limits.tcpMaxPerClient,
        idleMs: config.limits.tcpIdleMs,
        messageMs: config.limits.tcpMessageMs,
      },
      warn: (msg, err) => dnsLog.warn({ err }, msg),
    });
    await dns.start().catch(async (err: unknown) => {
      await dns.stop();
      throw err;
    });
    blockedLog.start();
    ids.start();
    // Blocked attempts older than the retention (admin settings, default 90 days) go, in small batches.
    const pruner = createLogPruner({ db, clock, retentionDays: () => settings?.current().retentionDays ?? DEFAULT_RETENTION_DAYS, onError: (err) => log.warn({ err }, 'pruning the blocked-attempt log failed') });
    pruner.start();
    dailyCounter.start();
    // The weekly email (Sunday 18:00 by default), its report built in a worker thread.
    const reportRunner = createReportRunner();
    const weekly: WeeklySender | null = configDb === null ? null : createWeeklySender({
      db: configDb, clock, timeZone: config.tz, logger: log.child({ module: 'weekly-email' }),
      generate: (week, now) => reportRunner.generate({ logsFile: join(config.dataDir, LOG_DB_FILE), configFile: join(config.dataDir, CONFIG_DB_FILE), listsDir: config.listsDir, timeZone: config.tz, week, now }),
    });
    weekly?.start();
    closeReports = async () => {
      await weekly?.stop();
      await reportRunner.close();
    };
    const counterPruner = createCounterPruner({ db, clock, timeZone: config.tz, onError: (err) => log.warn({ err }, 'pruning the daily counters failed') });
    counterPruner.start();
    // `vigie lists` / `vigie rules` (and the refresher below) touch a stamp file: reload within ~2 s.
    const watcher: ListsChangedWatcher = watchListsChanged({ dataDir: config.dataDir, onChange: reloadLists, onError: (err) => log.warn({ err }, 'cannot watch the lists stamp') });
    // VIGIE_LIST_UPDATES=off: nothing is downloaded by itself (`vigie lists update` still works).
    refresher = configDb && config.listUpdates === 'on'
      ? createRefresher({ store: createSubscriptionStore({ db: configDb }), listsDir: subscriptionListsDir(config.dataDir), clock, onChange: () => void reloadLists(), logger: log.child({ module: 'refresher' }), ...sources?.refresherOptions })
      : null;
    refresher?.start();
    log.info({ listening: dns.addresses(), upstreams: upstream.health().map((h) => h.server) }, 'vigie is answering DNS');
    admin = await startAdminPage({ config, configDb, logsDb: db, clock, log, policy: policyService, counters, upstream });
    return {
      dns,
      counters,
      cache,
      policy,
      policyService,
      devices: ids,
      upstream,
      blockedLog,
      dailyCounter,
      get catalog() {
        return policyService.catalog;
      },
      reloadLists,
      admin,
      async stop() {
        await admin?.stop();
        watcher.stop();
        await refresher?.stop();
        await dns.stop();
        upstream.close();
        await ids.stop();
        await pruner.stop();
        await counterPruner.stop();
        dailyCounter.stop();
        alerter?.stop();
        await closeReports();
        await policyService.idle();
        blockedLog.stop();
        db.close();
        configDb?.close();
      },
    };
  } catch (err) {
    alerting?.stop();
    await closeReports();
    await admin?.stop();
    await identification?.stop();
    dailyCounter.stop();
    blockedLog.stop();
    db.close();
    configDb?.close();
    throw err;
  }
}

/**
 * The admin page beside DNS. Filtering must not depend on it: when it cannot start (config.db
 * unreadable, port taken) the error is logged with the fix and DNS goes on.
 */
async function startAdminPage(deps: Omit<StartAdminDeps, 'configDb' | 'logger'> & { configDb: Database.Database | null; log: Logger }): Promise<RunningAdmin | null> {
  const { configDb, log, ...rest } = deps;
  if (configDb === null) {
    log.error('the admin page is off: config.db cannot be opened (see the error above)');
    return null;
  }
  try {
    return await startAdmin({ ...rest, configDb, logger: log.child({ module: 'admin' }) });
  } catch (err) {
    // The error's own sentence says what to fix (a busy port, an unreadable certificate…).
    log.error({ err }, `the admin page could not start: ${err instanceof Error ? err.message : String(err)}; DNS filtering goes on`);
    return null;
  }
}
