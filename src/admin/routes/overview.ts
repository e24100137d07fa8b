/**
 * The overview (admin home, GET /) and GET /api/status: protection state and active overrides,
 * upstream health, counters since start, today's blocked attempts per device (local day in
 * VIGIE_TZ), the latest blocked attempts and the new devices still waiting for a profile.
 */
import type { FastifyPluginAsync } from 'fastify';
import { deviceLabel } from '../../policy/build-snapshot.js';
import { readDeviceCapStatus } from '../../devices/device-cap-status.js';
import { readRelayCheckStatus } from '../../devices/relay-check-status.js';
import { createDeviceStore } from '../../policy/device-store.js';
import { addLocalDays, startOfLocalDay } from '../../policy/local-time.js';
import { createOverrideStore } from '../../policy/override-store.js';
import { countBlockedByDevice, searchBlockedAttempts } from '../../store/blocked-attempts-search.js';
import { listFloods } from '../../store/blocked-floods.js';
import type { Device } from '../../policy/model.js';
import type { AdminContext } from '../context.js';
import { overviewMessages } from '../messages/overview.js';
import { html } from '../page/html.js';
import { formatDateTime, translator, type Lang } from '../page/i18n.js';
import { emailStatus } from './email-settings.js';
import { sendPage } from '../page/send-page.js';
import { localDateText } from '../schemas/activity.js';
import { categoryTitle, deviceNameFor } from '../views/activity-labels.js';
import { renderOverview } from '../views/overview.js';

/** How far back a device without a profile counts as new. */
export const NEW_DEVICE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Latest blocked attempts shown. */
const LATEST = 5;
/** New devices listed (the rest are on the devices page). */
const NEW_DEVICES_SHOWN = 20;
/** Device-cap episodes and floods shown for this long. */
const NOTICE_MS = 24 * 60 * 60 * 1000;

/** What the overview shows; also the body of GET /api/status. */
export interface OverviewData {
  readonly protection: {
    readonly on: boolean;
    readonly paused: ReadonlyArray<{ readonly deviceId: string; readonly deviceName: string; readonly until: number }>;
    /** Devices with all filtering turned off (override 'off'). */
    readonly off: ReadonlyArray<{ readonly deviceId: string; readonly deviceName: string; readonly until: number }>;
    readonly blocked: ReadonlyArray<{ readonly deviceId: string; readonly deviceName: string; readonly until: number }>;
  };
  readonly upstreams: ReadonlyArray<{ readonly server: string; readonly down: boolean; readonly lastError: string | null }>;
  readonly startedAt: number;
  readonly counters: { readonly queries: number; readonly blocked: number };
  readonly today: { readonly from: number; readonly to: number; readonly date: string; readonly devices: ReadonlyArray<{ readonly device: string; readonly deviceName: string; readonly count: number }> };
  readonly latest: ReadonlyArray<{ readonly time: number; readonly device: string; readonly deviceName: string; readonly name: string; readonly qtype: string; readonly category: string; readonly categoryTitle: string; readonly list: string; readonly rule: string }>;
  readonly newDevices: ReadonlyArray<{ readonly id: string; readonly name: string; readonly ip: string | null; readonly lastSeen: number }>;
  /** What a parent should know: relays whose device options are ignored, forged-device floods, blocked-query floods (last 24 h). */
  readonly notices: {
    readonly relays: ReadonlyArray<{ readonly relay: string; readonly problem: 'passes' | 'unchecked' | 'range'; readonly mac: boolean; readonly subnet: boolean; readonly port: number }>;
    readonly deviceCap: { readonly since: number; readonly lastAt: number; readonly refused: number } | null;
    readonly floods: ReadonlyArray<{ readonly client: string; readonly device: string; readonly deviceName: string; readonly first: number; readonly last: number; readonly dropped: number }>;
  };
}

/** The notices of {@link OverviewData} (see there). */
function readNotices(ctx: AdminContext, now: number, devices: ReadonlyMap<string, Device>): OverviewData['notices'] {
  const relay = readRelayCheckStatus(ctx.db);
  const relays: Array<OverviewData['notices']['relays'][number]> = [];
  for (const r of relay?.relays ?? []) {
    const mac = r.mac === 'passes';
    const subnet = r.subnet === 'passes';
    if (mac || subnet) relays.push({ relay: r.relay, problem: 'passes', mac, subnet, port: relay!.port });
    else if (r.mac === 'unchecked' || r.subnet === 'unchecked') relays.push({ relay: r.relay, problem: 'unchecked', mac: false, subnet: false, port: relay!.port });
  }
  for (const range of relay?.ranges ?? []) relays.push({ relay: range, problem: 'range', mac: false, subnet: false, port: relay!.port });
  const cap = readDeviceCapStatus(ctx.db);
  return {
    relays,
    deviceCap: cap !== null && cap.lastAt >= now - NOTICE_MS ? cap : null,
    floods: listFloods(ctx.logsDb, { from: now - NOTICE_MS, to: now + 1, limit: 5 }).map((f) => ({ ...f, deviceName: deviceNameFor(f.device, devices) })),
  };
}

