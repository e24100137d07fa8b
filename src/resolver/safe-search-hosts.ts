/**
 * Which search engine and video hosts are rewritten to their enforced ("safe") host when a profile
 * has SafeSearch on, as the engines themselves document it: the resolver answers the usual name
 * with a CNAME to the safe host, and the engine serves filtered results from there whatever the
 * browser's or app's own setting says. Data only; the safe-search stage does the rewriting.
 */

/**
 * Google: "Lock SafeSearch for devices & networks you manage"
 * (https://support.google.com/websearch/answer/186669): set www.google.com, and every Google
 * country domain your users may use, as a CNAME for forcesafesearch.google.com.
 */
export const GOOGLE_SAFE_HOST = 'forcesafesearch.google.com';
/**
 * YouTube strict Restricted Mode. Google Workspace Admin Help, "Restrict YouTube content on your
 * network or managed devices" (https://support.google.com/a/answer/6214622): point www.youtube.com,
 * m.youtube.com, youtubei.googleapis.com, youtube.googleapis.com and www.youtube-nocookie.com at
 * restrict.youtube.com (strict) or restrictmoderate.youtube.com (moderate).
 */
export const YOUTUBE_STRICT_HOST = 'restrict.youtube.com';
/** YouTube moderate Restricted Mode (same source as YOUTUBE_STRICT_HOST): for older children. */
export const YOUTUBE_MODERATE_HOST = 'restrictmoderate.youtube.com';
/**
 * Bing: "set the DNS entry for www.bing.com to be a CNAME for strict.bing.com"
 * (https://help.bing.microsoft.com/#apex/18/en-us/10003/0). edgeservices.bing.com (Edge's sidebar
 * search) as AdGuard Home does (internal/filtering/safesearch/rules/bing.txt).
 */
export const BING_SAFE_HOST = 'strict.bing.com';
/**
 * DuckDuckGo: "set the DNS entry for duckduckgo.com to the safe.duckduckgo.com CNAME"
 * (https://duckduckgo.com/duckduckgo-help-pages/features/safe-search/); www. and start. as in
 * AdGuard Home's rules/duckduckgo.txt.
 */
export const DUCKDUCKGO_SAFE_HOST = 'safe.duckduckgo.com';
/**
 * Ecosia: enforced safe search for networks ("Does Ecosia have safe search?",
 * https://ecosia.helpscoutdocs.com/article/174-does-ecosia-have-safe-search); the mapping
 * www.ecosia.org → strict-safe-search.ecosia.org as in AdGuard Home's rules/ecosia.txt.
 */
export const ECOSIA_SAFE_HOST = 'strict-safe-search.ecosia.org';
/**
 * Pixabay (free images, a frequent school image source): pixabay.com → safesearch.pixabay.com.
 * No first-party page found; source: AdGuard Home's default rules/pixabay.txt (shipped since 2020).
 */
export const PIXABAY_SAFE_HOST = 'safesearch.pixabay.com';

/** The engines this file knows; a profile's targets are chosen per engine. */
export type SafeSearchEngine = 'google' | 'youtube' | 'bing' | 'duckduckgo' | 'ecosia' | 'pixabay';

/** The enforced host per engine (e.g. YouTube strict or moderate). */
export type SafeSearchTargets = Readonly<Record<SafeSearchEngine, string>>;

/** Strictest choice everywhere: this is a filter for children. */
export const DEFAULT_SAFE_SEARCH_TARGETS: SafeSearchTargets = Object.freeze({
  google: GOOGLE_SAFE_HOST,
  youtube: YOUTUBE_STRICT_HOST,
  bing: BING_SAFE_HOST,
  duckduckgo: DUCKDUCKGO_SAFE_HOST,
  ecosia: ECOSIA_SAFE_HOST,
  pixabay: PIXABAY_SAFE_HOST,
});

/**
 * Suffixes of Google's search domains after `google.`: the union of
 * https://www.google.com/supported_domains (187 entries) and AdGuard Home's
 * internal/filtering/safesearch/rules/google.txt (191; it adds co, com.ai, com.nf, gp, ms, tk, vg).
 */
