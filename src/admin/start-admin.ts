/**
 * Composes the admin page for `vigie serve`: its context over the running services, the one-time
 * setup code when no password is set yet (printed in the log: whoever reads the log owns the
 * box), the certificate when HTTPS is on (its fingerprint in the log, beside the setup code, so
 * a parent can check the browser's), and the server: HTTPS on VIGIE_ADMIN_HTTPS_PORT with plain
 * HTTP on VIGIE_ADMIN_PORT redirecting to it, or plain HTTP only (VIGIE_ADMIN_HTTPS=off).
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
import { loadAdminCertificate, type AdminCertificate } from './tls/admin-certificate.js';

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
  /** Where the page is served (the HTTPS port when HTTPS is on). */
  address(): { host: string; port: number };
  /** Where plain HTTP redirects to HTTPS; null with HTTPS off. */
  redirectAddress(): { host: string; port: number } | null;
  /** The certificate served; null with HTTPS off. */
  readonly certificate: AdminCertificate | null;
  stop(): Promise<void>;
}

function logCertificate(logger: Logger, cert: AdminCertificate, now: number): void {
  const fields = { fingerprint: `sha256:${cert.fingerprint}`, certFile: cert.certFile, until: new Date(cert.notAfter).toISOString() };
  if (cert.madeBecause !== null) logger.warn(fields, `made a new certificate for the admin page (${cert.madeBecause}); its SHA-256 fingerprint: ${cert.fingerprint}`);
  else logger.info(fields, `admin page certificate (${cert.source}), SHA-256 fingerprint ${cert.fingerprint}`);
  if (cert.notAfter < now) logger.warn(fields, `the admin page certificate ${cert.certFile} has expired: browsers will refuse it; renew it`);
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
  const { admin } = config;
  // A certificate that cannot be read rejects here: the caller logs it and DNS goes on.
  const certificate = admin.https === 'on' ? await loadAdminCertificate(config, clock()) : null;
  if (certificate !== null) logCertificate(logger, certificate, clock());
  const setupCode = hasAdminPassword(deps.configDb) ? null : generateSetupCode();
  // Kept for `sudo vigie setup-code`; a stale one from an earlier start goes once a password exists.
  if (setupCode === null) removeSetupCode(config.dataDir);
  else saveSetupCode(config.dataDir, setupCode);
  const server = createAdminServer({
    ctx, host: admin.host, routes: ADMIN_ROUTES, setupCode,
    ...(certificate === null ? { port: admin.port }
      : { port: admin.httpsPort, https: { certPem: certificate.certPem, keyPem: certificate.keyPem, httpPort: admin.port, hsts: admin.port === 80 && admin.httpsPort === 443 } }),
  });
  await server.start();
  const { port } = server.address();
  const scheme = certificate === null ? 'http' : 'https';
  if (setupCode !== null) {
    const code = formatSetupCode(setupCode);
    const warning = certificate === null ? '' : `; the browser will warn about the certificate: check that it shows the SHA-256 fingerprint ${certificate.fingerprint}, then go on`;
    logger.warn({ setupCode: code }, `admin page not set up yet: open ${scheme}://<this machine's address>:${port}/setup and enter the setup code ${code} (also printed by 'sudo vigie setup-code'; or run 'vigie passwd')${warning}`);
  }
  if (certificate === null) logger.warn('the admin page is plain HTTP (VIGIE_ADMIN_HTTPS=off): its password and sessions cross the Wi-Fi unencrypted');
  logger.info({ listening: server.address(), redirecting: server.redirectAddress() }, `admin page ready (${scheme})`);
  return { address: () => server.address(), redirectAddress: () => server.redirectAddress(), certificate, stop: () => server.stop() };
}
