/**
 * The built-in profiles are stored with English names ("Child"); shown in French they read
 * "Enfant"… as long as the parents kept the default name (a renamed profile shows its new name).
 */
import type { Lang } from '../page/i18n.js';

const BUILT_IN_NAMES: Record<string, { en: string; fr: string }> = {
  child: { en: 'Child', fr: 'Enfant' },
  teen: { en: 'Teen', fr: 'Ado' },
  adult: { en: 'Adult', fr: 'Adulte' },
  unfiltered: { en: 'Unfiltered', fr: 'Sans filtre' },
};

/** The name to show: in `lang` for a built-in profile (their ids are fixed) still under its default name. */
export function profileDisplayName(profile: { readonly id: string; readonly name: string }, lang: Lang): string {
  const names = BUILT_IN_NAMES[profile.id];
  return names !== undefined && profile.name === names.en ? names[lang] : profile.name;
}

/** `profile` with {@link profileDisplayName} as its name. */
export function localizeProfile<P extends { readonly id: string; readonly name: string }>(profile: P, lang: Lang): P {
  const name = profileDisplayName(profile, lang);
  return name === profile.name ? profile : { ...profile, name };
}
