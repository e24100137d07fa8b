/**
 * Lists: the catalog by category (toggled per profile on the profile pages), suggested and
 * current subscriptions (add, remove, refresh now: the download runs in the request with the
 * downloader's own timeout and size cap), and the global custom rules. Pages under /lists, JSON
 * under /api/lists, /api/subscriptions and /api/rules.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { isAppError } from '../../errors.js';
import type { AdminContext } from '../context.js';
import { layoutMessages } from '../messages/layout.js';
import { listsMessages } from '../messages/lists.js';
import { translator, type Translate } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { ruleAddSchema, ruleRemoveSchema, subscriptionAddSchema } from '../schemas/lists.js';
import { renderLists, EMPTY_LISTS_FORM, type ListsFormValues } from '../views/lists.js';
import { createListsService, type ListsService } from './lists-data.js';

const OUTCOMES = ['updated', 'unchanged', 'not-modified', 'failed'] as const;
const idParams = z.object({ id: z.string().max(100) });

function field(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

function issuesText(err: ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Renders the page, with a refused form's values and message when given. */
function page(ctx: AdminContext, service: ListsService, request: FastifyRequest, reply: FastifyReply, opts: { values?: ListsFormValues; error?: { form: 'subscription' | 'rule'; message: string }; status?: number } = {}) {
  const t = translator(listsMessages, request.lang);
  const query = request.query as Record<string, unknown>;
  const refreshed = OUTCOMES.find((o) => o === query.refreshed);
  const flash = refreshed !== undefined ? t(`refreshed.${refreshed}`) : query.saved === '1' ? translator(layoutMessages, request.lang)('flash.saved') : null;
  return sendPage(request, reply, {
    title: t('title'),
    active: 'lists',
    status: opts.status ?? 200,
    flash: opts.error ? null : flash,
    body: renderLists({
      lang: request.lang, timeZone: ctx.config.tz, data: service.read(), rules: service.rules(), csrf: csrfField(request),
      values: opts.values ?? EMPTY_LISTS_FORM, error: opts.error ?? null,
    }),
  });
}

/** A refused form: 400 (or 409 for a duplicate) with the page and the message; anything else is rethrown. */
function refused(err: unknown, t: Translate<keyof (typeof listsMessages)['en']>): { status: number; message: string } {
  if (err instanceof ZodError) return { status: 400, message: t('error.invalid', { issues: issuesText(err) }) };
  if (isAppError(err, 'VALIDATION')) return { status: 400, message: t('error.invalid', { issues: err.message }) };
  if (isAppError(err, 'CONFLICT')) return { status: 409, message: t('error.exists') };
  throw err;
}

