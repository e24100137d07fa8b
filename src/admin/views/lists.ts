/**
 * The lists page body: catalog by category, suggested subscriptions, subscribed lists with their
 * status and forms, and the global custom rules. URLs and errors come from the network and rule
 * names from people: all go through `html` (escaped).
 */
import type { CustomRule } from '../../blocklists/custom-rules.js';
import { listsMessages } from '../messages/lists.js';
import { profileDisplayName } from './profile-names.js';
import { html, type SafeHtml } from '../page/html.js';
import { formatDateTime, translator, type Lang, type Translate } from '../page/i18n.js';
import type { CategoryItem, ListsData, ShippedItem, SubscriptionItem } from '../routes/lists-data.js';

type T = Translate<keyof (typeof listsMessages)['en']>;

/** What the add forms show again after a refused submission. */
export interface ListsFormValues {
  readonly subscription: { readonly url: string; readonly category: string };
  readonly rule: { readonly name: string; readonly kind: 'allow' | 'block'; readonly subdomains: boolean };
}

export const EMPTY_LISTS_FORM: ListsFormValues = { subscription: { url: '', category: 'custom' }, rule: { name: '', kind: 'block', subdomains: true } };

export interface ListsView {
  readonly lang: Lang;
  readonly timeZone: string;
  readonly data: ListsData;
  readonly rules: readonly CustomRule[];
  readonly csrf: SafeHtml;
  readonly values: ListsFormValues;
  /** A refused submission: which form, and the message (translated). */
  readonly error: { readonly form: 'subscription' | 'rule'; readonly message: string } | null;
}

function category(c: CategoryItem, lang: Lang, t: T): SafeHtml {
  return html`
    <article class="category panel" id="category-${c.id}">
      <h3>${c.title[lang]}</h3>
      <ul>${c.entries.map((e) => html`
        <li><strong>${e.title[lang]}</strong>
          ${e.loaded !== null ? html`<span class="badge ok">${t('catalog.entries', { count: e.loaded.entries })}</span>` : e.shipped ? html`<span class="badge warn">${t('catalog.notLoaded')}</span>` : ''}
          ${e.loaded !== null && e.loaded.issues > 0 ? html` <span class="muted">${t('catalog.issues', { count: e.loaded.issues })}</span>` : ''}
          <br><span class="muted">${e.description[lang]}</span>
          ${!e.shipped && e.loaded === null ? html`<br><span class="muted">${t('catalog.suggested')}</span>` : ''}</li>`)}
      </ul>
      <p>${c.profiles.length === 0 ? t('catalog.blockedForNone') : html`${t('catalog.blockedFor')} ${c.profiles.map((p, i) => html`${i > 0 ? ', ' : ''}<a href="/profiles/${encodeURIComponent(p.id)}">${profileDisplayName(p, lang)}</a>`)}`}</p>
    </article>`;
}

function when(ms: number | null, lang: Lang, tz: string): string {
  return ms === null ? '—' : formatDateTime(ms, lang, tz);
}

function subscriptionRow(s: SubscriptionItem, v: ListsView, t: T): SafeHtml {
  const entries = s.loadedEntries ?? s.entries;
  return html`
    <tr>
      <td data-label="${t('subs.url')}" class="name">${s.url}</td>
      <td data-label="${t('subs.category')}">${s.category}${s.enabled ? '' : html` <span class="badge warn">${t('subs.disabled')}</span>`}</td>
      <td data-label="${t('subs.entries')}">${entries === null ? '—' : entries}</td>
      <td data-label="${t('subs.lastRefresh')}">${when(s.lastRefresh, v.lang, v.timeZone)}</td>
      <td data-label="${t('subs.lastSuccess')}">${when(s.lastSuccess, v.lang, v.timeZone)}</td>
      <td data-label="${t('subs.lastError')}">${s.lastError === null ? '—' : html`<span class="badge danger">${s.lastError}</span>`}</td>
      <td>
        <form method="post" action="/lists/subscriptions/${s.id}/refresh" class="row">${v.csrf}<button type="submit" class="btn">${t('subs.refresh')}</button></form>
        <form method="post" action="/lists/subscriptions/${s.id}/remove" class="row" data-confirm="${t('subs.remove.confirm')}">${v.csrf}<button type="submit" class="btn danger">${t('subs.remove')}</button></form>
      </td>
    </tr>`;
}

/** Which copy blocks now: the one shipped with Vigie (dated) or the last refreshed one. */
function inUse(s: ShippedItem, v: ListsView, t: T): string {
  const count = s.entries ?? '—';
  if (s.inUse === 'kept-copy' && s.lastSuccess !== null) return t('shipped.inUse.kept', { date: when(s.lastSuccess, v.lang, v.timeZone), count });
  return t('shipped.inUse.snapshot', { date: s.snapshotDate ?? '—', count });
}

