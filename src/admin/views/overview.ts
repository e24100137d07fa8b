/**
 * The overview page body. Every name (devices, queried names, upstream errors) is interpolated
 * through `html`, so it is escaped.
 */
import type { OverviewData } from '../routes/overview.js';
import { overviewMessages } from '../messages/overview.js';
import { html, type SafeHtml } from '../page/html.js';
import { formatDateTime, translator, type Lang, type Translate } from '../page/i18n.js';

type T = Translate<keyof (typeof overviewMessages)['en']>;

function protection(data: OverviewData, t: T, when: (ms: number) => string): SafeHtml {
  const paused = data.protection.paused;
  const blocked = data.protection.blocked;
  const list = (items: OverviewData['protection']['paused']) => html`<ul>${items.map((o) => html`<li>${o.deviceName} <span class="muted">${t('protection.until', { time: when(o.until) })}</span></li>`)}</ul>`;
  return html`
    <section class="panel" aria-labelledby="ov-protection">
      <h2 id="ov-protection">${t('protection.title')}</h2>
      <p role="status"><span class="badge ok">${t('protection.on')}</span></p>
      ${paused.length > 0 ? html`<p><span class="badge warn">${t('protection.paused', { count: paused.length })}</span></p>${list(paused)}` : ''}
      ${blocked.length > 0 ? html`<p>${t('protection.blocked', { count: blocked.length })}</p>${list(blocked)}` : ''}
      ${data.protection.off.length > 0 ? html`<p><span class="badge warn">${t('protection.off', { count: data.protection.off.length })}</span></p>${list(data.protection.off)}` : ''}
    </section>`;
}

function upstreams(data: OverviewData, t: T): SafeHtml {
  return html`
    <section class="panel" aria-labelledby="ov-upstreams">
      <h2 id="ov-upstreams">${t('upstreams.title')}</h2>
      <p class="muted">${t('upstreams.intro')}</p>
      <ul class="upstreams">${data.upstreams.map((u) => html`
        <li><span class="name">${u.server}</span> <span class="${u.down ? 'badge danger' : 'badge ok'}">${u.down ? t('upstreams.down') : t('upstreams.up')}</span>
        ${u.lastError !== null ? html`<br><span class="muted">${t('upstreams.lastError', { error: u.lastError })}</span>` : ''}</li>`)}
      </ul>
    </section>`;
}

function counters(data: OverviewData, t: T, when: (ms: number) => string): SafeHtml {
  return html`
    <section class="panel" aria-labelledby="ov-counters">
      <h2 id="ov-counters">${t('counters.title')}</h2>
      <dl class="counters">
        <div><dt>${t('counters.queries')}</dt><dd>${data.counters.queries}</dd></div>
        <div><dt>${t('counters.blocked')}</dt><dd>${data.counters.blocked}</dd></div>
      </dl>
      <p class="muted">${t('counters.since', { time: when(data.startedAt) })}</p>
    </section>`;
}

function today(data: OverviewData, t: T): SafeHtml {
  const day = data.today.date;
  const rows = data.today.devices;
  return html`
    <section class="panel" aria-labelledby="ov-today">
      <h2 id="ov-today">${t('today.title')}</h2>
      ${rows.length === 0 ? html`<p class="muted">${t('today.empty')}</p>` : html`
      <table class="cards">
        <thead><tr><th scope="col">${t('today.device')}</th><th scope="col">${t('today.count')}</th><th scope="col"><span class="visually-hidden">${t('today.see')}</span></th></tr></thead>
        <tbody>${rows.map((r) => html`
          <tr><td data-label="${t('today.device')}">${r.deviceName}</td><td data-label="${t('today.count')}">${r.count}</td>
          <td><a href="/activity?${new URLSearchParams({ device: r.device, from: day, to: day }).toString()}">${t('today.see')}</a></td></tr>`)}
        </tbody>
      </table>`}
    </section>`;
}

