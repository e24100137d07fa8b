/**
 * Email and alerts settings: the page /settings/email (one form, "send a test email now",
 * "send a test alert") and the JSON API /api/email-settings (GET, PUT; the SMTP password is
 * write-only), /api/email-settings/test and /api/alerts/test. Settings live in config.db
 * (src/notify/email-settings.ts); the weekly sender and the alerter read them when they need
 * them, so a save applies without `ctx.changed()` (nothing of the DNS policy changes).
 * Also exports {@link emailStatus} for the overview page.
 */
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, isAppError } from '../../errors.js';
import { deliverAlert, DEFAULT_ALERT_SENDERS, type AlertDelivery } from '../../notify/alerts.js';
import {
  emailSettingsInputSchema, emailStatusFromDb, isMailConfigured, publicEmailSettings, readEmailSettings, updateEmailSettings, type EmailStatus,
} from '../../notify/email-settings.js';
import { sendReportEmail, type SendResult } from '../../notify/mailer.js';
import { nextDue } from '../../notify/weekly-sender.js';
import { createReportRunner, type ReportRunner } from '../../report/generate-report.js';
import { REPORT_EMAIL_MESSAGES } from '../../report/report-email-messages.js';
import { CONFIG_DB_FILE } from '../../store/config-database.js';
import type { AdminContext } from '../context.js';
import { emailMessages } from '../messages/email.js';
import { layoutMessages } from '../messages/layout.js';
import { translator } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { formValuesOf, renderEmailSettings, type EmailFormValues, type EmailNotice } from '../views/email-settings.js';

/** The weekly email's state, for the overview ("last weekly email failed: …"). */
export function emailStatus(ctx: AdminContext): EmailStatus {
  return emailStatusFromDb(ctx.db);
}

function text(body: unknown, key: string): string {
  const value = (body as Record<string, unknown> | null | undefined)?.[key];
  return typeof value === 'string' ? value : '';
}

/** The form as typed (to show it again when refused). */
function typedValues(body: unknown): EmailFormValues {
  return {
    enabled: text(body, 'enabled') === 'on', host: text(body, 'host'), port: text(body, 'port'), security: text(body, 'security'), user: text(body, 'user'),
    from: text(body, 'from'), to: text(body, 'to'), language: text(body, 'language'), weekday: text(body, 'weekday'), time: text(body, 'time'),
    alertsEmail: text(body, 'alertsEmail') === 'on', webhookUrl: text(body, 'webhookUrl'),
  };
}

/** The API input built from the form (zod validates it; an empty password keeps the stored one). */
function inputFromForm(body: unknown): unknown {
  const v = typedValues(body);
  const password = text(body, 'password');
  const num = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));
  return {
    enabled: v.enabled, host: v.host, port: num(v.port), security: v.security, user: v.user, from: v.from,
    to: v.to.split(/[\s,;]+/).filter((a) => a !== ''), language: v.language,
    schedule: { weekday: num(v.weekday), time: v.time },
    alerts: { email: v.alertsEmail, webhookUrl: v.webhookUrl.trim() === '' ? null : v.webhookUrl },
    ...(text(body, 'clearPassword') === 'on' ? { password: null } : password === '' ? {} : { password }),
  };
}

