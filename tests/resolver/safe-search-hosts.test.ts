/** The table of rewritten search hosts: exact names only, every Google country domain, no loops. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SAFE_SEARCH_TARGETS,
  GOOGLE_DOMAIN_SUFFIXES,
  GOOGLE_SAFE_HOST,
  SAFE_SEARCH_NAME_COUNT,
  safeSearchEngine,
  safeSearchTarget,
  YOUTUBE_MODERATE_HOST,
  YOUTUBE_STRICT_HOST,
} from '../../src/resolver/safe-search-hosts.js';

describe('safeSearchTarget', () => {
  it.each([
    ['www.google.com', GOOGLE_SAFE_HOST],
    ['google.com', GOOGLE_SAFE_HOST],
    ['www.google.fr', GOOGLE_SAFE_HOST],
    ['google.fr', GOOGLE_SAFE_HOST],
    ['www.google.co.uk', GOOGLE_SAFE_HOST],
    ['www.google.com.br', GOOGLE_SAFE_HOST],
    ['www.google.co.za', GOOGLE_SAFE_HOST],
    ['www.google.cat', GOOGLE_SAFE_HOST],
    ['www.youtube.com', YOUTUBE_STRICT_HOST],
    ['m.youtube.com', YOUTUBE_STRICT_HOST],
    ['youtubei.googleapis.com', YOUTUBE_STRICT_HOST],
    ['youtube.googleapis.com', YOUTUBE_STRICT_HOST],
    ['www.youtube-nocookie.com', YOUTUBE_STRICT_HOST],
    ['www.bing.com', 'strict.bing.com'],
    ['bing.com', 'strict.bing.com'],
    ['edgeservices.bing.com', 'strict.bing.com'],
    ['duckduckgo.com', 'safe.duckduckgo.com'],
    ['www.duckduckgo.com', 'safe.duckduckgo.com'],
    ['start.duckduckgo.com', 'safe.duckduckgo.com'],
    ['www.ecosia.org', 'strict-safe-search.ecosia.org'],
    ['pixabay.com', 'safesearch.pixabay.com'],
  ])('%s → %s', (name, target) => {
    expect(safeSearchTarget(name)).toBe(target);
  });

  it.each([
    'maps.google.com',
    'mail.google.com',
    'news.google.com',
    'www.google.example',
    'google',
    'forcesafesearch.google.com',
    'restrict.youtube.com',
    'youtube.com.example',
    'xwww.google.com',
    'www.google.com.',
    'WWW.GOOGLE.COM', // callers pass the query's lower-cased name
    '',
  ])('%s is not rewritten', (name) => {
    expect(safeSearchTarget(name)).toBeNull();
  });

  it('lets the caller choose the YouTube host per call', () => {
    const moderate = { ...DEFAULT_SAFE_SEARCH_TARGETS, youtube: YOUTUBE_MODERATE_HOST };
    expect(safeSearchTarget('www.youtube.com', moderate)).toBe('restrictmoderate.youtube.com');
    expect(safeSearchTarget('www.google.com', moderate)).toBe(GOOGLE_SAFE_HOST);
    expect(safeSearchEngine('youtubei.googleapis.com')).toBe('youtube');
  });
});

describe('Google country domains', () => {
  it('covers Google’s supported_domains (187) plus older ones, each once, in canonical form', () => {
    expect(GOOGLE_DOMAIN_SUFFIXES.length).toBe(194);
    expect(new Set(GOOGLE_DOMAIN_SUFFIXES).size).toBe(GOOGLE_DOMAIN_SUFFIXES.length);
    for (const s of GOOGLE_DOMAIN_SUFFIXES) expect(s).toMatch(/^(co\.|com\.)?[a-z]{2,3}$/);
    // www. and bare name for each, plus 5 YouTube, 3 Bing, 3 DuckDuckGo, Ecosia and Pixabay.
    expect(SAFE_SEARCH_NAME_COUNT).toBe(2 * 194 + 5 + 3 + 3 + 1 + 1);
  });

  it('never rewrites an enforced host again (no CNAME loop)', () => {
    for (const target of Object.values(DEFAULT_SAFE_SEARCH_TARGETS)) expect(safeSearchTarget(target)).toBeNull();
    expect(safeSearchTarget(YOUTUBE_MODERATE_HOST)).toBeNull();
  });
});
