/**
 * French and English for the admin page. Each area of the page defines its own messages with
 * {@link defineMessages} (one file per area under src/admin/messages/), so two areas never edit the
 * same dictionary; both languages must have the same keys (checked by the type and by a test).
 * The language comes from the `lang` cookie, else the browser's Accept-Language, else English.
 */

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

/** One area's messages: the English ones define the keys; French must have the same keys. */
export type Messages<K extends string> = { readonly en: Readonly<Record<K, string>>; readonly fr: Readonly<Record<K, string>> };

/** A translator for one area: `t('devices.title')`, with `{name}` placeholders filled from params. */
export type Translate<K extends string> = (key: K, params?: Readonly<Record<string, string | number>>) => string;

/** Declares an area's messages (identity function that checks the shape). */
export function defineMessages<K extends string>(messages: Messages<K>): Messages<K> {
  return messages;
}

/** The translator of `messages` in `lang`. Placeholders are filled as text: escape at output (html). */
export function translator<K extends string>(messages: Messages<K>, lang: Lang): Translate<K> {
  const table = messages[lang];
  return (key, params) => {
    const text = table[key] ?? messages.en[key] ?? key;
    return params === undefined ? text : text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  };
}

/** Picks the language: an explicit choice (cookie) wins, then the first supported Accept-Language. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'en' || cookie === 'fr') return cookie;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().split(';')[0]?.toLowerCase() ?? '';
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Formats an instant for people in `lang` and the configured zone: "28 nov. 2026, 21:40". */
export function formatDateTime(ms: number, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}
