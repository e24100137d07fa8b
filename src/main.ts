/**
 * Composition root: config → store → lists → policy → resolver → DNS server. The only place that
 * knows every concrete piece; everything else gets its dependencies passed in. stop() undoes
 * start() in reverse order and flushes the blocked-attempt log last.
 */
import { join } from 'node:path';
import type { Config } from './config.js';
import { loadCatalog, type LoadedCatalog } from './blocklists/load-catalog.js';
import type { Logger } from './log.js';
import { createCidrMatcher } from './net/cidr-matcher.js';
import { createPolicyHolder, type PolicyHolder } from './policy/snapshot.js';
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
import { createLocalNamesStage } from './resolver/stages/local-names.js';
import { createRecordStage } from './resolver/stages/record.js';
import { createUpstreamClient, type UpstreamClient } from './resolver/upstream.js';
import { typeName } from './dns/constants.js';
import type { Clock } from './resolver/types.js';
import { createBlockedLog, type BlockedLog } from './store/blocked-log.js';
import { openDatabase } from './store/open-database.js';

/** Blocked attempts kept per one-second flush; more are dropped and counted (stats().dropped). */
export const BLOCKED_ROWS_PER_FLUSH = 5_000;

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
  readonly upstream: UpstreamClient;
  readonly blockedLog: BlockedLog;
  readonly catalog: LoadedCatalog;
  stop(): Promise<void>;
}

/** Loads the lists the config names (catalog + extra files). */
export function loadLists(config: Config): Promise<LoadedCatalog> {
  return loadCatalog(config.listsDir, { extraLists: config.extraLists.map((path) => ({ path })) });
}

/** Starts every service; rejects (after undoing what started) if one fails. */
export async function startVigie(config: Config, deps: VigieDeps): Promise<RunningVigie> {
  const clock = deps.clock ?? Date.now;
  const log = deps.logger;
  const db = openDatabase({ file: join(config.dataDir, LOG_DB_FILE), logger: log.child({ module: 'store' }), clock });
  // At most BLOCKED_ROWS_PER_FLUSH rows a second reach the disk: a flood of blocked queries (a
  // script, a retry loop) cannot stall the event loop or wear out an SD card; excess is counted.
  const blockedLog = createBlockedLog({ db, clock, maxBuffered: BLOCKED_ROWS_PER_FLUSH, logger: log.child({ module: 'blocked-log' }) });
  try {
    const catalog = await loadLists(config);
    reportLists(catalog, log);
    const policy = createPolicyHolder({ matcher: catalog.blocklist, blockMode: config.blockMode, builtAt: clock() });
    const counters = createCounters();
    const cache = createAnswerCache({ ...config.cache, clock });
    const upstream = createUpstreamClient({
      servers: config.upstreams,
      timeoutMs: config.limits.upstreamTimeoutMs,
      budgetMs: config.limits.resolveBudgetMs,
      clock,
      randomId: createRandomId(),
      counters,
    });
    const dnsLog = log.child({ module: 'dns' });
    const handler = buildPipeline({
      record: createRecordStage({
        counters,
        onBlocked: (q, d) =>
          blockedLog.add({ time: q.receivedAt, client: q.client.ip, name: q.name, qtype: typeName(q.type), category: d.category, list: d.list, rule: d.rule }),
      }),
      guard: createGuardStage({
        isAllowedClient: createCidrMatcher(config.allowedClients),
        rateLimiter: createRateLimiter({ qps: config.limits.rateLimitQps, clock }),
        onRateLimited: (ip) => dnsLog.warn({ device: ip, reason: 'rate-limit' }, 'client over its query rate limit: answering REFUSED'),
        clock,
      }),
      localNames: createLocalNamesStage(),
      block: createBlockStage({ policy }),
      cache: createCacheStage({ cache }),
      forward: createForwardStage({ upstream, counters, clock, maxInflight: config.limits.maxInflight }),
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
    log.info({ listening: dns.addresses(), upstreams: upstream.health().map((h) => h.server) }, 'vigie is answering DNS');
    return {
      dns,
      counters,
      cache,
      policy,
      upstream,
      blockedLog,
      catalog,
      async stop() {
        await dns.stop();
        upstream.close();
        blockedLog.stop();
        db.close();
      },
    };
  } catch (err) {
    blockedLog.stop();
    db.close();
    throw err;
  }
}

function reportLists(catalog: LoadedCatalog, log: Logger): void {
  for (const list of catalog.lists) {
    if (list.issues.length > 0) {
      log.warn({ list: list.id, issues: list.issues.length, first: list.issues.slice(0, 3) }, 'list has lines that were skipped');
    }
  }
  log.info({ rules: catalog.blocklist.size, lists: catalog.lists.map((l) => `${l.id}:${l.entries}`) }, 'lists loaded');
}