function issuesText(err: ZodError): string {
  return err.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Sends this week's report so far, marked as a test. @throws AppError('VALIDATION') when email is not set up. */
async function sendTestEmail(ctx: AdminContext, runner: ReportRunner): Promise<SendResult> {
  const settings = readEmailSettings(ctx.db);
  if (!isMailConfigured(settings)) throw new AppError('VALIDATION', 'set the mail server, the sender and at least one recipient first');
  try {
    const now = ctx.clock();
    const report = await runner.generate({
      logsFile: join(ctx.config.dataDir, 'logs.db'), configFile: join(ctx.config.dataDir, CONFIG_DB_FILE), listsDir: ctx.config.listsDir, timeZone: ctx.config.tz, week: 'this', now,
    });
    return await sendReportEmail(settings, report, settings.language, { test: true });
  } catch (err) {
    ctx.logger.warn({ err }, 'test email: the report could not be built');
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Sends a test alert on the channels turned on. @throws AppError('VALIDATION') when none is. */
async function sendTestAlert(ctx: AdminContext): Promise<AlertDelivery> {
  const settings = readEmailSettings(ctx.db);
  const byEmail = settings.alerts.email && isMailConfigured(settings);
  if (!byEmail && settings.alerts.webhookUrl === null) throw new AppError('VALIDATION', 'turn on alert emails or set a webhook URL first');
  const e = REPORT_EMAIL_MESSAGES[settings.language];
  return deliverAlert(settings, { title: e.alertTestSubject, message: e.alertTestText }, DEFAULT_ALERT_SENDERS);
}

/** Pages and API of the email and alerts settings. */
export const emailSettingsRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const runner = createReportRunner();
  app.addHook('onClose', async () => {
    await runner.close();
  });

  const view = () => {
    const settings = readEmailSettings(ctx.db);
    return { settings, pub: publicEmailSettings(settings), nextSend: settings.enabled ? nextDue(ctx.clock(), settings.schedule, ctx.config.tz) : null };
  };

  const page = (request: FastifyRequest, reply: FastifyReply, opts: { status?: number; values?: EmailFormValues; notice?: EmailNotice | null } = {}) => {
    const t = translator(emailMessages, request.lang);
    const { settings, pub, nextSend } = view();
    const neverSet = settings.host === '' && !settings.enabled && settings.to.length === 0;
    const values = opts.values ?? { ...formValuesOf(pub), ...(neverSet ? { language: request.lang } : {}) };
    const saved = (request.query as Record<string, unknown>).saved === '1';
    const notice = opts.notice ?? (saved ? { kind: 'ok' as const, lines: [translator(layoutMessages, request.lang)('flash.saved')] } : null);
    return sendPage(request, reply, {
      title: t('title'), active: 'settings', status: opts.status ?? 200,
      body: renderEmailSettings({ lang: request.lang, timeZone: ctx.config.tz, settings: pub, values, nextSend, csrf: csrfField(request), notice }),
    });
  };

  app.get('/settings/email', async (request, reply) => page(request, reply));

  app.post('/settings/email', async (request, reply) => {
    try {
      updateEmailSettings(ctx.db, inputFromForm(request.body));
      return reply.redirect('/settings/email?saved=1', 303);
    } catch (err) {
      if (!(err instanceof ZodError)) throw err;
      const t = translator(emailMessages, request.lang);
      return page(request, reply, { status: 400, values: typedValues(request.body), notice: { kind: 'error', lines: [t('error.invalid', { issues: issuesText(err) })] } });
    }
  });

  app.post('/settings/email/test', async (request, reply) => {
    const t = translator(emailMessages, request.lang);
    const settings = readEmailSettings(ctx.db);
    if (!isMailConfigured(settings)) return page(request, reply, { status: 400, notice: { kind: 'error', lines: [t('test.notConfigured')] } });
    const result = await sendTestEmail(ctx, runner);
    const notice: EmailNotice = result.ok ? { kind: 'ok', lines: [t('test.email.ok', { to: settings.to.join(', ') })] } : { kind: 'error', lines: [t('test.email.failed', { error: result.error })] };
    return page(request, reply, { notice });
  });

  app.post('/settings/email/test-alert', async (request, reply) => {
    const t = translator(emailMessages, request.lang);
    let delivery: AlertDelivery;
    try {
      delivery = await sendTestAlert(ctx);
    } catch (err) {
      if (!isAppError(err, 'VALIDATION')) throw err;
      return page(request, reply, { status: 400, notice: { kind: 'error', lines: [t('test.alert.notConfigured')] } });
    }
    const lines: string[] = [];
    if (delivery.email) lines.push(delivery.email.ok ? t('test.alert.ok.email') : t('test.alert.failed.email', { error: delivery.email.error }));
    if (delivery.webhook) lines.push(delivery.webhook.ok ? t('test.alert.ok.webhook') : t('test.alert.failed.webhook', { error: delivery.webhook.error }));
    const failed = delivery.email?.ok === false || delivery.webhook?.ok === false;
    return page(request, reply, { notice: { kind: failed ? 'error' : 'ok', lines } });
  });

  app.get('/api/email-settings', {
    config: { doc: { summary: 'The email and alert settings (never the SMTP password: passwordSet says whether one is saved), the last weekly send and the next one', returns: '{ enabled, host, port, security, user, passwordSet, from, to: [...], language, schedule: { weekday (0 = Monday), time }, alerts: { email, webhookUrl }, lastSend: { at, ok, error, week } | null, nextSend: ms | null }' } },
  }, async () => {
    const { pub, nextSend } = view();
    return { ...pub, nextSend };
  });

  app.put('/api/email-settings', {
    config: { doc: { summary: 'Replaces the email and alert settings (fields left out get their defaults; password: absent keeps the saved one, null removes it)', body: emailSettingsInputSchema, returns: 'the settings, as GET /api/email-settings' } },
  }, async (request) => {
    updateEmailSettings(ctx.db, request.body);
    const { pub, nextSend } = view();
    return { ...pub, nextSend };
  });

  app.post('/api/email-settings/test', {
    config: { doc: { summary: 'Sends this week’s report so far to the recipients now, marked as a test, with the saved settings', returns: '{ ok: true, messageId, accepted: [...] } or { ok: false, error } (the SMTP error); 400 when the server, sender or recipients are not set' } },
  }, async () => sendTestEmail(ctx, runner));

  app.post('/api/alerts/test', {
    config: { doc: { summary: 'Sends a test alert by email (when alert emails are on) and to the webhook (when set)', returns: '{ email?: { ok, error? }, webhook?: { ok, status? , error? } }; 400 when no alert channel is set' } },
  }, async () => sendTestAlert(ctx));
};
