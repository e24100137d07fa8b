/**
 * The shipped catalog through a real `vigie serve` over UDP, as a fresh install gets it (default
 * profile child, no subscription downloaded): every domain of every service in a category on for
 * child, and a subdomain of each, gets the blocked answer; no never-block name is blocked; the
 * services of the optional groups (social media, games…) are not blocked until a parent says so.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFileSchema, protectiveCategories, type CatalogFile } from '../../src/blocklists/catalog-schema.js';
import { parseDomainList } from '../../src/blocklists/parse-domain-list.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const listsDir = join(process.cwd(), 'lists');
const catalog: CatalogFile = catalogFileSchema.parse(JSON.parse(readFileSync(join(listsDir, 'catalog.json'), 'utf8')));
const neverBlock = parseDomainList(readFileSync(join(listsDir, 'never-block.txt'), 'utf8')).domains;
const protective = protectiveCategories(catalog.lists);

let upstream: FakeUpstream;
let dataDir: string;
let vigie: ServeProcess;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-catalog-'));
  upstream = await startFakeUpstream({});
  vigie = await startServe({ VIGIE_DATA_DIR: dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_UPSTREAMS: upstream.url, VIGIE_RATE_LIMIT: '1000000' });
}, 60_000);
afterAll(async () => {
  await vigie?.stop();
  await upstream?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Asks every name (a few at a time) and returns those whose answer is / is not the sinkhole. */
async function blockedAmong(names: readonly string[]): Promise<{ blocked: string[]; open: string[] }> {
  const blocked: string[] = [];
  const open: string[] = [];
  for (let i = 0; i < names.length; i += 40) {
    const batch = names.slice(i, i + 40);
    const answers = await Promise.all(batch.map((name) => ask(vigie.port, name, 'A', { timeoutMs: 5000 })));
    answers.forEach((a, j) => {
      // The default block mode answers 0.0.0.0; the canaries get NXDOMAIN without asking upstream.
      const sinkhole = a.rcode === 0 && a.answers.some((r) => r.type === 1 && r.address === '0.0.0.0');
      const canary = a.rcode === 3 && a.answers.length === 0 && !upstream.seen.some((s) => s.name === batch[j]);
      (sinkhole || canary ? blocked : open).push(batch[j]!);
    });
  }
  return { blocked, open };
}

describe('the shipped catalog on a fresh install (child profile)', () => {
  it('describes a few hundred services, each with a source and a review date', () => {
    expect(catalog.services.length).toBeGreaterThanOrEqual(150);
    for (const s of catalog.services) {
      expect(s.sources.length, s.id).toBeGreaterThan(0);
      expect(s.domains.length, s.id).toBeGreaterThan(0);
    }
  });

  it('blocks every domain of every protective service, and a subdomain of each, over UDP', async () => {
    const names = catalog.services.filter((s) => protective.has(s.category)).flatMap((s) => s.domains.flatMap((d) => [d, `vigie-test.${d}`]));
    expect(names.length).toBeGreaterThan(1000);
    const { open } = await blockedAmong(names);
    expect(open).toEqual([]);
  }, 120_000);

  it('blocks no never-block name', async () => {
    expect(neverBlock.length).toBeGreaterThan(50);
    const { blocked } = await blockedAmong(neverBlock);
    expect(blocked).toEqual([]);
  }, 60_000);

  it('leaves the optional groups open until a parent switches them on', async () => {
    const optional = catalog.services.filter((s) => !protective.has(s.category));
    expect(optional.length).toBeGreaterThan(10);
    const { blocked } = await blockedAmong(optional.map((s) => s.domains[0]!));
    // A domain also listed by a protective source (a VPN or DoH name in a mainstream app) may be
    // blocked; anything else of the optional groups must be open.
    expect(blocked.filter((name) => !catalog.services.some((s) => protective.has(s.category) && s.domains.includes(name)))).toEqual([]);
  }, 60_000);
});
