/**
 * The weekly sender with a fake clock and timer against a real SMTP server on loopback: it fires
 * at Sunday 18:00 Europe/Paris with the current week "to Sunday 18:00", never twice (not even
 * after a restart), catches a missed send up once within 24 h, and a failing server leaves
 * lastSend.error set and a log line, without throwing.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmailSettings } from '../../src/notify/email-settings.js';
import { createWeeklySender, lastDue, MAX_ATTEMPTS, nextDue, RETRY_MS, scheduledInstant, type Timer, type WeeklySender } from '../../src/notify/weekly-sender.js';
import { reportWeek } from '../../src/report/week.js';
import { useTempDir } from '../report/report-fixtures.js';
import { capturingLogger, configureEmail, PARIS, reportGenerator, seedData, SUNDAY_18H, w48 } from './notify-fixtures.js';
import { closedPort, parseMail, startSmtpServer, type SmtpTestServer } from './smtp-test-server.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A fake clock and timer: `step()` jumps the clock to the pending timer and runs it. */
function fakeTime(start: number) {
  const state = { now: start, pending: null as { fn: () => void; at: number; ms: number } | null };
  const timer: Timer = {
    set(fn, ms) {
      state.pending = { fn, at: state.now + ms, ms };
      return state.pending;
    },
    clear(handle) {
      if (state.pending === handle) state.pending = null;
    },
  };
  /** Waits until the sender has set its next timer (after a check). */
  const settled = async (previous: unknown): Promise<void> => {
    for (let i = 0; i < 500 && (state.pending === null || state.pending === previous); i++) await new Promise((r) => setTimeout(r, 5));
    if (state.pending === null || state.pending === previous) throw new Error('the sender set no new timer');
  };
  return {
    state,
    timer,
    clock: () => state.now,
    settled,
    async step(): Promise<number> {
      const p = state.pending;
      if (p === null) throw new Error('no timer pending');
      state.now = p.at;
      p.fn();
      await settled(p);
      return p.ms;
    },
  };
}

let smtp: SmtpTestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});

describe('when the weekly email is due', () => {
  it('is Sunday 18:00 local, DST-correct, and reports this week from Thursday on', () => {
    const schedule = { weekday: 6, time: '18:00' };
    expect(scheduledInstant(reportWeek(2026, 48, PARIS), schedule, PARIS)).toBe(SUNDAY_18H);
    // 29 March 2026: Paris moves to UTC+2 at 02:00; 18:00 local is 16:00 UTC.
    expect(scheduledInstant(reportWeek(2026, 13, PARIS), schedule, PARIS)).toBe(Date.UTC(2026, 2, 29, 16, 0));
    expect(scheduledInstant(reportWeek(2026, 44, PARIS), { weekday: 6, time: '01:30' }, PARIS)).toBe(Date.UTC(2026, 10, 1, 0, 30));
    expect(lastDue(SUNDAY_18H, schedule, PARIS)).toMatchObject({ due: SUNDAY_18H, week: { id: '2026-W48' } });
    expect(lastDue(SUNDAY_18H - 1, schedule, PARIS)).toMatchObject({ due: SUNDAY_18H - 7 * 24 * HOUR, week: { id: '2026-W47' } });
    expect(nextDue(SUNDAY_18H, schedule, PARIS)).toBe(SUNDAY_18H + 7 * 24 * HOUR);
    // Monday 08:00 reports the previous, complete week.
    expect(lastDue(w48(0, 9), { weekday: 0, time: '08:00' }, PARIS)).toMatchObject({ due: w48(0, 8), week: { id: '2026-W47' } });
  });
});

