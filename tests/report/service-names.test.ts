import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/report/report-from-files.js';
import { createServiceNames, loadServiceNames, registrableDomain, serviceFromComment } from '../../src/report/service-names.js';

describe('registrableDomain', () => {
  it.each([
    ['coco.gg', 'coco.gg'],
    ['www.coco.gg', 'coco.gg'],
    ['a.b.example.com.', 'example.com'],
    ['news.bbc.co.uk', 'bbc.co.uk'],
    ['shop.example.com.au', 'example.com.au'],
    ['www.example.co.jp', 'example.co.jp'],
    ['www.example.com.br', 'example.com.br'],
    ['x.example.co.nz', 'example.co.nz'],
    ['www.charity.org.uk', 'charity.org.uk'],
    ['www.service-public.gouv.fr', 'service-public.gouv.fr'],
    ['co.uk', 'co.uk'],
    ['localhost', 'localhost'],
    ['WWW.Example.TEST', 'example.test'],
  ])('%s → %s', (domain, expected) => {
    expect(registrableDomain(domain)).toBe(expected);
  });
});

describe('serviceFromComment', () => {
  it.each([
    ['Tinder — confirmed-list — source', 'Tinder'],
    ['Coco (Cocoland) — seen-article — https://example.test', 'Coco'],
    ['Cloudflare 1.1.1.1 DoH (all *.cloudflare-dns.com incl. family/security) — confirmed-list — x', 'Cloudflare 1.1.1.1 DoH'],
    ['RDV (French regional dating network, one domain per departement) — guess — x', 'RDV'],
    ['Chatruletka network (country mirror) — confirmed-list — x', 'Chatruletka network'],
    ['iCloud Private Relay — confirmed-list — x', 'iCloud Private Relay'],
    ['hi5 — confirmed-list — x', 'hi5'],
    ['eDarling (FR) — confirmed-list — x', 'eDarling'],
    // descriptions, not services: those rules group by their own domain
    ['French tchat/chat-rencontre site — confirmed-list — x', null],
    ['Spanish chat rooms — confirmed-list — x', null],
    ['Coco alternative/lookalike — seen-article — x', null],
    ['Chatroulette-style clone (FR/UK) — guess — x', null],
    ['coco.gg lookalike name — guess — x', null],
    ['adult sex chat — guess — x', null],
    ['', null],
  ])('%j → %j', (comment, expected) => {
    expect(serviceFromComment(comment)).toBe(expected);
  });
});

describe('service names', () => {
  const catalog = readCatalog('lists');
  const names = loadServiceNames('lists', catalog);

  it('reads the service of every shipped rule that names one', () => {
    expect(names.size).toBeGreaterThan(500);
    expect(names.serviceOf('coco.gg', 'anonymous-chat')).toBe('Coco');
    expect(names.serviceOf('tinder.com', 'dating')).toBe('Tinder');
    expect(names.serviceOf('gotinder.com', 'dating')).toBe('Tinder');
    expect(names.serviceOf('dns.google', 'bypass')).toBe('Google Public DNS DoH');
    expect(names.serviceOf('mask.icloud.com', 'bypass')).toBe('iCloud Private Relay');
  });

  it('falls back to the registrable domain of the rule, or of the name for rules that are not names', () => {
    expect(names.serviceOf('cdn.games.example', 'custom')).toBe('games.example');
    expect(names.serviceOf('*', 'bedtime', 'www.bbc.co.uk')).toBe('bbc.co.uk');
    expect(names.serviceOf('*', 'block-now')).toBe('*');
  });

  it('prefers the entry of the same category, then any category', () => {
    const s = createServiceNames([
      { category: 'a', rule: 'x.example', service: 'X in a' },
      { category: 'b', rule: 'x.example', service: 'X in b' },
    ]);
    expect(s.serviceOf('x.example', 'b')).toBe('X in b');
    expect(s.serviceOf('x.example', 'other')).toBe('X in a');
  });

  it('skips a list file that cannot be read', () => {
    const s = loadServiceNames('lists', [{ ...catalog[0]!, file: 'missing.txt' }]);
    expect(s.size).toBe(0);
  });
});
