/**
 * The weekly view of a profile's windows, built server-side (no script needed to see it): a
 * `.grid-week` of 7 day columns (Monday first) × 24 hour cells, each window drawn in every hour it
 * covers, an overnight window continuing into the next day's column (Sunday night wraps to Monday
 * morning); bedtime and block windows carry different marks (☾ red, ⊘ amber) explained by a
 * legend (hours under bedtime are highlighted); plus a day-by-day list with exact times (what a screen reader or a narrow phone reads best).
 */
import { formatClockTime, WEEKDAYS, type ScheduleWindow } from '../../policy/model.js';
import { schedulesMessages } from '../messages/schedules.js';
import { html, type SafeHtml } from '../page/html.js';
import type { Translate } from '../page/i18n.js';

/** The schedules translator. */
export type SchedulesT = Translate<keyof (typeof schedulesMessages)['en']>;

const DAY = 1440;

/** One day's part of a window: minutes `from`..`to` (to ≤ 1440) of day `day` (0 = Monday). */
export interface WindowPiece {
  readonly day: number;
  readonly from: number;
  readonly to: number;
  /** The part after midnight of a window that started the day before. */
  readonly continued: boolean;
}

/** A window with the number it has in its profile's list (1, 2, …). */
export interface NumberedWindow {
  readonly window: ScheduleWindow;
  readonly n: number;
}

/** The pieces of a window, one or two per start day (end ≤ start crosses midnight; start = end is 24 h). */
export function windowPieces(w: Pick<ScheduleWindow, 'days' | 'start' | 'end'>): WindowPiece[] {
  const length = w.end > w.start ? w.end - w.start : w.end + DAY - w.start;
  const pieces: WindowPiece[] = [];
  for (const name of new Set(w.days)) {
    const day = WEEKDAYS.indexOf(name);
    pieces.push({ day, from: w.start, to: Math.min(DAY, w.start + length), continued: false });
    if (w.start + length > DAY) pieces.push({ day: (day + 1) % 7, from: 0, to: w.start + length - DAY, continued: true });
  }
  return pieces;
}

/**
 * The mark of a window. In the grid (`inGrid`) a bedtime window is a plain "☾n" on the cell's
 * highlight (.on, the whole hour is blocked) and a block window an amber badge "⊘n" (both fit a
 * phone's 7 columns); in lists both are badges (red for bedtime).
 */
function mark(item: NumberedWindow, t: SchedulesT, inGrid: boolean): SafeHtml {
  const bedtime = item.window.mode === 'bedtime';
  const words = html`<span class="visually-hidden"> ${bedtime ? t('grid.bedtime') : t('grid.block')}</span>`;
  if (inGrid && bedtime) return html`<span data-window="${item.window.id}">☾${item.n}${words}</span>`;
  return html`<span class="badge ${bedtime ? 'danger' : 'warn'}" data-window="${item.window.id}">${bedtime ? '☾' : '⊘'}${inGrid ? '' : ' '}${item.n}${words}</span>`;
}

function cell(items: readonly NumberedWindow[], pieces: ReadonlyMap<number, WindowPiece[]>, day: number, hour: number, t: SchedulesT): SafeHtml {
  const from = hour * 60;
  const inHour = items.filter((it) => (pieces.get(it.window.id) ?? []).some((p) => p.day === day && p.from < from + 60 && p.to > from));
  const modes = new Set(inHour.map((it) => it.window.mode));
  const classes = [...(modes.has('bedtime') ? ['on', 'bedtime'] : []), ...(modes.has('block') ? ['block'] : [])].join(' ');
  const hourText = String(hour).padStart(2, '0');
  return html`<div class="${classes}" data-day="${WEEKDAYS[day]!}" data-hour="${hour}"><span class="visually-hidden">${t(`day.${WEEKDAYS[day]!}`)} </span>${inHour.length === 0 ? html`<span class="muted">${hourText}</span>` : html`<span>${hourText}</span>`}${inHour.map((it) => mark(it, t, true))}</div>`;
}

function dayByDay(items: readonly NumberedWindow[], pieces: ReadonlyMap<number, WindowPiece[]>, t: SchedulesT): SafeHtml {
  const clock = (m: number): string => (m === DAY ? '24:00' : formatClockTime(m));
  return html`<details>
    <summary>${t('grid.daybyday')}</summary>
    <ul>${WEEKDAYS.map((name, day) => {
      const parts = items.flatMap((it) => (pieces.get(it.window.id) ?? []).filter((p) => p.day === day).map((p) => ({ it, p })))
        .sort((a, b) => a.p.from - b.p.from || a.it.n - b.it.n);
      return html`<li data-day="${name}"><strong>${t(`day.${name}`)}</strong>${t('grid.colon')}${parts.length === 0 ? t('grid.nothing') : parts.map(({ it, p }, i) =>
        html`${i > 0 ? ', ' : ''}${clock(p.from)}–${clock(p.to)} ${mark(it, t, false)}${p.continued ? html` <span class="muted">${t('grid.continued')}</span>` : ''}`)}</li>`;
    })}</ul>
  </details>`;
}

/** The legend of the marks (shown once per page). */
export function renderGridLegend(t: SchedulesT): SafeHtml {
  return html`<ul aria-label="${t('grid.legend')}">
    <li><strong>☾</strong> ${t('grid.bedtime.legend')}</li>
    <li><span class="badge warn">⊘</span> ${t('grid.block')}</li>
  </ul>
  <p class="muted">${t('grid.note')}</p>`;
}

/** The week grid of one profile's windows (disabled windows are not drawn), with its day-by-day list. */
export function renderWeekGrid(profileId: string, profileName: string, windows: readonly NumberedWindow[], t: SchedulesT): SafeHtml {
  const drawn = windows.filter((it) => it.window.enabled);
  const pieces = new Map(drawn.map((it) => [it.window.id, windowPieces(it.window)]));
  const cells: SafeHtml[] = [];
  for (let hour = 0; hour < 24; hour++) for (let day = 0; day < 7; day++) cells.push(cell(drawn, pieces, day, hour, t));
  // A <div role="group"> rather than a <figure>: a figure's default side margins would cost a phone two columns.
  return html`<div class="week" data-profile="${profileId}" role="group" aria-labelledby="week-${profileId}">
    <p id="week-${profileId}">${t('grid.caption', { name: profileName })}</p>
    <div class="grid-week">
      ${WEEKDAYS.map((d) => html`<div class="day-head" data-day="${d}"><abbr title="${t(`day.${d}`)}">${t(`day.${d}.short`)}</abbr></div>`)}
      ${cells}
    </div>
  </div>
  ${dayByDay(drawn, pieces, t)}`;
}
