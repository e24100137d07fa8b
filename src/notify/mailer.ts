/**
 * Sends email over SMTP with nodemailer, from the stored settings: one connection per message
 * (a weekly email and rare alerts do not need a pool), bounded by timeouts so a dead server
 * cannot hold anything for long, and errors returned as values (never thrown): callers log
 * them and show them to the parents.
 */
import { createTransport } from 'nodemailer';
import type { WeeklyReport } from '../report/weekly-report.js';
import { renderReportEmail, type ReportEmailOptions } from '../report/render-email.js';
import type { ReportLang } from '../report/report-messages.js';
import type { EmailSettings } from './email-settings.js';

/** Connecting, the server's greeting, and silence on an open connection each give up after these. */
export const SMTP_TIMEOUTS = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 30_000 } as const;
/** Longest error text kept (shown on the page and stored in config.db). */
const MAX_ERROR_LENGTH = 300;

/** One email. */
export interface MailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Content-Language of the message. */
  readonly lang: ReportLang;
}

/** What became of a message. */
export type SendResult =
  | { readonly ok: true; readonly messageId: string; readonly accepted: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** A message sender (the real one is {@link sendMail}; tests inject others). */
export type SendMail = (settings: EmailSettings, message: MailMessage) => Promise<SendResult>;

/** An error as one short line for people (no stack, no line breaks). */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = message.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim() || 'unknown error';
  return line.length <= MAX_ERROR_LENGTH ? line : `${line.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

/** nodemailer's SMTP options for `settings`. */
function transportOptions(s: EmailSettings) {
  return {
    host: s.host,
    port: s.port,
    // 'tls': TLS from the first byte (usually port 465); 'starttls': upgrade required (587);
    // 'none': never upgrade (a relay on the home network only).
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    auth: s.user === '' ? undefined : { user: s.user, pass: s.password },
    connectionTimeout: SMTP_TIMEOUTS.connectionMs,
    greetingTimeout: SMTP_TIMEOUTS.greetingMs,
    socketTimeout: SMTP_TIMEOUTS.socketMs,
    // Certificates are verified (Node's default); nodemailer sets the SNI name from `host`.
    tls: { minVersion: 'TLSv1.2' as const },
    // Never read files or URLs named in a message (nothing here asks for it).
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Sends `message` to the settings' recipients. Never rejects. */
export const sendMail: SendMail = async (settings, message) => {
  const transport = createTransport(transportOptions(settings));
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to: [...settings.to],
      subject: message.subject,
      text: message.text,
      ...(message.html === undefined ? {} : { html: message.html }),
      headers: { 'Content-Language': message.lang },
    });
    return { ok: true, messageId: info.messageId, accepted: info.accepted.map(String) };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  } finally {
    transport.close();
  }
};

/** Sends the weekly report email of `report` in `lang` (default: the settings' language). Never rejects. */
export async function sendReportEmail(settings: EmailSettings, report: WeeklyReport, lang: ReportLang = settings.language, options: ReportEmailOptions & { send?: SendMail } = {}): Promise<SendResult> {
  const { send = sendMail, ...emailOptions } = options;
  try {
    const email = renderReportEmail(report, lang, emailOptions);
    return await send(settings, { subject: email.subject, text: email.text, html: email.html, lang });
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}
