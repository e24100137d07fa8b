/**
 * Settings changed from the admin page apply to a running server without a restart: the block
 * mode and the upstreams (a query in flight on the old upstream still gets its answer).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeSettingsStore, DEFAULT_RETENTION_DAYS } from '../../src/settings/runtime-settings.js';
import { loadConfig } from '../../src/config.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';
import { useTempDir } from '../store/temp-dir.js';

describe('on a running server', () => {
  let first: FakeUpstream;
  let second: FakeUpstream;
  let vigie: TestVigie;
  beforeAll(async () => {
    first = await startFakeUpstream({ 'homework.example.test': [{ type: 'A', value: '127.7.0.1' }], 'maths.example.test': [{ type: 'A', value: '127.7.0.1' }] });
    second = await startFakeUpstream({ 'homework.example.test': [{ type: 'A', value: '127.7.0.2' }], 'maths.example.test': [{ type: 'A', value: '127.7.0.2' }] });
    vigie = await startTestVigie({ VIGIE_UPSTREAMS: first.url, VIGIE_CACHE_SIZE: '0' });
  });
  afterAll(async () => {
    await vigie?.close();
    await first?.close();
    await second?.close();
  });

  const update = async (patch: Parameters<ReturnType<typeof createRuntimeSettingsStore>['update']>[0]): Promise<void> => {
    const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
    try {
      createRuntimeSettingsStore({ db, config: loadConfig({ env: { VIGIE_UPSTREAMS: first.url } }) }).update(patch);
    } finally {
      db.close();
    }
    await vigie.reloadLists();
  };

  it('switches upstreams, and back to the boot configuration on reset', async () => {
    expect((await ask(vigie.port, 'homework.example.test')).answers[0]?.address).toBe('127.7.0.1');
    second.behaviour.delayMs = 0;
    first.behaviour.delayMs = 300;
    const inFlight = ask(vigie.port, 'homework.example.test'); // asked of `first`, answered late
    await new Promise((r) => setTimeout(r, 50));
    await update({ upstreams: [second.url] });
    // (another name: the same question still in flight would share the first upstream's answer)
    expect((await ask(vigie.port, 'maths.example.test')).answers[0]?.address).toBe('127.7.0.2');
    expect((await inFlight).answers[0]?.address).toBe('127.7.0.1'); // not failed by the swap
    first.behaviour.delayMs = 0;
    await update({ upstreams: null });
    expect((await ask(vigie.port, 'homework.example.test')).answers[0]?.address).toBe('127.7.0.1');
  });

  it('switches the block mode', async () => {
    expect((await ask(vigie.port, 'coco.gg')).answers[0]?.address).toBe('0.0.0.0');
    await update({ blockMode: 'nxdomain' });
    const res = await ask(vigie.port, 'coco.gg');
    expect(res.rcode).toBe(3);
    expect(res.answers).toEqual([]);
    await update({ blockMode: null });
    expect((await ask(vigie.port, 'coco.gg')).answers[0]?.address).toBe('0.0.0.0');
  });
});

describe('runtime settings store', () => {
  const dir = useTempDir('vigie-settings-');
  const config = loadConfig({ env: { VIGIE_UPSTREAMS: 'udp://127.0.0.1:53', VIGIE_BLOCK_MODE: 'refused' } });

  it('falls back to the boot configuration and validates every change', () => {
    const db = openConfigDatabase({ file: join(dir(), 'config.db') });
    try {
      const store = createRuntimeSettingsStore({ db, config });
      expect(store.current()).toEqual({ blockMode: 'refused', upstreams: config.upstreams, retentionDays: DEFAULT_RETENTION_DAYS });
      expect(store.update({ upstreams: ['127.0.0.2', 'tcp://[::1]:5300'], retentionDays: 30 })).toMatchObject({
        upstreams: [{ transport: 'udp', host: '127.0.0.2', port: 53 }, { transport: 'tcp', host: '::1', port: 5300 }],
        retentionDays: 30,
      });
      expect(store.stored().upstreams).toEqual(['udp://127.0.0.2:53', 'tcp://[::1]:5300']);
      expect(() => store.update({ upstreams: ['dns.example'] })).toThrow(/upstreams\.0/);
      expect(() => store.update({ retentionDays: 7 })).toThrow(/at least 14 days/);
      expect(() => store.update({ blockMode: 'drop' as never })).toThrow(/blockMode/);
      // A value damaged in the file is ignored, not a crash.
      db.prepare("UPDATE settings SET value = '{not json' WHERE key = 'upstreams'").run();
      expect(store.current().upstreams).toEqual(config.upstreams);
    } finally {
      db.close();
    }
  });
});
