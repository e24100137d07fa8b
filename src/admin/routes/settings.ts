/**
 * Settings: block mode, upstreams and retention (config.db through the runtime settings store,
 * applied with ctx.changed()), the boot-only values read-only, the password and the API tokens
 * (through src/admin/auth/admin-store.ts). Pages under /settings; JSON at /api/settings and
 * /api/tokens. Tokens are created and revoked only from a browser session: a leaked token cannot
 * mint itself a successor.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { formatUpstream } from '../../config-upstream.js';
import { AppError, isAppError } from '../../errors.js';
import { createRuntimeSettingsStore, runtimeSettingsPatchSchema } from '../../settings/runtime-settings.js';
import { changePassword, createToken, listTokens, revokeToken, type CurrentPasswordCheck } from '../auth/admin-store.js';
import { refusalMessage, retryAfter } from '../auth/auth-pages.js';
import { rememberDevice } from '../auth/remembered-device.js';
import { MIN_PASSWORD_LENGTH } from '../auth/password.js';
import type { AdminContext } from '../context.js';
import { layoutMessages } from '../messages/layout.js';
import { settingsMessages } from '../messages/settings.js';
import { translator } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { passwordFormSchema, patchFromForm, tokenCreateSchema } from '../schemas/settings.js';
import { renderSettings, renderTokenCreated, type SettingsData, type SettingsSection, type SettingsView } from '../views/settings.js';

const idParams = z.object({ id: z.string().min(1).max(100) });
const FORM_SECTIONS = { 'block-mode': 'blockMode', upstreams: 'upstreams', retention: 'retentionDays' } as const;

function field(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

function issuesText(err: ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** The settings in force, what was set here, and the boot-only values. */
export function readSettings(ctx: AdminContext): SettingsData {
  const store = createRuntimeSettingsStore({ db: ctx.db, config: ctx.config });
  const current = store.current();
  const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  return {
    blockMode: current.blockMode,
    upstreams: current.upstreams.map(formatUpstream),
    retentionDays: current.retentionDays,
    stored: store.stored(),
    boot: { timeZone: ctx.config.tz, dnsListen: ctx.config.dns.hosts.map((h) => hostPort(h, ctx.config.dns.port)), adminListen: hostPort(ctx.config.admin.host, ctx.config.admin.port) },
  };
}

/** Validates (400 with zod issues), stores and applies a patch. */
async function applyPatch(ctx: AdminContext, body: unknown): Promise<SettingsData> {
  const patch = runtimeSettingsPatchSchema.parse(body);
  createRuntimeSettingsStore({ db: ctx.db, config: ctx.config }).update(patch);
  await ctx.changed();
  return readSettings(ctx);
}

function requireSession(request: FastifyRequest): void {
  if (request.auth?.kind !== 'session') throw new AppError('FORBIDDEN', 'API tokens can only be created or revoked from a logged-in browser session');
}