function latest(data: OverviewData, t: T, when: (ms: number) => string): SafeHtml {
  return html`
    <section class="panel" aria-labelledby="ov-latest">
      <h2 id="ov-latest">${t('latest.title')}</h2>
      ${data.latest.length === 0 ? html`<p class="muted">${t('latest.empty')}</p>` : html`
      <table class="cards">
        <thead><tr><th scope="col">${t('latest.time')}</th><th scope="col">${t('latest.device')}</th><th scope="col">${t('latest.name')}</th><th scope="col">${t('latest.category')}</th></tr></thead>
        <tbody>${data.latest.map((r) => html`
          <tr><td data-label="${t('latest.time')}">${when(r.time)}</td><td data-label="${t('latest.device')}">${r.deviceName}</td>
          <td data-label="${t('latest.name')}" class="name">${r.name}</td><td data-label="${t('latest.category')}">${r.categoryTitle}</td></tr>`)}
        </tbody>
      </table>`}
      <p><a href="/activity">${t('latest.all')}</a></p>
    </section>`;
}

function newDevices(data: OverviewData, t: T, when: (ms: number) => string): SafeHtml {
  return html`
    <section class="panel" aria-labelledby="ov-new">
      <h2 id="ov-new">${t('newDevices.title')}</h2>
      <p class="muted">${t('newDevices.intro')}</p>
      ${data.newDevices.length === 0 ? html`<p class="muted">${t('newDevices.empty')}</p>` : html`
      <ul>${data.newDevices.map((d) => html`<li>${d.name}${d.ip !== null && d.ip !== d.name ? html` <span class="muted">(${d.ip})</span>` : ''} <span class="muted">${t('newDevices.lastSeen', { time: when(d.lastSeen) })}</span></li>`)}</ul>
      <p><a class="btn primary" href="/devices">${t('newDevices.link')}</a></p>`}
    </section>`;
}

function relayNotice(r: OverviewData['notices']['relays'][number], t: T): string {
  if (r.problem === 'range') return t('notices.relay.range', { relay: r.relay });
  if (r.problem === 'unchecked') return t('notices.relay.unchecked', { relay: r.relay, port: r.port });
  const both = r.mac && r.subnet;
  return t('notices.relay.passes', {
    relay: r.relay,
    options: t(both ? 'notices.options.both' : r.mac ? 'notices.options.mac' : 'notices.options.subnet'),
    them: t(both ? 'notices.both' : 'notices.one'),
    fix: [r.mac ? 'strip-mac' : '', r.subnet ? 'strip-subnet' : ''].filter(Boolean).join(' + '),
  });
}

/** Problems a parent should know about (relays, forged devices, floods); nothing when there are none. */
function notices(data: OverviewData, t: T, when: (ms: number) => string): SafeHtml | '' {
  const n = data.notices;
  if (n.relays.length === 0 && n.deviceCap === null && n.floods.length === 0) return '';
  return html`
    <section class="panel" aria-labelledby="ov-notices">
      <h2 id="ov-notices">${t('notices.title')}</h2>
      ${n.relays.map((r) => html`<p class="flash warn" role="alert">${relayNotice(r, t)}</p>`)}
      ${n.deviceCap ? html`<p class="flash warn" role="alert">${t('notices.deviceCap', { since: when(n.deviceCap.since), refused: n.deviceCap.refused })}</p>` : ''}
      ${n.floods.map((f) => html`<p class="flash warn">${t('notices.flood', { device: f.deviceName, from: when(f.first), to: when(f.last), dropped: f.dropped })}</p>`)}
    </section>`;
}

/** The overview body. */
export function renderOverview(data: OverviewData, lang: Lang, timeZone: string): SafeHtml {
  const t = translator(overviewMessages, lang);
  const when = (ms: number): string => formatDateTime(ms, lang, timeZone);
  return html`${notices(data, t, when)}${protection(data, t, when)}${newDevices(data, t, when)}${today(data, t)}${latest(data, t, when)}${upstreams(data, t)}${counters(data, t, when)}`;
}