export const GOOGLE_DOMAIN_SUFFIXES: readonly string[] = [
  'ad', 'ae', 'al', 'am', 'as', 'at', 'az', 'ba', 'be', 'bf', 'bg', 'bi', 'bj', 'bs', 'bt', 'by', 'ca',
  'cat', 'cd', 'cf', 'cg', 'ch', 'ci', 'cl', 'cm', 'cn', 'co', 'com', 'cv', 'cz', 'de', 'dj', 'dk', 'dm',
  'dz', 'ee', 'es', 'fi', 'fm', 'fr', 'ga', 'ge', 'gg', 'gl', 'gm', 'gp', 'gr', 'gy', 'hn', 'hr', 'ht',
  'hu', 'ie', 'im', 'iq', 'is', 'it', 'je', 'jo', 'kg', 'ki', 'kz', 'la', 'li', 'lk', 'lt', 'lu', 'lv',
  'md', 'me', 'mg', 'mk', 'ml', 'mn', 'ms', 'mu', 'mv', 'mw', 'ne', 'nl', 'no', 'nr', 'nu', 'pl', 'pn',
  'ps', 'pt', 'ro', 'rs', 'ru', 'rw', 'sc', 'se', 'sh', 'si', 'sk', 'sm', 'sn', 'so', 'sr', 'st', 'td',
  'tg', 'tk', 'tl', 'tm', 'tn', 'to', 'tt', 'vg', 'vu', 'ws',
  ...['ao', 'bw', 'ck', 'cr', 'id', 'il', 'in', 'jp', 'ke', 'kr', 'ls', 'ma', 'mz', 'nz', 'th', 'tz',
    'ug', 'uk', 'uz', 've', 'vi', 'za', 'zm', 'zw'].map((cc) => `co.${cc}`),
  ...['af', 'ag', 'ai', 'ar', 'au', 'bd', 'bh', 'bn', 'bo', 'br', 'bz', 'co', 'cu', 'cy', 'do', 'ec',
    'eg', 'et', 'fj', 'gh', 'gi', 'gt', 'hk', 'jm', 'kh', 'kw', 'lb', 'ly', 'mm', 'mt', 'mx', 'my', 'na',
    'nf', 'ng', 'ni', 'np', 'om', 'pa', 'pe', 'pg', 'ph', 'pk', 'pr', 'py', 'qa', 'sa', 'sb', 'sg', 'sl',
    'sv', 'tj', 'tr', 'tw', 'ua', 'uy', 'vc', 'vn'].map((cc) => `com.${cc}`),
];

/** Every rewritten name and its engine. Exact names only: maps.google.com, mail.google.com stay. */
const ENGINE_BY_NAME: ReadonlyMap<string, SafeSearchEngine> = new Map<string, SafeSearchEngine>([
  // www. and the bare domain (which only redirects to www. over HTTPS, but is typed by people).
  ...GOOGLE_DOMAIN_SUFFIXES.flatMap((s): Array<[string, SafeSearchEngine]> => [[`www.google.${s}`, 'google'], [`google.${s}`, 'google']]),
  ...['www.youtube.com', 'm.youtube.com', 'youtubei.googleapis.com', 'youtube.googleapis.com', 'www.youtube-nocookie.com']
    .map((n): [string, SafeSearchEngine] => [n, 'youtube']),
  ...['www.bing.com', 'bing.com', 'edgeservices.bing.com'].map((n): [string, SafeSearchEngine] => [n, 'bing']),
  ...['duckduckgo.com', 'www.duckduckgo.com', 'start.duckduckgo.com'].map((n): [string, SafeSearchEngine] => [n, 'duckduckgo']),
  ['www.ecosia.org', 'ecosia'],
  ['pixabay.com', 'pixabay'],
]);

/** The engine whose search host `name` is (lower-case, no trailing dot), or null. */
export function safeSearchEngine(name: string): SafeSearchEngine | null {
  return ENGINE_BY_NAME.get(name) ?? null;
}

/**
 * The enforced host `name` must be answered with (a CNAME target), or null when `name` is not a
 * rewritten search host. One Map lookup: this runs for every query of a SafeSearch profile.
 * `targets` picks the host per engine (e.g. YOUTUBE_MODERATE_HOST for an older child).
 */
export function safeSearchTarget(name: string, targets: SafeSearchTargets = DEFAULT_SAFE_SEARCH_TARGETS): string | null {
  const engine = ENGINE_BY_NAME.get(name);
  return engine === undefined ? null : targets[engine];
}

/** How many names are rewritten (for `vigie doctor` and tests). */
export const SAFE_SEARCH_NAME_COUNT = ENGINE_BY_NAME.size;
