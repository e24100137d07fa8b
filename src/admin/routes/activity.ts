/**
 * Activity: the blocked attempts from logs.db, filtered by device, category, local dates and a
 * text in the name, 50 a page with an "older" cursor. GET /activity (page) and GET /api/activity.
 * Read-only: nothing here writes.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { subscriptionListId } from '../../blocklists/load-blocklist.js';
import { createSubscriptionStore } from '../../blocklists/subscriptions/subscription-store.js';
import { deviceLabel } from '../../policy/build-snapshot.js';
import { createDeviceStore } from '../../policy/device-store.js';
import type { Device } from '../../policy/model.js';
import { searchBlockedAttempts, type FoundAttempt } from '../../store/blocked-attempts-search.js';
import type { AdminContext } from '../context.js';
import { activityMessages } from '../messages/activity.js';
import { translator, type Lang } from '../page/i18n.js';
import { sendPage } from '../page/send-page.js';
import { activityQuerySchema, cursorText, dropEmpty, toSearch, type ActivityQuery } from '../schemas/activity.js';
import { renderActivity, type ActivityFormValues, type ActivityRow } from '../views/activity.js';
import { categoryTitle, deviceNameFor, knownCategoryIds } from '../views/activity-labels.js';

/** Everything a page of results needs to name its devices and lists. */
function lookups(ctx: AdminContext): { devices: Map<string, Device>; lists: Map<string, string>; subscriptionCategories: string[] } {
  const devices = new Map(createDeviceStore({ db: ctx.db }).list().map((d) => [d.id, d]));
  const subs = createSubscriptionStore({ db: ctx.db }).list();
  const lists = new Map(subs.map((s) => [subscriptionListId(s.id), s.url]));
  return { devices, lists, subscriptionCategories: subs.map((s) => s.category) };
}

function listLabel(list: string, lists: ReadonlyMap<string, string>, ctx: AdminContext, lang: Lang): string {
  const url = lists.get(list);
  if (url !== undefined) return url;
  const entry = ctx.policy.catalog.catalog.find((e) => e.id === list);
  return entry ? entry.title[lang] : list;
}

/** Runs a validated search; rows carry display names for the page and the API. */
function runSearch(ctx: AdminContext, query: ActivityQuery, lang: Lang) {
  const page = searchBlockedAttempts(ctx.logsDb, toSearch(query, ctx.config.tz));
  const { devices, lists, subscriptionCategories } = lookups(ctx);
  const rows = page.rows.map((r: FoundAttempt) => ({
    ...r,
    deviceName: deviceNameFor(r.device, devices),
    categoryTitle: categoryTitle(r.category, ctx.policy.catalog.catalog, lang),
    listLabel: listLabel(r.list, lists, ctx, lang),
    // The service the name belongs to ("Yubo" for yellw.co), else the one the rule belongs to.
    service: (ctx.policy.catalog.services.serviceOf(r.name) ?? ctx.policy.catalog.services.serviceOf(r.rule))?.name[lang] ?? null,
  }));
  return { rows, next: page.next, devices, subscriptionCategories };
}

function formValues(raw: Record<string, unknown>): ActivityFormValues {
  const text = (key: string): string => (typeof raw[key] === 'string' ? (raw[key] as string) : '');
  return { device: text('device'), category: text('category'), from: text('from'), to: text('to'), q: text('q') };
}

function olderHref(values: ActivityFormValues, next: string): string {
  const params = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ''));
  params.set('before', next);
  return `/activity?${params.toString()}`;
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

/** Pages and API of the activity area. */
export const activityRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  app.get('/activity', async (request: FastifyRequest, reply) => {
    const t = translator(activityMessages, request.lang);
    const raw = dropEmpty(request.query);
    const values = formValues(raw);
    const parsed = activityQuerySchema.safeParse(raw);
    const result = parsed.success ? runSearch(ctx, parsed.data, request.lang) : null;
    const devices = result?.devices ?? lookups(ctx).devices;
    const rows: ActivityRow[] | null = result?.rows ?? null;
    return sendPage(request, reply, {
      title: t('title'),
      active: 'activity',
      status: parsed.success ? 200 : 400,
      body: renderActivity({
        lang: request.lang,
        timeZone: ctx.config.tz,
        catalog: ctx.policy.catalog.catalog,
        values,
        devices: [...devices.values()].map((d) => ({ id: d.id, label: deviceLabel(d) })),
        categories: knownCategoryIds(ctx.policy.catalog.catalog, result?.subscriptionCategories ?? []),
        rows,
        olderHref: result?.next ? olderHref(values, cursorText(result.next)) : null,
        paged: parsed.success && parsed.data.before !== undefined,
        error: parsed.success ? null : t('invalid', { issues: issuesText(parsed.error) }),
      }),
    });
  });

  app.get('/api/activity', {
    config: {
      doc: {
        summary: 'Blocked attempts, newest first, filtered by device, category, local dates (VIGIE_TZ) and a text in the name',
        query: activityQuerySchema,
        returns: '{ rows: [{ id, time, client, name, qtype, category, categoryTitle, list, listLabel, rule, service (catalog service name or null), device, deviceName, profile }], next: cursor for `before`, or null on the last page }',
      },
    },
  }, async (request) => {
    const query = activityQuerySchema.parse(dropEmpty(request.query));
    const { rows, next } = runSearch(ctx, query, request.lang);
    return { rows, next: next === null ? null : cursorText(next) };
  });
};