function shippedState(s: ShippedItem, t: T): SafeHtml {
  if (s.subscriptionId === null) return html`<span class="badge warn">${t('shipped.removed')}</span>`;
  if (s.lastError !== null) return html`<span class="badge danger">${t('shipped.failed')}</span>`;
  if (s.lastRefresh === null) return html`<span class="badge warn">${t('shipped.notYet')}</span>`;
  return html`<span class="badge ok">${t('shipped.fresh')}</span>`;
}

function shippedEntry(s: ShippedItem, v: ListsView, t: T): SafeHtml {
  return html`
        <li class="panel" id="shipped-${s.id}"><strong>${s.title?.[v.lang] ?? s.id}</strong> <span class="muted">(${s.category})</span> ${shippedState(s, t)}
          <br>${inUse(s, v, t)}
          <br><span class="muted">${t('shipped.lastTry', { date: when(s.lastRefresh, v.lang, v.timeZone) })}</span>
          ${s.lastError !== null ? html`<p class="field-error">${t('shipped.error', { error: s.lastError })}</p>` : ''}
          <br><span class="muted">${t('shipped.licence', { licence: s.licence ?? '—' })} · ${t('shipped.sources')} ${s.sources.length === 0 ? '—' : s.sources.join(', ')}</span>
          <br><span class="name muted">${s.url}</span>
          <div class="row">${s.subscriptionId !== null ? html`
            <form method="post" action="/lists/subscriptions/${s.subscriptionId}/refresh" class="row">${v.csrf}<button type="submit" class="btn">${t('subs.refresh')}</button></form>
            <form method="post" action="/lists/subscriptions/${s.subscriptionId}/remove" class="row" data-confirm="${t('shipped.stop.confirm')}">${v.csrf}<button type="submit" class="btn danger">${t('shipped.stop')}</button></form>` : html`
            <form method="post" action="/lists/subscriptions" class="row">${v.csrf}<input type="hidden" name="url" value="${s.url}"><input type="hidden" name="category" value="${s.category}"><button type="submit" class="btn primary">${t('shipped.resume')}</button></form>`}
          </div></li>`;
}

function shipped(v: ListsView, t: T): SafeHtml {
  if (v.data.shipped.length === 0) return html``;
  return html`
    <section aria-labelledby="shipped-title">
      <h2 id="shipped-title">${t('shipped.title')}</h2>
      <p class="muted">${t('shipped.intro')}</p>
      ${v.data.listUpdates === 'off' ? html`<p class="flash warn">${t('shipped.updatesOff')}</p>` : ''}
      <ul>${v.data.shipped.map((s) => shippedEntry(s, v, t))}
      </ul>
    </section>`;
}

function subscriptions(v: ListsView, t: T): SafeHtml {
  // The shipped lists' rows are shown above, with their licence and snapshot.
  const subs = v.data.subscriptions.filter((s) => s.source === null);
  const err = v.error?.form === 'subscription' ? v.error.message : null;
  return html`
    <section aria-labelledby="subs-title">
      <h2 id="subs-title">${t('subs.title')}</h2>
      <p class="muted">${t('subs.intro')}</p>
      ${subs.length === 0 ? html`<p class="muted">${t('subs.empty')}</p>` : html`
      <table class="cards">
        <thead><tr><th scope="col">${t('subs.url')}</th><th scope="col">${t('subs.category')}</th><th scope="col">${t('subs.entries')}</th><th scope="col">${t('subs.lastRefresh')}</th><th scope="col">${t('subs.lastSuccess')}</th><th scope="col">${t('subs.lastError')}</th><th scope="col">${t('subs.actions')}</th></tr></thead>
        <tbody>${subs.map((s) => subscriptionRow(s, v, t))}</tbody>
      </table>`}
      <form method="post" action="/lists/subscriptions" class="stack">
        ${v.csrf}
        <fieldset>
          <legend>${t('subs.add.legend')}</legend>
          ${err !== null ? html`<p class="field-error" role="alert" id="sub-error">${err}</p>` : ''}
          <label for="sub-url">${t('subs.add.url')}</label>
          <input id="sub-url" name="url" type="url" inputmode="url" required maxlength="2048" value="${v.values.subscription.url}"${err !== null ? html` aria-invalid="true" aria-describedby="sub-error"` : ''} autocomplete="off" spellcheck="false">
          <label for="sub-category">${t('subs.add.category')}</label>
          <select id="sub-category" name="category">${v.data.categoryChoices.map((c) => html`<option value="${c}"${c === v.values.subscription.category ? html` selected` : ''}>${c}</option>`)}</select>
          <button type="submit" class="btn primary">${t('subs.add.submit')}</button>
        </fieldset>
      </form>
    </section>`;
}

