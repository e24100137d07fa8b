/**
 * A real Vigie admin server for sync tests: its own data dir, config.db and logs.db, a real
 * policy service, listening on 127.0.0.1 on a free port (createAdminServer), with the given
 * route plugins. Like tests/admin/harness.ts, but over HTTP, or over HTTPS with Vigie's own
 * certificate (plain HTTP then redirecting) as `vigie serve` does by default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import pino from 'pino';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import type { AdminContext } from '../../src/admin/context.js';
import { loadAdminCertificate } from '../../src/admin/tls/admin-certificate.js';
import { loadConfig } from '../../src/config.js';
import { createPolicyService, type PolicyService } from '../../src/policy/policy-service.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { openDatabase } from '../../src/store/open-database.js';

export interface Instance {
  readonly dataDir: string;
  readonly db: Database.Database;
  readonly ctx: AdminContext;
  readonly policy: PolicyService;
  /** http://127.0.0.1:PORT, or https:// with `https` */
  readonly url: string;
  /** With `https`: the certificate's fingerprint (`AB:CD:…`) and PEM, and the plain-HTTP redirect's URL. */
  readonly tls: { readonly fingerprint: string; readonly certPem: string; readonly redirectUrl: string } | null;
  /** How many times the app called ctx.changed(). */
  readonly changes: () => number;
  close(): Promise<void>;
}

/** Starts one instance; `prepare` may fill its config.db before the policy is built. */
export async function startInstance(routes: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>>, prepare?: (db: Database.Database) => void, opts: { https?: boolean } = {}): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-instance-'));
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'silent', VIGIE_ADMIN_HOST: '127.0.0.1' } });
  const logger = pino({ level: 'silent' });
  const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
  prepare?.(db);
  const logsDb = openDatabase({ file: join(dataDir, 'logs.db') });
  const clock = Date.now;
  const policy = await createPolicyService({ config, db, clock, logger });
  let changes = 0;
  const ctx: AdminContext = {
    config, db, logsDb, clock, logger,
    policy: { get built() { return policy.built; }, get catalog() { return policy.catalog; } },
    changed: async () => {
      changes++;
      await policy.reload();
    },
    status: () => ({ startedAt: 0, upstreams: [], counters: {} }),
  };
  const cert = opts.https ? await loadAdminCertificate(config, clock()) : null;
  const https = cert ? { https: { certPem: cert.certPem, keyPem: cert.keyPem, httpPort: 0 } } : {};
  const server: AdminServer = createAdminServer({ ctx, host: '127.0.0.1', port: 0, routes, setupCode: null, ...https });
  await server.start();
  const { port } = server.address();
  const tls = cert ? { fingerprint: cert.fingerprint, certPem: cert.certPem, redirectUrl: `http://127.0.0.1:${server.redirectAddress()!.port}` } : null;
  return {
    dataDir, db, ctx, policy, url: `${cert ? 'https' : 'http'}://127.0.0.1:${port}`, tls, changes: () => changes,
    async close() {
      await server.stop();
      await policy.idle();
      db.close();
      logsDb.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
