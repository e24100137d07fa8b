/**
 * How logged values read for people on the activity and overview pages: a category's localized
 * title (catalog categories, and the few the policy adds itself), and a device id's display name
 * (the device store's label, else the address inside the id).
 */
import type { CatalogEntry } from '../../blocklists/load-catalog.js';
import { deviceLabel } from '../../policy/build-snapshot.js';
import type { Device } from '../../policy/model.js';
import { activityMessages } from '../messages/activity.js';
import { translator, type Lang } from '../page/i18n.js';

/** Categories decisions carry that are not in the catalog. */
export const POLICY_CATEGORIES = ['custom', 'bedtime', 'block-now'] as const;

/** The title of `category` in `lang`: the catalog entry named like it, else its first entry, else the id. */
export function categoryTitle(category: string, catalog: readonly CatalogEntry[], lang: Lang): string {
  const entry = catalog.find((e) => e.id === category && e.category === category) ?? catalog.find((e) => e.category === category);
  if (entry) return entry.title[lang];
  const t = translator(activityMessages, lang);
  if (category === 'custom') return t('category.custom');
  if (category === 'bedtime') return t('category.bedtime');
  if (category === 'block-now') return t('category.block-now');
  return category;
}

/** Every category a filter offers: the catalog's, in catalog order, then the policy's own. */
export function knownCategoryIds(catalog: readonly CatalogEntry[], extra: readonly string[] = []): string[] {
  return [...new Set([...catalog.map((e) => e.category), ...extra, ...POLICY_CATEGORIES])];
}

/** Display name of a logged device id: the device's label, else the address (or MAC) in the id. */
export function deviceNameFor(id: string, devices: ReadonlyMap<string, Device>): string {
  const device = devices.get(id);
  if (device) return deviceLabel(device);
  return id.replace(/^(ip|mac):/, '');
}
