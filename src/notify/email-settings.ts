/**
 * Email and alert settings, stored in config.db (`settings`, key 'email') as one JSON value:
 * the SMTP server and account, sender and recipients, the language of the emails, when the
 * weekly email goes (local weekday and time in VIGIE_TZ, default Sunday 18:00), the alerts
 * (email, webhook URL), and what the sender remembers (the last send and the last week sent).
 * Read back through zod: a bad stored value gives the defaults, never a crash.
 *
 * The SMTP password is stored as given (the mail server needs it in clear; config.db is
 * readable only by Vigie's user) and is never returned: {@link publicEmailSettings} says only
 * whether one is set.
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../errors.js';

/** How the connection to the mail server is protected. */
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export const EMAIL_LANGS = ['fr', 'en'] as const;
const SETTINGS_KEY = 'email';
const MAX_RECIPIENTS = 10;

const emailAddress = z.string().trim().max(254).pipe(z.email({ error: 'not an email address' }));
/** A host name or an IP address (no scheme, no port). */
const hostName = z.string().trim().max(253).regex(/^[A-Za-z0-9.\-:[\]]*$/, { error: 'a host name or IP address, without http:// or a port' });

/** An http(s) URL without spaces; other schemes are refused. */
export const webhookUrlSchema = z.string().trim().max(2000).refine((text) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}, { error: 'an http:// or https:// address' });

/** When the weekly email goes: local weekday (0 = Monday … 6 = Sunday) and time. */
export const emailScheduleSchema = z.strictObject({
  weekday: z.number().int().min(0).max(6),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time such as 18:00' }),
});
export type EmailSchedule = z.infer<typeof emailScheduleSchema>;

/** Default: Sunday 18:00. */
export const DEFAULT_SCHEDULE: EmailSchedule = { weekday: 6, time: '18:00' };

/** The result of the last weekly send. */
export const lastSendSchema = z.strictObject({ at: z.number(), ok: z.boolean(), error: z.string().nullable(), week: z.string().nullable().default(null) });
export type LastSend = z.infer<typeof lastSendSchema>;

const baseFields = {
  /** The weekly email is sent. */
  enabled: z.boolean().default(false),
  host: hostName.default(''),
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(SMTP_SECURITY).default('starttls'),
  user: z.string().max(256).default(''),
  from: z.union([z.literal(''), emailAddress]).default(''),
  to: z.array(emailAddress).max(MAX_RECIPIENTS).default([]),
  language: z.enum(EMAIL_LANGS).default('en'),
  schedule: emailScheduleSchema.default(DEFAULT_SCHEDULE),
  alerts: z.strictObject({
    email: z.boolean().default(false),
    webhookUrl: webhookUrlSchema.nullable().default(null),
  }).default({ email: false, webhookUrl: null }),
};

/** What is needed to send anything by email. */
function requireServer(s: { enabled: boolean; host: string; from: string; to: readonly string[]; alerts: { email: boolean } }, ctx: z.RefinementCtx): void {
  if (!s.enabled && !s.alerts.email) return;
  if (s.host === '') ctx.addIssue({ code: 'custom', path: ['host'], message: 'needed to send emails' });
  if (s.from === '') ctx.addIssue({ code: 'custom', path: ['from'], message: 'needed to send emails' });
  if (s.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'needed to send emails: at least one address' });
}

/**
 * What a parent sends (form or API): every field, defaults for those left out. `password`:
 * absent keeps the stored one, null removes it, a string replaces it.
 */
export const emailSettingsInputSchema = z.strictObject({
  ...baseFields,
  password: z.string().max(256).nullable().optional(),
}).superRefine(requireServer);
export type EmailSettingsInput = z.input<typeof emailSettingsInputSchema>;

const storedSchema = z.object({
  ...baseFields,
  password: z.string().max(256).default(''),
  lastSend: lastSendSchema.nullable().default(null),
  /** The last week whose weekly email went out (`2026-W48`): never sent twice. */
  lastSentWeek: z.string().nullable().default(null),
});

/** The settings as stored, password included (never send this to a page or the API). */
export type EmailSettings = z.infer<typeof storedSchema>;

/** What the page and the API show: no password, only whether one is set. */
export type PublicEmailSettings = Omit<EmailSettings, 'password' | 'lastSentWeek'> & { readonly passwordSet: boolean };

/** The defaults (nothing configured, email off). */
export function defaultEmailSettings(): EmailSettings {
  return storedSchema.parse({});
}

/** The stored settings, or the defaults when none (or an invalid value) is stored. */
export function readEmailSettings(db: Database.Database): EmailSettings {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTINGS_KEY) as { value?: unknown } | undefined;
  if (typeof row?.value !== 'string') return defaultEmailSettings();
  try {
    const parsed = storedSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : defaultEmailSettings();
  } catch {
    return defaultEmailSettings();
  }
}

function write(db: Database.Database, settings: EmailSettings): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SETTINGS_KEY, JSON.stringify(settings));
}

/** The settings without the password. */
export function publicEmailSettings(s: EmailSettings): PublicEmailSettings {
  const { password, lastSentWeek: _week, ...rest } = s;
  return { ...rest, passwordSet: password !== '' };
}

/**
 * Validates and stores a parent's settings (what the sender remembers is kept).
 * @throws ZodError for invalid input (the API turns it into 400 with the issues).
 */
export function updateEmailSettings(db: Database.Database, input: unknown): EmailSettings {
  const parsed = emailSettingsInputSchema.parse(input);
  return db.transaction(() => {
    const current = readEmailSettings(db);
    const { password, ...fields } = parsed;
    const next: EmailSettings = { ...current, ...fields, password: password === undefined ? current.password : password ?? '' };
    write(db, next);
    return next;
  })();
}

/** Records the outcome of a weekly send; on success, `week` becomes the last week sent. */
export function recordEmailSend(db: Database.Database, result: LastSend): void {
  db.transaction(() => {
    const current = readEmailSettings(db);
    write(db, { ...current, lastSend: result, lastSentWeek: result.ok && result.week !== null ? result.week : current.lastSentWeek });
  })();
}

/** True when an email can be sent: a server, a sender and at least one recipient. */
export function isMailConfigured(s: Pick<EmailSettings, 'host' | 'from' | 'to'>): boolean {
  return s.host !== '' && s.from !== '' && s.to.length > 0;
}

/** @throws AppError('VALIDATION') when no email can be sent with `s`. */
export function assertMailConfigured(s: EmailSettings): void {
  if (!isMailConfigured(s)) throw new AppError('VALIDATION', 'set the mail server, the sender and at least one recipient first');
}

/** What the overview shows about the weekly email: on or off, and the last send. */
export interface EmailStatus {
  readonly enabled: boolean;
  readonly lastSend: LastSend | null;
}

/** The weekly email's state for the overview page ("last weekly email failed: …"). */
export function emailStatusFromDb(db: Database.Database): EmailStatus {
  const s = readEmailSettings(db);
  return { enabled: s.enabled, lastSend: s.lastSend };
}
