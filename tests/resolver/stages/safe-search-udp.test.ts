/**
 * The safe-search stage over real loopback sockets, in a small chain built here (stand-in identify
 * → safe-search → cache → forward) against the dns2 fake upstream: the enforced host is what goes
 * upstream, its answer is cached by the cache stage, and the CNAME is composed for each client.
 * The full pipeline wiring is tested by the e2e suite once the stage is in buildPipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../../helpers/fake-upstream.js';
import { createAnswerCache } from '../../../src/resolver/answer-cache.js';
import { createCounters } from '../../../src/resolver/counters.js';
import { compose } from '../../../src/resolver/pipeline.js';
import { createRandomId } from '../../../src/resolver/random-id.js';
import { createDnsServer, type DnsServer } from '../../../src/resolver/server.js';
import { createCacheStage } from '../../../src/resolver/stages/cache.js';
import { createForwardStage } from '../../../src/resolver/stages/forward.js';
import { createSafeSearchStage } from '../../../src/resolver/stages/safe-search.js';
import type { Requester, Stage } from '../../../src/resolver/types.js';
import { createUpstreamClient, type UpstreamClient } from '../../../src/resolver/upstream.js';

let safeSearchOn = true;
const child: Requester = { deviceId: 'ip:127.0.0.1', deviceName: 'tablet', profileId: 'child', decide: () => null, isSafeSearchOn: () => safeSearchOn };
const identify: Stage = {
  name: 'identify (stand-in)',
  run(q, next) {
    q.requester = child;
    return next(q);
  },
};

let upstream: FakeUpstream;
let client: UpstreamClient;
let server: DnsServer;
let port: number;

beforeAll(async () => {
  upstream = await startFakeUpstream({
    'forcesafesearch.google.com': [{ type: 'A', value: '192.0.2.120', ttl: 3600 }, { type: 'AAAA', value: '2001:db8::78', ttl: 3600 }],
    'www.google.com': [{ type: 'A', value: '192.0.2.4', ttl: 300 }],
    'restrict.youtube.com': [{ type: 'A', value: '192.0.2.121', ttl: 120 }],
  });
  const counters = createCounters();
  const clock = Date.now;
  const servers = [{ transport: 'udp' as const, host: '127.0.0.1', port: upstream.port }];
  client = createUpstreamClient({ servers, timeoutMs: 1000, budgetMs: 2000, clock, randomId: createRandomId(), counters });
  const cache = createAnswerCache({ maxEntries: 100, minTtl: 0, maxTtl: 86_400, negativeMaxTtl: 3600, staleTtl: 30, maxStale: 3600, clock });
  const handler = compose([
    identify,
    createSafeSearchStage(),
    createCacheStage({ cache }),
    createForwardStage({ upstream: client, counters, clock, maxInflight: 100 }),
  ]);
  const tcp = { maxConnections: 10, maxPerClient: 5, idleMs: 1000, messageMs: 1000 };
  server = createDnsServer({ hosts: ['127.0.0.1'], port: 0, handler, clock, counters, tcp, warn: () => {} });
  await server.start();
  port = server.addresses().find((a) => a.transport === 'udp')!.port;
});

afterAll(async () => {
  await server.stop();
  client.close();
  await upstream.close();
});

describe('safe-search over UDP', () => {
  it('answers www.google.com with the CNAME and forcesafesearch’s address; only the target goes upstream', async () => {
    const before = upstream.seen.length;
    const res = await ask(port, 'www.Google.com', 'A');
    expect(res.rcode).toBe(0);
    expect(res.answers.map((r) => [r.name, r.type, r.domain ?? r.address, r.ttl])).toEqual([
      ['www.Google.com', 5, 'forcesafesearch.google.com', 300],
      ['forcesafesearch.google.com', 1, '192.0.2.120', 3600],
    ]);
    expect(upstream.seen.slice(before).map((s) => s.name.toLowerCase())).toEqual(['forcesafesearch.google.com']);
  });

  it('serves google.fr AAAA from the cache entry that www.google.de AAAA filled', async () => {
    await ask(port, 'www.google.de', 'AAAA');
    const before = upstream.seen.length;
    const res = await ask(port, 'google.fr', 'AAAA');
    expect(res.answers.map((r) => [r.name, r.type, r.domain ?? r.address])).toEqual([
      ['google.fr', 5, 'forcesafesearch.google.com'],
      ['forcesafesearch.google.com', 28, '2001:db8::78'],
    ]);
    expect(upstream.seen.length).toBe(before);
  });

  it('rewrites YouTube to strict Restricted Mode, with the CNAME TTL bounded by the target’s', async () => {
    const res = await ask(port, 'm.youtube.com', 'A');
    expect(res.answers[0]).toMatchObject({ type: 5, domain: 'restrict.youtube.com', ttl: 120 });
    expect(res.answers[1]).toMatchObject({ name: 'restrict.youtube.com', address: '192.0.2.121' });
  });

  it('leaves the name alone when the profile has SafeSearch off', async () => {
    safeSearchOn = false;
    try {
      const res = await ask(port, 'www.google.com', 'A');
      expect(res.answers.map((r) => [r.name, r.type, r.address])).toEqual([['www.google.com', 1, '192.0.2.4']]);
    } finally {
      safeSearchOn = true;
    }
  });
});
