/**
 * Attack (issue 12 item 5): one query each from 10,000 forged source addresses. Each query comes
 * from its own 127.200.x.y address (the UDP socket is bound to it; Linux accepts all of 127/8 on
 * loopback) to a real Vigie. Before the cap this made one device per address (10,001 devices, a
 * devices page of tens of MB and a backup that failed its own restore check).
 */
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesRoutes } from '../../src/admin/routes/devices.js';
import { overviewRoutes } from '../../src/admin/routes/overview.js';
import { parseBackupText } from '../../src/backup/backup-format.js';
import { exportBackup } from '../../src/backup/export-backup.js';
import { importBackup } from '../../src/backup/import-backup.js';
import { noteDevicesRefused, readDeviceCapStatus } from '../../src/devices/device-cap-status.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { query } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const SOURCES = 10_000;
const CONCURRENCY = 100;

let upstream: FakeUpstream;
let vigie: TestVigie;
const logLines: string[] = [];

/** One query from `from`; resolves when answered or after 1 s. */
function oneQuery(from: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const done = (answered: boolean): void => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 1000);
    socket.on('error', () => done(false));
    socket.on('message', () => done(true));
    socket.bind({ address: from, port: 0 }, () => socket.send(query('coco.gg'), port, '127.0.0.1'));
  });
}

/** The i-th forged source: 127.200.0.1 … 127.200.39.250. */
const source = (i: number): string => `127.200.${Math.floor(i / 250)}.${1 + (i % 250)}`;

describe('forged source addresses do not grow the device table', () => {
  let answered = 0;
  beforeAll(async () => {
    upstream = await startFakeUpstream({});
    const stream = new Writable({ write(chunk: Buffer, _enc, cb) { logLines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } });
    vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url }, { logger: pino({ level: 'info' }, stream) });
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < SOURCES) {
        if (await oneQuery(source(next++), vigie.port)) answered++;
      }
    }));
    await vigie.devices.tracker!.flush();
  }, 180_000);
  afterAll(async () => {
    await vigie?.close();
    await upstream?.close();
  });

  it('records at most a few dozen of the 10,000 sources, and says so once in the log', () => {
    expect(answered).toBeGreaterThan(SOURCES * 0.9); // the flood really reached Vigie
    const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
    try {
      const count = createDeviceStore({ db }).count();
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(60);
      expect(readDeviceCapStatus(db)?.refused).toBeGreaterThanOrEqual(SOURCES * 0.9 - 60);
    } finally {
      db.close();
    }
    expect(logLines.filter((l) => l.includes('too many new devices at once'))).toHaveLength(1);
  });

  describe('the admin page and a backup of the result', () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await createAdminHarness([devicesRoutes, overviewRoutes]);
      const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
      try {
        // Backup → restore into the admin's fresh config.db: the export passes its own check.
        const text = JSON.stringify(exportBackup(db));
        importBackup(h.db, parseBackupText(text));
        // The overview of that Vigie: its device-cap episode, as it stored it.
        const cap = readDeviceCapStatus(db)!;
        noteDevicesRefused(h.db, null, cap.refused, h.now);
      } finally {
        db.close();
      }
    });
    afterAll(async () => h?.close());

    it('backup → restore round-trips the devices', () => {
      expect(createDeviceStore({ db: h.db }).count()).toBeGreaterThan(0);
      expect(createDeviceStore({ db: h.db }).count()).toBeLessThanOrEqual(60);
    });

    it('the devices page and API stay small', async () => {
      const page = await h.inject({ method: 'GET', url: '/devices', lang: 'en' });
      expect(page.statusCode).toBe(200);
      expect(page.body.length).toBeLessThan(400_000);
      const api = await h.inject({ method: 'GET', url: '/api/devices' });
      expect(api.statusCode).toBe(200);
      expect(api.body.length).toBeLessThan(200_000);
    });

    it('the overview says so once, in English and French', async () => {
      const en = (await h.inject({ method: 'GET', url: '/', lang: 'en' })).body;
      expect(en.match(/Many new devices appeared at once/g)).toHaveLength(1);
      const fr = (await h.inject({ method: 'GET', url: '/', lang: 'fr' })).body;
      expect(fr).toContain('Beaucoup de nouveaux appareils sont apparus d’un coup');
    });
  });
});