function suggested(v: ListsView, t: T): SafeHtml {
  if (v.data.suggested.length === 0) return html``;
  return html`
    <section aria-labelledby="suggested-title">
      <h2 id="suggested-title">${t('suggested.title')}</h2>
      <p class="muted">${t('suggested.intro')}</p>
      <ul>${v.data.suggested.map((s) => html`
        <li><strong>${s.title[v.lang]}</strong> <span class="muted">${s.description[v.lang]}</span><br><span class="name muted">${s.url}</span>
          ${s.subscribed ? html`<span class="badge ok">${t('suggested.subscribed')}</span>` : html`
          <form method="post" action="/lists/subscriptions" class="row">${v.csrf}
            <input type="hidden" name="url" value="${s.url}"><input type="hidden" name="category" value="${s.category}">
            <button type="submit" class="btn primary">${t('suggested.subscribe')}</button>
          </form>`}</li>`)}
      </ul>
    </section>`;
}

function rules(v: ListsView, t: T): SafeHtml {
  const err = v.error?.form === 'rule' ? v.error.message : null;
  const r = v.values.rule;
  return html`
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">${t('rules.title')}</h2>
      <p class="muted">${t('rules.intro')}</p>
      ${v.rules.length === 0 ? html`<p class="muted">${t('rules.empty')}</p>` : html`
      <table class="cards">
        <thead><tr><th scope="col">${t('rules.name')}</th><th scope="col">${t('rules.kind')}</th><th scope="col">${t('rules.scope')}</th><th scope="col"><span class="visually-hidden">${t('subs.actions')}</span></th></tr></thead>
        <tbody>${v.rules.map((rule) => html`
          <tr><td data-label="${t('rules.name')}" class="name">${rule.name}</td>
          <td data-label="${t('rules.kind')}"><span class="${rule.kind === 'allow' ? 'badge ok' : 'badge warn'}">${rule.kind === 'allow' ? t('rules.allow') : t('rules.block')}</span></td>
          <td data-label="${t('rules.scope')}">${rule.subdomains ? t('rules.withSubdomains') : t('rules.exact')}</td>
          <td><form method="post" action="/lists/rules/remove" class="row" data-confirm="${t('rules.remove.confirm')}">${v.csrf}<input type="hidden" name="name" value="${rule.name}"><input type="hidden" name="kind" value="${rule.kind}"><button type="submit" class="btn danger" aria-label="${t('rules.removeNamed', { name: rule.name })}">${t('rules.remove')}</button></form></td></tr>`)}
        </tbody>
      </table>`}
      <form method="post" action="/lists/rules" class="stack">
        ${v.csrf}
        <fieldset>
          <legend>${t('rules.add.legend')}</legend>
          ${err !== null ? html`<p class="field-error" role="alert" id="rule-error">${err}</p>` : ''}
          <label for="rule-name">${t('rules.add.name')}</label>
          <input id="rule-name" name="name" required maxlength="253" value="${r.name}"${err !== null ? html` aria-invalid="true" aria-describedby="rule-error"` : ''} autocomplete="off" autocapitalize="none" spellcheck="false">
          <label for="rule-kind">${t('rules.add.kind')}</label>
          <select id="rule-kind" name="kind">
            <option value="block"${r.kind === 'block' ? html` selected` : ''}>${t('rules.block')}</option>
            <option value="allow"${r.kind === 'allow' ? html` selected` : ''}>${t('rules.allow')}</option>
          </select>
          <label class="toggle" for="rule-subdomains"><input id="rule-subdomains" name="subdomains" type="checkbox" value="on"${r.subdomains ? html` checked` : ''}> ${t('rules.add.subdomains')}</label>
          <button type="submit" class="btn primary">${t('rules.add.submit')}</button>
        </fieldset>
      </form>
    </section>`;
}

function extraLists(v: ListsView, t: T): SafeHtml {
  const catalogIds = new Set(v.data.categories.flatMap((c) => c.entries.map((e) => e.id)));
  const extra = v.data.loaded.filter((l) => !catalogIds.has(l.id) && !l.id.startsWith('subscription-'));
  if (extra.length === 0) return html``;
  return html`
    <section aria-labelledby="extra-title">
      <h2 id="extra-title">${t('extra.title')}</h2>
      <p class="muted">${t('extra.intro')}</p>
      <ul>${extra.map((l) => html`<li><span class="name">${l.id}</span> <span class="muted">(${l.category})</span> <span class="badge ok">${t('catalog.entries', { count: l.entries })}</span></li>`)}</ul>
    </section>`;
}

/** The page body. */
export function renderLists(v: ListsView): SafeHtml {
  const t = translator(listsMessages, v.lang);
  return html`
    <section aria-labelledby="catalog-title">
      <h2 id="catalog-title">${t('catalog.title')}</h2>
      <p class="muted">${t('catalog.intro')}</p>
      ${v.data.categories.map((c) => category(c, v.lang, t))}
    </section>
    ${shipped(v, t)}
    ${suggested(v, t)}
    ${subscriptions(v, t)}
    ${extraLists(v, t)}
    ${rules(v, t)}`;
}