/** Gathers the overview (see the file header). Reads only; bounded queries on indexes. */
export function readOverview(ctx: AdminContext, lang: Lang): OverviewData {
  const now = ctx.clock();
  const tz = ctx.config.tz;
  const deviceList = createDeviceStore({ db: ctx.db }).list();
  const devices = new Map(deviceList.map((d) => [d.id, d]));
  const overrides = createOverrideStore({ db: ctx.db, clock: ctx.clock }).list();
  const describe = (o: { deviceId: string; until: number }) => ({ deviceId: o.deviceId, deviceName: deviceNameFor(o.deviceId, devices), until: o.until });
  const status = ctx.status();
  const from = startOfLocalDay(now, tz);
  const to = addLocalDays(from, 1, tz);
  const latest = searchBlockedAttempts(ctx.logsDb, { limit: LATEST }).rows;
  return {
    protection: {
      on: true,
      paused: overrides.filter((o) => o.kind === 'pause').map(describe),
      off: overrides.filter((o) => o.kind === 'off').map(describe),
      blocked: overrides.filter((o) => o.kind === 'block').map(describe),
    },
    upstreams: status.upstreams.map((u) => ({ server: u.server, down: u.down, lastError: u.lastError })),
    startedAt: status.startedAt,
    counters: { queries: status.counters.queries ?? 0, blocked: status.counters.blocked ?? 0 },
    today: {
      from, to, date: localDateText(now, tz),
      devices: countBlockedByDevice(ctx.logsDb, { from, to }).map((r) => ({ device: r.device, deviceName: deviceNameFor(r.device, devices), count: r.count })),
    },
    latest: latest.map((r) => ({
      time: r.time, device: r.device, deviceName: deviceNameFor(r.device, devices), name: r.name, qtype: r.qtype,
      category: r.category, categoryTitle: categoryTitle(r.category, ctx.policy.catalog.catalog, lang), list: r.list, rule: r.rule,
    })),
    newDevices: deviceList
      .filter((d) => d.profileId === null && d.lastSeen >= now - NEW_DEVICE_WINDOW_MS)
      .slice(0, NEW_DEVICES_SHOWN)
      .map((d) => ({ id: d.id, name: deviceLabel(d), ip: d.ip, lastSeen: d.lastSeen })),
    notices: readNotices(ctx, now, devices),
  };
}

/** Pages and API of the overview area. */
export const overviewRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  app.get('/', async (request, reply) => {
    const t = translator(overviewMessages, request.lang);
    const data = readOverview(ctx, request.lang);
    // A failed weekly email is shown here, where parents look (not only in the log).
    const email = emailStatus(ctx);
    const body = html`${email.lastSend && !email.lastSend.ok ? html`<p class="flash warn" role="alert">${t('email.failed', { when: formatDateTime(email.lastSend.at, request.lang, ctx.config.tz), error: email.lastSend.error ?? '' })} <a href="/settings/email">${t('email.fix')}</a></p>` : ''}${renderOverview(data, request.lang, ctx.config.tz)}`;
    return sendPage(request, reply, { title: t('title'), active: 'overview', body });
  });

  app.get('/api/status', {
    config: {
      doc: {
        summary: 'Protection state, upstream health, counters since start, today\'s blocked attempts per device, the latest blocked attempts and new devices to assign',
        returns: '{ protection: { on, paused: [{ deviceId, deviceName, until }], off: [...], blocked: [...] }, upstreams: [{ server, down, lastError }], startedAt, counters: { queries, blocked }, today: { from, to, date, devices: [{ device, deviceName, count }] }, latest: [{ time, device, deviceName, name, qtype, category, categoryTitle, list, rule }], newDevices: [{ id, name, ip, lastSeen }], notices: { relays: [{ relay, problem: passes|unchecked|range, mac, subnet, port }], deviceCap: { since, lastAt, refused } | null, floods: [{ client, device, deviceName, first, last, dropped }] } }',
      },
    },
  }, async (request) => readOverview(ctx, request.lang));
};
