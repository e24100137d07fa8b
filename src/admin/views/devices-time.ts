/**
 * Durations as the devices page shows them, in the page language: "3 min ago" / "il y a 3 min",
 * "25 min left" / "encore 25 min", and a wall-clock time in the configured zone.
 */
import { devicesMessages } from '../messages/devices.js';
import { translator, type Lang } from '../page/i18n.js';

const MINUTE = 60_000;

/** How long ago `then` was at `now`: "just now" under a minute, then minutes, hours, days (rounded down). */
export function formatAgo(then: number, now: number, lang: Lang): string {
  const t = translator(devicesMessages, lang);
  const minutes = Math.floor(Math.max(0, now - then) / MINUTE);
  if (minutes < 1) return t('time.justNow');
  if (minutes < 60) return t('time.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.hoursAgo', { n: hours });
  return t('time.daysAgo', { n: Math.floor(hours / 24) });
}

/** Time left until `until` at `now`, rounded up to the minute: "25 min left", "1 h 05 min left". */
export function formatLeft(until: number, now: number, lang: Lang): string {
  const t = translator(devicesMessages, lang);
  const minutes = Math.max(0, Math.ceil((until - now) / MINUTE));
  if (minutes < 60) return t('time.leftMinutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('time.leftHours', { h: hours, m: String(minutes % 60).padStart(2, '0') });
  return t('time.leftDays', { d: Math.floor(hours / 24), h: hours % 24 });
}

/** "21:40" in `timeZone`, prefixed with the short date when it is not on the same local day as `now`. */
export function formatClock(ms: number, now: number, lang: Lang, timeZone: string): string {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'short' });
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: 'short' }).format(ms);
  return day.format(ms) === day.format(now) ? time : `${day.format(ms)} ${time}`;
}
