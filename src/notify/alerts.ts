/**
 * Immediate alerts when a device tries a high-risk category (anonymous chat, random video chat,
 * teen meetup apps: HIGH_RISK_CATEGORIES of the report), by email and/or a webhook (ntfy,
 * Gotify), at most one per device and category per hour.
 *
 * `onBlocked` is called on the DNS path for every blocked answer, so it only checks the category
 * and an in-memory map (bounded: the oldest entries go first) and queues the alert; the settings
 * are read and the alert sent later, off the query path, one at a time, from a small bounded
 * queue (a flood drops alerts, never memory or DNS time). Device and query names come from the
 * network: they are sent as plain text, without control or bidi characters, cut to a length.
 */
import type { Logger } from '../log.js';
import type { Clock } from '../resolver/types.js';
import { plainLabel } from '../report/report-format.js';
import { REPORT_EMAIL_MESSAGES } from '../report/report-email-messages.js';
import { reportLocale } from '../report/report-messages.js';
import { HIGH_RISK_CATEGORIES } from '../report/weekly-report.js';
import { isMailConfigured, type EmailSettings } from './email-settings.js';
import { sendMail, type SendMail, type SendResult } from './mailer.js';
import { postWebhook, type WebhookAlert, type WebhookResult } from './webhook.js';

/** A blocked attempt as the record stage sees it. */
export interface BlockedAttemptInfo {
  readonly time: number;
  readonly deviceId: string;
  /** What parents call the device (name, hostname or address). */
  readonly deviceName: string;
  readonly category: string;
  /** The name asked for. */
  readonly name: string;
}

/** How alerts go out (defaults: SMTP and fetch). */
export interface AlertSenders {
  readonly email: SendMail;
  readonly webhook: (url: string, alert: WebhookAlert) => Promise<WebhookResult>;
}

export const DEFAULT_ALERT_SENDERS: AlertSenders = { email: sendMail, webhook: (url, alert) => postWebhook(url, alert) };

export interface AlerterDeps {
  readonly clock: Clock;
  /** The current email and alert settings (read off the DNS path, once per alert). */
  readonly settings: () => EmailSettings;
  readonly send?: Partial<AlertSenders>;
  readonly logger: Logger;
  /** VIGIE_TZ, for the time in the text. */
  readonly timeZone: string;
  /** Default HIGH_RISK_CATEGORIES. */
  readonly categories?: readonly string[];
  /** Default 1 h. */
  readonly intervalMs?: number;
  /** Device × category pairs remembered (default 1,024). */
  readonly maxTracked?: number;
  /** Alerts waiting to be sent (default 16); more are dropped. */
  readonly maxQueued?: number;
}

/** What one alert delivery did, per channel (absent: channel off). */
export interface AlertDelivery {
  readonly email?: SendResult;
  readonly webhook?: WebhookResult;
}

export interface Alerter {
  /** Called for every blocked answer; returns at once. */
  onBlocked(attempt: BlockedAttemptInfo): void;
  /** Whether attempts of `category` can alert at all (lets the DNS path skip building the attempt). */
  watches(category: string): boolean;
  /** Resolves when the queue is empty (tests, shutdown). */
  idle(): Promise<void>;
  /** Alerts dropped because the queue was full. */
  dropped(): number;
  /** Drops what is queued and ignores what comes next (shutdown); a delivery under way finishes. */
  stop(): void;
}

export const ALERT_INTERVAL_MS = 3_600_000;

/** The alert's title and text in the settings' language. */
export function alertText(attempt: BlockedAttemptInfo, lang: EmailSettings['language'], timeZone: string): WebhookAlert {
  const e = REPORT_EMAIL_MESSAGES[lang];
  const device = plainLabel(attempt.deviceName, 64) || plainLabel(attempt.deviceId, 64);
  const what = e.risk[attempt.category] ?? plainLabel(attempt.category, 40);
  const when = new Intl.DateTimeFormat(reportLocale(lang), { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(attempt.time);
  return { title: e.alertSubject(device, what), message: e.alertText(device, plainLabel(attempt.name, 120), what, when) };
}

/** Sends `alert` on every channel the settings turn on. Never rejects. */
export async function deliverAlert(settings: EmailSettings, alert: WebhookAlert, senders: AlertSenders): Promise<AlertDelivery> {
  const email = settings.alerts.email && isMailConfigured(settings)
    ? senders.email(settings, { subject: alert.title, text: `${alert.message}\n`, lang: settings.language })
    : undefined;
  const url = settings.alerts.webhookUrl;
  const webhook = url === null ? undefined : senders.webhook(url, alert);
  const [e, w] = await Promise.all([email, webhook]);
  return { ...(e === undefined ? {} : { email: e }), ...(w === undefined ? {} : { webhook: w }) };
}

/** Creates the alerter. */
export function createAlerter(deps: AlerterDeps): Alerter {
  const { clock, logger, timeZone, intervalMs = ALERT_INTERVAL_MS, maxTracked = 1024, maxQueued = 16 } = deps;
  const senders: AlertSenders = { ...DEFAULT_ALERT_SENDERS, ...deps.send };
  const categories = new Set(deps.categories ?? HIGH_RISK_CATEGORIES);
  // Insertion order = order of the last alert: the first key is always the oldest.
  const recent = new Map<string, number>();
  const queue: BlockedAttemptInfo[] = [];
  let draining: Promise<void> | null = null;
  let droppedCount = 0;
  let stopped = false;

  const deliver = async (attempt: BlockedAttemptInfo): Promise<void> => {
    const settings = deps.settings();
    if (!settings.alerts.email && settings.alerts.webhookUrl === null) return;
    const result = await deliverAlert(settings, alertText(attempt, settings.language, timeZone), senders);
    for (const [channel, r] of Object.entries(result) as Array<[string, SendResult | WebhookResult]>) {
      if (r.ok) logger.info({ device: attempt.deviceId, reason: attempt.category, channel }, 'alert sent');
      else logger.warn({ device: attempt.deviceId, reason: attempt.category, channel, err: r.error }, 'alert could not be sent');
    }
  };

  const drain = async (): Promise<void> => {
    // Let the DNS answer go out first: nothing of the delivery runs inside onBlocked.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      try {
        await deliver(next);
      } catch (err) {
        logger.warn({ err, device: next.deviceId }, 'alert failed');
      }
    }
  };

  const startDrain = (): void => {
    if (draining !== null) return;
    draining = drain().finally(() => {
      draining = null;
      if (queue.length > 0) startDrain(); // queued while the last delivery was finishing
    });
  };

  const remember = (key: string, now: number): void => {
    recent.delete(key);
    recent.set(key, now);
    while (recent.size > maxTracked) {
      const oldest = recent.keys().next().value as string;
      recent.delete(oldest);
    }
  };

  return {
    watches: (category) => categories.has(category),
    onBlocked(attempt) {
      if (stopped || !categories.has(attempt.category)) return;
      const key = `${attempt.deviceId}\u0000${attempt.category}`;
      const now = clock();
      const last = recent.get(key);
      if (last !== undefined && now - last < intervalMs && now >= last) return;
      remember(key, now);
      if (queue.length >= maxQueued) {
        droppedCount++;
        return;
      }
      queue.push(attempt);
      startDrain();
    },
    async idle() {
      while (draining !== null) await draining;
    },
    dropped: () => droppedCount,
    stop() {
      stopped = true;
      queue.length = 0;
    },
  };
}
