/**
 * The overview's notices (issue 12): a relay whose device options are ignored, forged devices not
 * added, and a flood of blocked queries whose extra rows were not logged, in English and French.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overviewRoutes, type OverviewData } from '../../src/admin/routes/overview.js';
import { noteDevicesRefused } from '../../src/devices/device-cap-status.js';
import { saveRelayCheckStatus } from '../../src/devices/relay-check-status.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { createBlockedLog } from '../../src/store/blocked-log.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

describe('overview notices', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await createAdminHarness([overviewRoutes]);
  });
  afterEach(async () => h.close());

  it('shows nothing when all is well', async () => {
    const page = await h.inject({ method: 'GET', url: '/', lang: 'en' });
    expect(page.body).not.toContain('Needs your attention');
    expect((await h.inject({ method: 'GET', url: '/api/status' })).json<OverviewData>().notices).toEqual({ relays: [], deviceCap: null, floods: [] });
  });

  it('says which relay passes options through, which is unchecked, forged devices and floods (en, fr)', async () => {
    saveRelayCheckStatus(h.db, {
      at: h.now, port: 53, ranges: ['10.0.0.0/8'],
      relays: [
        { relay: '192.168.1.1', mac: 'passes', subnet: 'strips', checkedAt: h.now, error: null },
        { relay: '192.168.1.2', mac: 'unchecked', subnet: 'unchecked', checkedAt: null, error: 'no answer' },
        { relay: '192.168.1.3', mac: 'strips', subnet: 'strips', checkedAt: h.now, error: null },
      ],
    });
    noteDevicesRefused(h.db, null, 9_950, h.now - 60_000);
    createDeviceStore({ db: h.db }).recordSightings([{ id: 'ip:192.168.1.66', mac: null, ip: '192.168.1.66', at: h.now }]);
    createDeviceStore({ db: h.db }).update('ip:192.168.1.66', { name: 'PC de Tom' });
    const log = createBlockedLog({ db: h.logsDb, clock: () => h.now, maxBuffered: 10 });
    for (let i = 0; i < 25; i++) log.add({ time: h.now - 1000 + i, client: '192.168.1.66', device: 'ip:192.168.1.66', name: 'coco.gg', qtype: 'A', category: 'anonymous-chat', list: 'l', rule: 'coco.gg' });
    log.flush();

    const data = (await h.inject({ method: 'GET', url: '/api/status' })).json<OverviewData>();
    expect(data.notices.relays).toEqual([
      { relay: '192.168.1.1', problem: 'passes', mac: true, subnet: false, port: 53 },
      { relay: '192.168.1.2', problem: 'unchecked', mac: false, subnet: false, port: 53 },
      { relay: '10.0.0.0/8', problem: 'range', mac: false, subnet: false, port: 53 },
    ]);
    expect(data.notices.deviceCap).toMatchObject({ refused: 9_950 });
    expect(data.notices.floods).toEqual([expect.objectContaining({ client: '192.168.1.66', deviceName: 'PC de Tom', dropped: 15 })]);

    const en = (await h.inject({ method: 'GET', url: '/', lang: 'en' })).body;
    expect(en).toContain('The relay 192.168.1.1 passes on the MAC address option');
    expect(en).toContain('add strip-mac');
    expect(en).toContain('The relay 192.168.1.2 could not be checked yet');
    expect(en).toContain('holds the range 10.0.0.0/8');
    expect(en).toContain('9950 were not added');
    expect(en).toContain('PC de Tom sent a flood of blocked queries');
    expect(en).toContain('15 of its attempts were not logged');
    expect(en).not.toContain('192.168.1.3');
    const fr = (await h.inject({ method: 'GET', url: '/', lang: 'fr' })).body;
    expect(fr).toContain('Le relais 192.168.1.1 transmet l’option adresse MAC');
    expect(fr).toContain('Vigie l’ignore');
    expect(fr).toContain('9950 n’ont pas été ajoutés');
    expect(fr).toContain('PC de Tom a envoyé un flot de requêtes bloquées');
  });
});