/** Pages and API of the settings area. */
export const settingsRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const page = (request: FastifyRequest, reply: FastifyReply, opts: { status?: number; flash?: string | null; typed?: SettingsView['typed']; error?: { section: SettingsSection; message: string } } = {}) => {
    const t = translator(settingsMessages, request.lang);
    const saved = (request.query as Record<string, unknown>).saved;
    const flash = opts.flash !== undefined ? opts.flash
      : saved === 'password' ? t('password.changed') : saved === 'password-tokens' ? t('password.changedTokens') : saved === '1' ? translator(layoutMessages, request.lang)('flash.saved') : null;
    return sendPage(request, reply, {
      title: t('title'), active: 'settings', status: opts.status ?? 200, flash: opts.error ? null : flash,
      body: renderSettings({ lang: request.lang, timeZone: ctx.config.tz, data: readSettings(ctx), tokens: listTokens(ctx), csrf: csrfField(request), ...(opts.typed ? { typed: opts.typed } : {}), error: opts.error ?? null }),
    });
  };

  app.get('/settings', async (request, reply) => page(request, reply));

  for (const [path, section] of Object.entries(FORM_SECTIONS)) {
    app.post(`/settings/${path}`, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        await applyPatch(ctx, patchFromForm(section, body));
        return reply.redirect('/settings?saved=1', 303);
      } catch (err) {
        if (!(err instanceof ZodError) && !isAppError(err, 'VALIDATION')) throw err;
        const t = translator(settingsMessages, request.lang);
        const message = t('error.invalid', { issues: err instanceof ZodError ? issuesText(err) : err.message });
        const typed = section === 'upstreams' ? { upstreams: field(body, 'upstreams') } : section === 'retentionDays' ? { retentionDays: field(body, 'retentionDays') } : {};
        return page(request, reply, { status: 400, typed, error: { section, message } });
      }
    });
  }

  app.post('/settings/password', async (request, reply) => {
    const t = translator(settingsMessages, request.lang);
    const form = passwordFormSchema.safeParse({ current: field(request.body, 'current'), next: field(request.body, 'next'), confirm: field(request.body, 'confirm') });
    const refuse = (message: string) => page(request, reply, { status: 400, error: { section: 'password', message } });
    if (!form.success) return refuse(t('error.invalid', { issues: issuesText(form.error) }));
    if (form.data.next !== form.data.confirm) return refuse(t('password.mismatch'));
    const keep = request.auth?.kind === 'session' ? { keepSessionId: request.auth.sessionId } : {};
    // The current password is a password guess like a login's: same limiter, same address. The
    // caller is logged in, so it is not slowed down with strangers (only the per-address limit).
    const guard: CurrentPasswordCheck = (check) => app.passwordGate.attempt({ address: request.ip, remembered: true }, check);
    const revokeTokens = field(request.body, 'revokeTokens') === 'on';
    const result = await changePassword(ctx, form.data.current, form.data.next, { ...keep, revokeTokens, guard });
    // The new password forgot every remembered browser (remembered-device.ts) but this one.
    if (result.ok && request.auth?.kind === 'session') rememberDevice(request, reply, ctx.db, ctx.clock);
    if (result.ok) return reply.redirect(result.tokensRevoked > 0 ? '/settings?saved=password-tokens' : '/settings?saved=password', 303);
    if ('refused' in result) {
      retryAfter(reply, result.refused);
      return page(request, reply, { status: 429, error: { section: 'password', message: refusalMessage(request, result.refused) } });
    }
    const messages = { WRONG_PASSWORD: t('password.wrong'), TOO_SHORT: t('password.tooShort', { min: MIN_PASSWORD_LENGTH }), TOO_COMMON: t('password.tooCommon'), DAMAGED_HASH: t('password.damaged') };
    return refuse(messages[result.problem]);
  });

  app.post('/settings/tokens', async (request, reply) => {
    requireSession(request);
    const t = translator(settingsMessages, request.lang);
    const name = field(request.body, 'name');
    const parsed = tokenCreateSchema.safeParse({ name });
    if (!parsed.success) return page(request, reply, { status: 400, typed: { tokenName: name }, error: { section: 'tokens', message: t('error.invalid', { issues: issuesText(parsed.error) }) } });
    try {
      const token = createToken(ctx, parsed.data.name);
      return sendPage(request, reply, { title: t('tokens.created.title'), active: 'settings', body: renderTokenCreated(request.lang, token) });
    } catch (err) {
      if (!isAppError(err, 'CONFLICT')) throw err;
      return page(request, reply, { status: 409, typed: { tokenName: name }, error: { section: 'tokens', message: t('tokens.exists') } });
    }
  });

  app.post('/settings/tokens/:id/revoke', async (request, reply) => {
    requireSession(request);
    if (!revokeToken(ctx, idParams.parse(request.params).id)) throw new AppError('NOT_FOUND', 'no such token');
    return reply.redirect('/settings?saved=1#tokens-title', 303);
  });

  app.get('/api/settings', {
    config: { doc: { summary: 'The settings in force (stored over the boot configuration), what was set from the page, and the boot-only values', returns: '{ blockMode, upstreams: ["udp://1.1.1.1:53", …], retentionDays, stored: { blockMode, upstreams, retentionDays } (null: not set here), boot: { timeZone, dnsListen, adminListen } }' } },
  }, async () => readSettings(ctx));

  app.patch('/api/settings', {
    config: { doc: { summary: 'Changes the block mode, the upstreams or the retention; null resets one to the boot configuration / default', body: runtimeSettingsPatchSchema, returns: 'the settings, as GET /api/settings' } },
  }, async (request) => applyPatch(ctx, request.body));

  app.get('/api/tokens', {
    config: { doc: { summary: 'The API tokens (never their secrets)', returns: '{ tokens: [{ id, name, createdAt, lastUsed }] }' } },
  }, async () => ({ tokens: listTokens(ctx) }));

  app.post('/api/tokens', {
    config: { doc: { summary: 'Creates an API token (browser session only: 403 with a token)', body: tokenCreateSchema, returns: '201 { id, name, createdAt, lastUsed, secret } (the secret is shown only this once); 409 when the name is taken' } },
  }, async (request, reply) => {
    requireSession(request);
    const { name } = tokenCreateSchema.parse(request.body);
    return reply.code(201).send(createToken(ctx, name));
  });

  app.delete('/api/tokens/:id', {
    config: { doc: { summary: 'Revokes an API token by id or name (browser session only: 403 with a token)', returns: '204, no body; 404 for an unknown token' } },
  }, async (request, reply) => {
    requireSession(request);
    if (!revokeToken(ctx, idParams.parse(request.params).id)) throw new AppError('NOT_FOUND', 'no such token');
    return reply.code(204).send();
  });
};
