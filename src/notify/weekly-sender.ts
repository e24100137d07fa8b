/**
 * Sends the weekly report email at the parents' chosen local weekday and time (VIGIE_TZ; default
 * Sunday 18:00). At Sunday 18:00 the week is nearly over: the email reports the CURRENT week up
 * to that moment, and its subject says so ("week 48 (to Sunday 18:00)"). A schedule early in the
 * week (Monday to Wednesday) reports the previous, complete week instead: a Monday-morning email
 * about a week that began hours ago would be empty.
 *
 * The last week sent is stored (config.db, email settings), so a restart never sends it twice;
 * a send missed while the box was off is made once at the next start, if that is within 24 h of
 * the scheduled time. A failure is stored (lastSend, shown on the overview) and logged, and
 * retried twice, 15 minutes apart; nothing throws. The clock and the timer are injected.
 */
import type Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { localDateParts } from '../policy/local-time.js';
import type { Clock } from '../resolver/types.js';
import { previousWeek, weekContaining, type ReportWeek } from '../report/week.js';
import type { WeeklyReport } from '../report/weekly-report.js';
import { isMailConfigured, readEmailSettings, recordEmailSend, type EmailSchedule, type EmailSettings } from './email-settings.js';
import { errorText, sendMail, sendReportEmail, type SendMail, type SendResult } from './mailer.js';

/** Settings are read again at least this often (a changed schedule applies within a minute). */
export const CHECK_INTERVAL_MS = 60_000;
/** A missed send is still made this long after its time, not later. */
export const CATCH_UP_MS = 24 * 3_600_000;
/** After a failure, the next try waits this long; at most this many tries per week. */
export const RETRY_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 3;

/** setTimeout-like timer (tests drive a fake one). */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The real timer; it never keeps the process alive. */
export const realTimer: Timer = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface WeeklySenderDeps {
  /** config.db (email settings). */
  readonly db: Database.Database;
  readonly clock: Clock;
  /** VIGIE_TZ. */
  readonly timeZone: string;
  readonly logger: Logger;
  /** Builds the report of `week` (`2026-W48`) as of `now` (a worker thread in the server). */
  readonly generate: (week: string, now: number) => Promise<WeeklyReport>;
  /** Default: SMTP with nodemailer. */
  readonly send?: SendMail;
  readonly timer?: Timer;
}

/** What one check did. */
export type WeeklyCheck = 'sent' | 'failed' | 'idle';

export interface WeeklySender {
  /** Checks at once (a missed send is caught up), then on a timer. */
  start(): void;
  /** Stops the timer; resolves when a send in progress has finished. */
  stop(): Promise<void>;
  /** Sends now if an email is due (what the timer runs). */
  check(): Promise<WeeklyCheck>;
}

const MINUTE_MS = 60_000;

/**
 * The instant the schedule falls on in `week`: local weekday and wall time, DST-correct (on a
 * day when the clocks change, 18:00 is still 18:00 local).
 */
export function scheduledInstant(week: ReportWeek, schedule: EmailSchedule, timeZone: string): number {
  const [hour, minute] = schedule.time.split(':').map(Number) as [number, number];
  const wanted = hour * 60 + minute;
  let at = (week.dayStarts[schedule.weekday] as number) + wanted * MINUTE_MS;
  // The day may have lasted 23 or 25 h before that time: correct by the wall-clock difference.
  for (let i = 0; i < 2; i++) {
    const p = localDateParts(at, timeZone);
    const diff = wanted - (p.hour * 60 + p.minute);
    if (diff === 0) break;
    at += diff * MINUTE_MS;
  }
  return at;
}

/** The week an email sent in `week` reports on: that week from Thursday on, the previous one before. */
function reportedWeek(week: ReportWeek, schedule: EmailSchedule, timeZone: string): ReportWeek {
  return schedule.weekday >= 3 ? week : previousWeek(week, timeZone);
}

/** The latest scheduled instant at or before `now`, and the week its email reports on. */
export function lastDue(now: number, schedule: EmailSchedule, timeZone: string): { due: number; week: ReportWeek } {
  const current = weekContaining(now, timeZone);
  const dueNow = scheduledInstant(current, schedule, timeZone);
  const sendWeek = dueNow <= now ? current : previousWeek(current, timeZone);
  const due = sendWeek === current ? dueNow : scheduledInstant(sendWeek, schedule, timeZone);
  return { due, week: reportedWeek(sendWeek, schedule, timeZone) };
}

/** The first scheduled instant after `now`. */
export function nextDue(now: number, schedule: EmailSchedule, timeZone: string): number {
  const current = weekContaining(now, timeZone);
  const dueNow = scheduledInstant(current, schedule, timeZone);
  return dueNow > now ? dueNow : scheduledInstant(weekContaining(current.end, timeZone), schedule, timeZone);
}

/** Creates the sender (not started). */
export function createWeeklySender(deps: WeeklySenderDeps): WeeklySender {
  const { db, clock, timeZone, logger, generate, send = sendMail, timer = realTimer } = deps;
  const attempts = new Map<string, { count: number; nextAt: number }>();
  let handle: unknown = null;
  let running: Promise<WeeklyCheck> | null = null;
  let stopped = true;

  const sendWeek = async (settings: EmailSettings, week: string, now: number): Promise<SendResult> => {
    try {
      return await sendReportEmail(settings, await generate(week, now), settings.language, { send });
    } catch (err) {
      return { ok: false, error: errorText(err) };
    }
  };

  const run = async (): Promise<WeeklyCheck> => {
    const settings = readEmailSettings(db);
    if (!settings.enabled || !isMailConfigured(settings)) return 'idle';
    const now = clock();
    const { due, week } = lastDue(now, settings.schedule, timeZone);
    if (settings.lastSentWeek === week.id || now - due > CATCH_UP_MS) return 'idle';
    const tries = attempts.get(week.id);
    if (tries !== undefined && (tries.count >= MAX_ATTEMPTS || now < tries.nextAt)) return 'idle';
    const result = await sendWeek(settings, week.id, now);
    recordEmailSend(db, { at: clock(), ok: result.ok, error: result.ok ? null : result.error, week: week.id });
    if (result.ok) {
      attempts.delete(week.id);
      logger.info({ week: week.id, recipients: settings.to.length }, 'weekly report email sent');
      return 'sent';
    }
    const count = (tries?.count ?? 0) + 1;
    attempts.set(week.id, { count, nextAt: now + RETRY_MS });
    logger.warn({ week: week.id, err: result.error, attempt: count, retry: count < MAX_ATTEMPTS }, 'the weekly report email could not be sent');
    return 'failed';
  };

  const check = (): Promise<WeeklyCheck> => {
    running ??= run()
      .catch((err: unknown) => {
        logger.error({ err }, 'weekly report email check failed');
        return 'failed' as const;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (): void => {
    if (stopped) return;
    let wait = CHECK_INTERVAL_MS;
    try {
      wait = Math.min(CHECK_INTERVAL_MS, Math.max(1000, nextDue(clock(), readEmailSettings(db).schedule, timeZone) - clock()));
    } catch (err) {
      logger.warn({ err }, 'cannot read the email schedule');
    }
    handle = timer.set(() => void tick(), wait);
  };

  const tick = async (): Promise<void> => {
    handle = null;
    await check();
    schedule();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      void tick();
    },
    async stop() {
      stopped = true;
      if (handle !== null) timer.clear(handle);
      handle = null;
      await running;
    },
    check,
  };
}