/** Pages and API of the lists area. */
export const listsRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const service = createListsService(ctx);

  app.get('/lists', async (request, reply) => page(ctx, service, request, reply));

  app.post('/lists/subscriptions', async (request, reply) => {
    const input = { url: field(request.body, 'url'), category: field(request.body, 'category') };
    try {
      const { refresh } = await service.addSubscription(input);
      return reply.redirect(`/lists?refreshed=${refresh.outcome}#subs-title`, 303);
    } catch (err) {
      const { status, message } = refused(err, translator(listsMessages, request.lang));
      return page(ctx, service, request, reply, { status, values: { ...EMPTY_LISTS_FORM, subscription: input }, error: { form: 'subscription', message } });
    }
  });

  app.post('/lists/subscriptions/:id/refresh', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const { refresh } = await service.refreshSubscription(id);
    return reply.redirect(`/lists?refreshed=${refresh.outcome}#subs-title`, 303);
  });

  app.post('/lists/subscriptions/:id/remove', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    await service.removeSubscription(id);
    return reply.redirect('/lists?saved=1#subs-title', 303);
  });

  app.post('/lists/rules', async (request, reply) => {
    const kind = field(request.body, 'kind') === 'allow' ? 'allow' : 'block';
    const values = { name: field(request.body, 'name'), kind, subdomains: field(request.body, 'subdomains') === 'on' } as const;
    try {
      await service.addRule(ruleAddSchema.parse({ ...values, kind: field(request.body, 'kind') }));
      return reply.redirect('/lists?saved=1#rules-title', 303);
    } catch (err) {
      const { status, message } = refused(err, translator(listsMessages, request.lang));
      return page(ctx, service, request, reply, { status, values: { ...EMPTY_LISTS_FORM, rule: values }, error: { form: 'rule', message } });
    }
  });

  app.post('/lists/rules/remove', async (request, reply) => {
    const kind = field(request.body, 'kind');
    await service.removeRule(ruleRemoveSchema.parse({ name: field(request.body, 'name'), ...(kind !== '' ? { kind } : {}) }));
    return reply.redirect('/lists?saved=1#rules-title', 303);
  });

  app.get('/api/lists', {
    config: { doc: { summary: 'The shipped public lists kept up to date (licence, attribution, copy in use, last error), the catalog by category (with the profiles blocking each), the loaded lists, suggested subscriptions and subscriptions with their status (`source` set on a shipped list’s row)', returns: '{ shipped: [{ id, title, category, url, licence, sources, snapshotDate, inUse: kept-copy|snapshot, entries, subscriptionId (null: updates stopped by the parents), lastRefresh, lastSuccess, lastError, keepingPrevious }], listUpdates: on|off, categories: [{ id, title, entries: [{ id, title, description, subscription, shipped, loaded: { entries, issues } | null }], profiles: [{ id, name }] }], loaded: [{ id, category, entries, issues }], suggested: [{ id, category, title, description, url, subscribed }], subscriptions: [{ id, url, category, enabled, addedAt, etag, lastModified, lastRefresh, lastSuccess, lastError, entries, loadedEntries }], categoryChoices }' } },
  }, async () => service.read());

  app.post('/api/subscriptions', {
    config: { doc: { summary: 'Subscribes to a remote list (http or https) and downloads it now', body: subscriptionAddSchema, returns: '201 { subscription, refresh: { id, url, outcome: updated|unchanged|not-modified|failed, entries?, error? } }; 409 when already subscribed' } },
  }, async (request, reply) => reply.code(201).send(await service.addSubscription(request.body)));

  app.delete('/api/subscriptions/:id', {
    config: { doc: { summary: 'Unsubscribes and deletes the kept copy (a shipped list: stops updating it, remembered; its shipped copy is used)', returns: '{ removed: subscription }; 404 for an unknown id' } },
  }, async (request) => ({ removed: await service.removeSubscription(idParams.parse(request.params).id) }));

  app.post('/api/subscriptions/:id/refresh', {
    config: { doc: { summary: 'Downloads one subscribed list now (a failure keeps the previous copy and is reported in `refresh`)', returns: '{ subscription, refresh: { id, url, outcome, entries?, error? } }; 404 for an unknown id' } },
  }, async (request) => service.refreshSubscription(idParams.parse(request.params).id));

  app.get('/api/rules', {
    config: { doc: { summary: 'The global custom rules (every profile): allow beats every list, block adds to them', returns: '{ rules: [{ name, kind, subdomains, addedAt }] }' } },
  }, async () => ({ rules: service.rules() }));

  app.post('/api/rules', {
    config: { doc: { summary: 'Adds or replaces a global custom rule', body: ruleAddSchema, returns: '201 { rule: { name, kind, subdomains, addedAt } } (the name normalized: lower case, IDN in punycode)' } },
  }, async (request, reply) => reply.code(201).send({ rule: await service.addRule(ruleAddSchema.parse(request.body)) }));

  app.delete('/api/rules', {
    config: { doc: { summary: 'Removes the global rule(s) for a name (both kinds unless `kind` is given)', body: ruleRemoveSchema, returns: '{ removed: number of rules removed }; 404 when there was none' } },
  }, async (request) => ({ removed: await service.removeRule(ruleRemoveSchema.parse(request.body)) }));
};
