/** Starts a real Vigie (UDP+TCP on 127.0.0.1, port 0) against a fake upstream, with a temp data dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { startVigie, type RunningVigie } from '../../src/main.js';
import type { Clock } from '../../src/resolver/types.js';
import type { Logger } from '../../src/log.js';

export interface TestVigie extends RunningVigie {
  readonly port: number;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** `env` adds or overrides VIGIE_* variables; VIGIE_UPSTREAMS must point at loopback. */
export async function startTestVigie(env: Record<string, string>, opts: { clock?: Clock; logger?: Logger } = {}): Promise<TestVigie> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
  if (!env.VIGIE_UPSTREAMS || !/127\.0\.0\.\d+|\[::1\]/.test(env.VIGIE_UPSTREAMS)) throw new Error('tests must use a loopback upstream');
  const config = loadConfig({
    env: { VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '0', VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS: 'off', VIGIE_ADMIN_HTTPS_PORT: '0', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_LOG_LEVEL: 'silent', VIGIE_TZ: 'Europe/Paris', ...env },
  });
  const vigie = await startVigie(config, { logger: opts.logger ?? pino({ level: 'silent' }), ...(opts.clock ? { clock: opts.clock } : {}) });
  const port = vigie.dns.addresses()[0]!.port;
  // Inherit from the running instance so getters (catalog after a reload) stay live.
  return Object.assign(Object.create(vigie) as object, {
    port,
    dataDir,
    async close() {
      await vigie.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  }) as TestVigie;
}
