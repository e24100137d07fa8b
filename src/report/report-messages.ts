/**
 * The words of the text and CSV reports, in English and French. Both languages have exactly the
 * same keys (the French table is typed by the English one). Numbers and dates are formatted by
 * the renderers with Intl for the language.
 */

/** Languages of the reports. */
export const REPORT_LANGS = ['en', 'fr'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const en = {
  /** Between a label and its value. */
  colon: ': ',
  title: (week: string) => `Vigie — weekly report ${week}`,
  period: (from: string, to: string, timeZone: string) => `${from} to ${to} (${timeZone})`,
  home: 'Whole home',
  blocked: 'Blocked attempts',
  lookups: 'Lookups',
  previous: (n: string, change: string) => `previous week ${n}${change === '' ? '' : `, ${change}`}`,
  firstTime: 'new this week',
  byCategory: 'By category',
  byDay: 'By day',
  busiestHours: 'Busiest hours',
  topSites: 'Most blocked sites',
  bypass: 'Attempts to get around the filter (encrypted DNS, VPN, proxy, relay)',
  firstEver: 'First attempt ever on a high-risk category',
  firstEverCount: 'First attempts ever on a high-risk category',
  newDevices: 'New devices',
  floods: 'Floods of blocked queries (attempts not logged)',
  none: 'none',
  profile: (id: string) => `profile ${id}`,
  defaultProfile: 'default profile',
  newDevice: 'new device',
  firstSeen: (when: string) => `first seen ${when}`,
  noActivity: 'no blocked attempt this week',
  noDevices: 'No device was seen this week.',
  heatmap: 'Blocked attempts by hour (Monday to Sunday, 0 h to 23 h)',
  weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  csvHeader: ['week', 'device_id', 'device', 'profile', 'category', 'category_title', 'date', 'blocked'],
};

/** The messages of one language. */
export type ReportMessages = typeof en;

const fr: ReportMessages = {
  colon: '\u00a0: ',
  title: (week) => `Vigie — bilan de la semaine ${week}`,
  period: (from, to, timeZone) => `du ${from} au ${to} (${timeZone})`,
  home: 'Toute la maison',
  blocked: 'Tentatives bloquées',
  lookups: 'Requêtes',
  previous: (n, change) => `semaine précédente ${n}${change === '' ? '' : `, ${change}`}`,
  firstTime: 'nouveau cette semaine',
  byCategory: 'Par catégorie',
  byDay: 'Par jour',
  busiestHours: 'Heures les plus actives',
  topSites: 'Sites les plus bloqués',
  bypass: 'Tentatives de contournement du filtre (DNS chiffré, VPN, proxy, relais)',
  firstEver: 'Toute première tentative sur une catégorie à risque',
  firstEverCount: 'Premières tentatives sur une catégorie à risque',
  newDevices: 'Nouveaux appareils',
  floods: 'Flots de requêtes bloquées (tentatives non enregistrées)',
  none: 'aucun',
  profile: (id) => `profil ${id}`,
  defaultProfile: 'profil par défaut',
  newDevice: 'nouvel appareil',
  firstSeen: (when) => `vu pour la première fois ${when}`,
  noActivity: 'aucune tentative bloquée cette semaine',
  noDevices: "Aucun appareil n'a été vu cette semaine.",
  heatmap: 'Tentatives bloquées par heure (du lundi au dimanche, de 0 h à 23 h)',
  weekdays: ['lun', 'mar', 'mer', 'jeu', 'ven', 'sam', 'dim'],
  csvHeader: ['semaine', 'id_appareil', 'appareil', 'profil', 'categorie', 'titre_categorie', 'date', 'bloquees'],
};

/** Messages per language. */
export const REPORT_MESSAGES: Readonly<Record<ReportLang, ReportMessages>> = { en, fr };

/** The Intl locale of a report language. */
export function reportLocale(lang: ReportLang): string {
  return lang === 'fr' ? 'fr-FR' : 'en-GB';
}

/** True when `value` is a report language. */
export function isReportLang(value: unknown): value is ReportLang {
  return typeof value === 'string' && (REPORT_LANGS as readonly string[]).includes(value);
}
