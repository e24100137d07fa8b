/**
 * A running Vigie picks up the parents' changes without a restart: custom rules and subscription
 * copies written by `vigie rules` / `vigie lists` (here through the same stores) apply within a
 * few seconds of the stamp being touched.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { lastGoodListPath, subscriptionListsDir, touchListsChanged } from '../../src/blocklists/subscriptions/list-files.js';
import { createSubscriptionStore } from '../../src/blocklists/subscriptions/subscription-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'homework.example.test': [{ type: 'A', value: '127.6.0.1' }],
    'www.rogue-chat.example': [{ type: 'A', value: '127.6.0.2' }],
  });
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie.close();
  await upstream.close();
});

/** Asks until `accept` holds or ~6 s pass (the stamp is polled every 2 s). */
async function eventually(name: string, accept: (address: string | undefined, rcode: number) => boolean): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    const res = await ask(vigie.port, name);
    if (accept(res.answers[0]?.address, res.rcode)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

it('applies custom block and allow rules on a running server', async () => {
  expect((await ask(vigie.port, 'homework.example.test')).answers[0]!.address).toBe('127.6.0.1');
  expect((await ask(vigie.port, 'coco.gg')).answers[0]!.address).toBe('0.0.0.0');
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  const rules = createCustomRulesStore({ db });
  rules.add({ name: 'homework.example.test', kind: 'block', subdomains: true });
  rules.add({ name: 'coco.gg', kind: 'allow', subdomains: false });
  db.close();
  touchListsChanged(vigie.dataDir);
  expect(await eventually('homework.example.test', (a) => a === '0.0.0.0')).toBe(true);
  // allow (exact) beats the curated list for coco.gg itself, not for its subdomains
  expect(await eventually('coco.gg', (a) => a !== '0.0.0.0')).toBe(true);
  expect((await ask(vigie.port, 'www.coco.gg')).answers[0]!.address).toBe('0.0.0.0');
});

it('loads a subscription copy (adblock format) on a running server', async () => {
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  const sub = createSubscriptionStore({ db }).add({ url: 'http://127.0.0.1:9/list.txt', category: 'anonymous-chat' });
  db.close();
  const file = lastGoodListPath(subscriptionListsDir(vigie.dataDir), sub.id);
  mkdirSync(subscriptionListsDir(vigie.dataDir), { recursive: true });
  writeFileSync(file, '! a remote list\n||rogue-chat.example^\n@@||ok.rogue-chat.example^\n');
  touchListsChanged(vigie.dataDir);
  expect(await eventually('www.rogue-chat.example', (a) => a === '0.0.0.0')).toBe(true);
  expect(vigie.catalog.lists.some((l) => l.id === `subscription-${sub.id}` && l.category === 'anonymous-chat')).toBe(true);
});