describe('createWeeklySender', () => {
  const dir = useTempDir('vigie-weekly-');
  let db: Database.Database;
  const senders: WeeklySender[] = [];

  const makeSender = (time: ReturnType<typeof fakeTime>, logger = capturingLogger().logger): WeeklySender => {
    const sender = createWeeklySender({ db, clock: time.clock, timeZone: PARIS, logger, generate: reportGenerator(dir()), timer: time.timer });
    senders.push(sender);
    return sender;
  };
  const stopAll = async () => {
    for (const s of senders.splice(0)) await s.stop();
    db.close();
  };

  it('sends at Sunday 18:00 Paris the current week "to Sunday 18:00", once, and not again after a restart', async () => {
    db = seedData(dir());
    configureEmail(db, smtp.port, { language: 'en' });
    const before = smtp.messages.length;
    const time = fakeTime(SUNDAY_18H - 90_000); // 17:58:30
    const sender = makeSender(time);
    sender.start();
    await time.settled(null);
    expect(time.state.pending?.ms).toBe(MINUTE); // at most a minute between checks
    expect(await time.step()).toBe(MINUTE); // 17:59:30: not yet
    expect(smtp.messages.length).toBe(before);
    expect(time.state.pending?.ms).toBe(30_000); // wakes exactly at 18:00
    await time.step();
    expect(time.state.now).toBe(SUNDAY_18H);
    await smtp.waitFor(before + 1);
    const mail = parseMail(smtp.messages[before]!.raw);
    expect(mail.subject).toBe('Vigie — week 48 (to Sunday 18:00) — 4 blocked attempts');
    expect(smtp.messages[before]!.to).toEqual(['parent1@home.test', 'parent2@home.test']);
    expect(readEmailSettings(db)).toMatchObject({ lastSentWeek: '2026-W48', lastSend: { at: SUNDAY_18H, ok: true, error: null, week: '2026-W48' } });
    // The following minutes: nothing more.
    for (let i = 0; i < 5; i++) await time.step();
    expect(await sender.check()).toBe('idle');
    await sender.stop();
    // A restart at 18:10: the week was sent.
    const restart = fakeTime(SUNDAY_18H + 10 * MINUTE);
    const again = makeSender(restart);
    again.start();
    await restart.settled(null);
    expect(await again.check()).toBe('idle');
    await new Promise((r) => setTimeout(r, 100));
    expect(smtp.messages.length).toBe(before + 1);
    await stopAll();
  });

  it('catches a missed send up once at the next start within 24 h, not after', async () => {
    db = seedData(dir());
    configureEmail(db, smtp.port, { language: 'fr' });
    const before = smtp.messages.length;
    // The box was off on Sunday evening; it starts on Monday at 10:00 (16 h later).
    const monday = fakeTime(w48(7, 10));
    const sender = makeSender(monday);
    sender.start();
    await monday.settled(null);
    await smtp.waitFor(before + 1);
    const mail = parseMail(smtp.messages[before]!.raw);
    expect(mail.subject).toBe('Vigie — semaine 48 — 4 tentatives bloquées'); // the week is complete now
    expect(readEmailSettings(db).lastSentWeek).toBe('2026-W48');
    await sender.stop();
    const restart = fakeTime(w48(7, 11));
    const again = makeSender(restart);
    again.start();
    await restart.settled(null);
    expect(await again.check()).toBe('idle');
    expect(smtp.messages.length).toBe(before + 1);
    await stopAll();
    // Started 25 h after the time: too late, nothing is sent.
    db = seedData(dir());
    db.prepare("DELETE FROM settings WHERE key = 'email'").run(); // nothing sent yet
    configureEmail(db, smtp.port);
    const late = fakeTime(SUNDAY_18H + 25 * HOUR);
    const tooLate = makeSender(late);
    tooLate.start();
    await late.settled(null);
    expect(await tooLate.check()).toBe('idle');
    expect(smtp.messages.length).toBe(before + 1);
    expect(readEmailSettings(db).lastSend).toBeNull();
    await stopAll();
  });

  it('does nothing while the weekly email is off', async () => {
    db = seedData(dir());
    configureEmail(db, smtp.port, { enabled: false });
    const time = fakeTime(SUNDAY_18H);
    expect(await makeSender(time).check()).toBe('idle');
    expect(readEmailSettings(db).lastSend).toBeNull();
    await stopAll();
  });

  it('stores and logs a failure without throwing, retries twice 15 minutes apart, then gives up', async () => {
    db = seedData(dir());
    configureEmail(db, await closedPort());
    const { logger, lines } = capturingLogger();
    const time = fakeTime(SUNDAY_18H);
    const sender = makeSender(time, logger);
    expect(await sender.check()).toBe('failed');
    const stored = readEmailSettings(db);
    expect(stored.lastSend).toMatchObject({ at: SUNDAY_18H, ok: false, week: '2026-W48' });
    expect(stored.lastSend?.error).toMatch(/ECONNREFUSED/);
    expect(stored.lastSentWeek).toBeNull();
    const warn = lines.find((l) => l.msg === 'the weekly report email could not be sent');
    expect(warn).toMatchObject({ level: 40, week: '2026-W48', attempt: 1, retry: true });
    expect(String(warn?.err)).toMatch(/ECONNREFUSED/);
    expect(await sender.check()).toBe('idle'); // waits before retrying
    let attempts = 1;
    for (let i = 0; i < 5; i++) {
      time.state.now += RETRY_MS;
      if ((await sender.check()) === 'failed') attempts++;
    }
    expect(attempts).toBe(MAX_ATTEMPTS);
    await stopAll();
  });
});
