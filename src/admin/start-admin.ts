/**
 * Composes the admin page for `vigie serve`: its context over the running services, the one-time
 * setup code when no password is set yet (printed in the log: whoever reads the log owns the
 * box), and the server on VIGIE_ADMIN_HOST:VIGIE_ADMIN_PORT.
 */
import type Database from 'better-sqlite3';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { PolicyService } from '../policy/policy-service.js';
import { UPSTREAM_LATENCY_BOUNDS_MS, type ResolverCounters } from '../resolver/counters.js';
import type { UpstreamClient } from '../resolver/upstream.js';
import type { Clock } from '../resolver/types.js';
import { createAdminServer } from './admin-server.js';
import { ADMIN_ROUTES } from './admin-routes.js';
import { hasAdminPassword } from './auth/admin-store.js';
import { formatSetupCode, generateSetupCode, removeSetupCode, saveSetupCode } from './auth/setup-code.js';
import type { AdminContext } from './context.js';

export interface StartAdminDeps {
  readonly config: Config;
  readonly configDb: Database.Database;
  readonly logsDb: Database.Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly policy: PolicyService;
  readonly counters: ResolverCounters;
  readonly upstream: UpstreamClient;
}

/** A started admin server. */
export interface RunningAdmin {
  address(): { host: string; port: number };
  stop(): Promise<void>;
}

/** Starts the admin page; rejects (AppError PORT_IN_USE / PORT_DENIED) when it cannot listen. */
export async function startAdmin(deps: StartAdminDeps): Promise<RunningAdmin> {
  const { config, logger, policy, counters, upstream, clock } = deps;
  const startedAt = clock();
  const ctx: AdminContext = {
    config,
    db: deps.configDb,
    logsDb: deps.logsDb,
    clock,
    logger,
    policy: {
      get built() {
        return policy.built;
      },
      get catalog() {
        return policy.catalog;
      },
    },
    changed: () => policy.reload(),
    status: () => ({
      startedAt,
      upstreams: upstream.health(),
      counters: Object.fromEntries(Object.entries(counters).filter((e): e is [string, number] => typeof e[1] === 'number')),
      blockedByCategory: Object.fromEntries(counters.blockedByCategory),
      upstreamLatency: { boundsMs: UPSTREAM_LATENCY_BOUNDS_MS, counts: [...counters.upstreamLatency.counts], sumMs: counters.upstreamLatency.sumMs },
    }),
  };
  const setupCode = hasAdminPassword(deps.configDb) ? null : generateSetupCode();
  // Kept for `sudo vigie setup-code`; a stale one from an earlier start goes once a password exists.
  if (setupCode === null) removeSetupCode(config.dataDir);
  else saveSetupCode(config.dataDir, setupCode);
  const server = createAdminServer({ ctx, host: config.admin.host, port: config.admin.port, routes: ADMIN_ROUTES, setupCode });
  await server.start();
  const { port } = server.address();
  if (setupCode !== null) {
    const code = formatSetupCode(setupCode);
    logger.warn({ setupCode: code }, `admin page not set up yet: open http://<this machine's address>:${port}/setup and enter the setup code ${code} (also printed by 'sudo vigie setup-code'; or run 'vigie passwd')`);
  }
  logger.info({ listening: server.address() }, 'admin page ready');
  return { address: () => server.address(), stop: () => server.stop() };
}
