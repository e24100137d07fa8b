/**
 * The words of the weekly report email and of the alerts, in English and French (the French
 * table is typed by the English one, so both have the same keys). The report's data words come
 * from report-messages.ts.
 */
import type { ReportLang } from './report-messages.js';

const en = {
  /** "Vigie — week 48 (to Sunday 18:00) — 23 blocked attempts". */
  subject: (week: number, until: string | null, blocked: string, count: number) =>
    `Vigie — week ${week}${until === null ? '' : ` (to ${until})`} — ${blocked} blocked ${count === 1 ? 'attempt' : 'attempts'}`,
  testPrefix: '[Test] ',
  heading: 'Weekly report',
  weekLine: (week: number, from: string, to: string) => `Week ${week}: ${from} to ${to}`,
  inProgress: (when: string) => `Figures up to ${when} (the week is not over yet).`,
  blockedBig: (count: number): string => (count === 1 ? 'blocked attempt' : 'blocked attempts'),
  trendUp: (pct: string, prev: string) => `↑ ${pct} on the previous week (${prev})`,
  trendDown: (pct: string, prev: string) => `↓ ${pct} on the previous week (${prev})`,
  trendSame: (prev: string) => `→ same as the previous week (${prev})`,
  trendNew: 'none the previous week',
  lookToTitle: 'To look at',
  lookToNone: 'Nothing unusual: no first attempt on a high-risk category, no attempt to get around the filter, no new device.',
  firstEverItem: (device: string, category: string, name: string, when: string) => `${device}: first attempt ever on “${category}” (${name}), ${when}`,
  bypassItem: (device: string, count: string) => `${device}: attempts to get around the filter (${count})`,
  newDeviceItem: (device: string, when: string) => `New device: ${device}, first seen ${when}`,
  floodItem: (device: string, from: string, to: string, count: string) => `Flood of blocked queries from ${device} (${from} – ${to}): ${count} attempts not logged (other devices' were kept)`,
  devicesTitle: 'Devices',
  moreServices: (n: number) => `and ${n} more`,
  footer: 'Sent by Vigie, the family DNS filter at home. To change the day, the time or the recipients, open the admin page: Settings → Email.',
  textIntro: (until: string) => `Figures up to ${until}.`,
  testNote: 'This is a test sent from the settings page: the weekly email will look like this.',
  alertSubject: (device: string, category: string) => `Vigie alert: ${device} tried ${category}`,
  alertText: (device: string, name: string, category: string, when: string) =>
    `${device} tried to open ${name} (${category}) at ${when}. It was blocked.\nNo other alert for this device and category within the hour.`,
  alertTestSubject: 'Vigie: test alert',
  alertTestText: 'This is a test alert from the Vigie settings page. Alerts for high-risk categories will arrive here.',
  risk: {
    'anonymous-chat': 'an anonymous chat site',
    'random-video-chat': 'a random video chat site',
    'teen-meetup': 'a teen meetup app',
  } as Readonly<Record<string, string>>,
};

/** The messages of one language. */
export type ReportEmailMessages = typeof en;

const fr: ReportEmailMessages = {
  subject: (week, until, blocked, count) =>
    `Vigie — semaine ${week}${until === null ? '' : ` (jusqu’à ${until})`} — ${blocked} ${count <= 1 ? 'tentative bloquée' : 'tentatives bloquées'}`,
  testPrefix: '[Test] ',
  heading: 'Bilan de la semaine',
  weekLine: (week, from, to) => `Semaine ${week} : du ${from} au ${to}`,
  inProgress: (when) => `Chiffres arrêtés au ${when} (la semaine n’est pas finie).`,
  blockedBig: (count) => (count <= 1 ? 'tentative bloquée' : 'tentatives bloquées'), // French: 0 and 1 are singular
  trendUp: (pct, prev) => `↑ ${pct} par rapport à la semaine précédente (${prev})`,
  trendDown: (pct, prev) => `↓ ${pct} par rapport à la semaine précédente (${prev})`,
  trendSame: (prev) => `→ stable par rapport à la semaine précédente (${prev})`,
  trendNew: 'aucune la semaine précédente',
  lookToTitle: 'À regarder',
  lookToNone: 'Rien d’inhabituel : aucune première tentative sur une catégorie à risque, aucune tentative de contournement, aucun nouvel appareil.',
  firstEverItem: (device, category, name, when) => `${device} : toute première tentative sur « ${category} » (${name}), ${when}`,
  bypassItem: (device, count) => `${device} : tentatives de contournement du filtre (${count})`,
  newDeviceItem: (device, when) => `Nouvel appareil : ${device}, vu pour la première fois le ${when}`,
  floodItem: (device, from, to, count) => `Flot de requêtes bloquées de ${device} (${from} – ${to}) : ${count} tentatives non enregistrées (celles des autres appareils l’ont été)`,
  devicesTitle: 'Appareils',
  moreServices: (n) => `et ${n} autres`,
  footer: 'Envoyé par Vigie, le filtre DNS familial de la maison. Pour changer le jour, l’heure ou les destinataires, ouvrez la page d’administration : Réglages → E-mail.',
  textIntro: (until) => `Chiffres arrêtés au ${until}.`,
  testNote: 'Ceci est un essai envoyé depuis la page des réglages : l’e-mail de la semaine ressemblera à celui-ci.',
  alertSubject: (device, category) => `Alerte Vigie : ${device} a essayé ${category}`,
  alertText: (device, name, category, when) =>
    `${device} a essayé d’ouvrir ${name} (${category}) à ${when}. C’est bloqué.\nPas d’autre alerte pour cet appareil et cette catégorie pendant une heure.`,
  alertTestSubject: 'Vigie : alerte d’essai',
  alertTestText: 'Ceci est une alerte d’essai envoyée depuis les réglages de Vigie. Les alertes sur les catégories à risque arriveront ici.',
  risk: {
    'anonymous-chat': 'un tchat anonyme',
    'random-video-chat': 'un chat vidéo aléatoire',
    'teen-meetup': 'une appli de rencontre pour ados',
  },
};

/** Messages per language. */
export const REPORT_EMAIL_MESSAGES: Readonly<Record<ReportLang, ReportEmailMessages>> = { en, fr };
