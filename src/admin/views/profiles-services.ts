/**
 * The services part of a profile's "What is blocked" form: every catalog service by name, grouped
 * by category, each with a three-way choice (follows its category, always block, always allow)
 * submitted with the same form as `svc-<id>` fields. Without JavaScript the grouped list works as
 * is; public/app.js reveals the search box (`data-filter`) and hides the services that do not match.
 */
import type { CatalogService } from '../../blocklists/catalog-schema.js';
import { html, type SafeHtml } from '../page/html.js';
import type { Lang } from '../page/i18n.js';
import type { ProfilesT } from './profiles.js';

/** One service as the form shows it. */
export interface ServiceChoice {
  readonly service: CatalogService;
  /** The profile's own choice: blocked (true), allowed (false), none (null: follows its category). */
  readonly explicit: boolean | null;
  /** Whether its category is blocked for this profile (what "follows the category" means now). */
  readonly categoryBlocked: boolean;
}

/** One category's services. */
export interface ServiceGroup {
  readonly title: string;
  readonly services: readonly ServiceChoice[];
}

function serviceField(c: ServiceChoice, lang: Lang, t: ProfilesT): SafeHtml {
  const s = c.service;
  const id = `svc-${s.id}`;
  const value = c.explicit === null ? 'follow' : c.explicit ? 'block' : 'allow';
  const option = (v: string, label: string): SafeHtml => html`<option value="${v}"${v === value ? html` selected` : ''}>${label}</option>`;
  const search = [s.id, s.name.en, s.name.fr, ...s.domains].join(' ').toLowerCase();
  return html`<div class="field service${c.explicit === null ? '' : ' changed'}" data-search="${search}">
      <label for="${id}">${s.name[lang]}</label>
      <select id="${id}" name="${id}" aria-describedby="${id}-help">
        ${option('follow', t(c.categoryBlocked ? 'profile.services.follow.blocked' : 'profile.services.follow.allowed'))}
        ${option('block', t('profile.services.block'))}
        ${option('allow', t('profile.services.allow'))}
      </select>
      <p id="${id}-help" class="muted">${t('profile.services.domains', { count: s.domains.length, first: s.domains.slice(0, 3).join(', ') })}</p>
    </div>`;
}

/** The services fieldset, or nothing when the catalog lists none. */
export function servicesFieldset(groups: readonly ServiceGroup[], lang: Lang, t: ProfilesT): SafeHtml | '' {
  if (groups.length === 0) return '';
  return html`<fieldset class="services" id="services">
      <legend>${t('profile.services.title')}</legend>
      <p class="muted">${t('profile.services.help')}</p>
      <p class="service-search" data-filter-box hidden><label for="service-search">${t('profile.services.search')}</label>
        <input id="service-search" type="search" data-filter=".service" autocomplete="off" spellcheck="false"></p>
      ${groups.map((g) => html`<div class="service-group" role="group" aria-label="${g.title}"><h3>${g.title}</h3>${g.services.map((c) => serviceField(c, lang, t))}</div>`)}
    </fieldset>`;
}

/** The services patch from a submitted form: `svc-<id>` = follow | block | allow; other fields ignored. */
export function servicesFromForm(body: Readonly<Record<string, unknown>>): Record<string, boolean | null> {
  const patch: Record<string, boolean | null> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('svc-') || typeof value !== 'string') continue;
    const id = key.slice(4);
    if (value === 'follow') patch[id] = null;
    else if (value === 'block' || value === 'allow') patch[id] = value === 'block';
  }
  return patch;
}
