/**
 * Runs the built `vigie` binary (dist/cli.js; the global setup builds it) against a temp data
 * directory, with a loopback fake upstream, and seeds devices in that directory's config.db as
 * the DNS server would (recordSightings), optionally named and assigned as a parent would.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeviceStore, deviceIdFor } from '../../src/policy/device-store.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../../src/store/config-database.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';

const CLI = join(process.cwd(), 'dist/cli.js');

/** One device as the tracker would have seen it, `minutesAgo` before now. */
export interface SeenDevice {
  readonly ip: string;
  readonly mac?: string;
  readonly minutesAgo?: number;
  /** Set as a parent would with `vigie devices set`. */
  readonly name?: string;
  readonly profileId?: string;
}

export interface CliHarness {
  readonly dataDir: string;
  run(args: string[], env?: Record<string, string>): SpawnSyncReturns<string>;
  /** Records sightings in config.db (created if missing); returns the device ids. */
  seed(devices: readonly SeenDevice[]): string[];
  close(): Promise<void>;
}

/** Starts the fake upstream and makes a fresh data directory. */
export async function createCliHarness(): Promise<CliHarness> {
  const upstream: FakeUpstream = await startFakeUpstream({});
  const dataDir = mkdtempSync(join(tmpdir(), 'vigie-cli-policy-'));
  return {
    dataDir,
    run: (args, env = {}) =>
      spawnSync(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, VIGIE_TZ: 'UTC', ...env },
        encoding: 'utf8',
        timeout: 15_000,
      }),
    seed(devices) {
      const db = openConfigDatabase({ file: join(dataDir, CONFIG_DB_FILE) });
      try {
        const now = Date.now();
        const sightings = devices.map((d) => ({ id: deviceIdFor(d.mac ?? null, d.ip), mac: d.mac ?? null, ip: d.ip, at: now - (d.minutesAgo ?? 0) * 60_000 }));
        const store = createDeviceStore({ db });
        store.recordSightings(sightings);
        devices.forEach((d, i) => {
          if (d.name !== undefined || d.profileId !== undefined) store.update(sightings[i]!.id, { name: d.name ?? null, profileId: d.profileId ?? null });
        });
        return sightings.map((s) => s.id);
      } finally {
        db.close();
      }
    },
    async close() {
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
