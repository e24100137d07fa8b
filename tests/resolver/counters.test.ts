import { describe, expect, it } from 'vitest';
import { createCounters, recordUpstreamLatency, UPSTREAM_LATENCY_BOUNDS_MS } from '../../src/resolver/counters.js';
import { createRecordStage } from '../../src/resolver/stages/record.js';
import type { DnsQuery, Resolution } from '../../src/resolver/types.js';

describe('metrics counters', () => {
  it.each([
    [0.4, 0],
    [5, 0],
    [5.01, 1],
    [99, 4],
    [2500, 8],
    [9000, 9],
  ])('an upstream answer in %s ms lands in bucket %i', (ms, bucket) => {
    const c = createCounters();
    recordUpstreamLatency(c, ms);
    expect(c.upstreamLatency.counts.length).toBe(UPSTREAM_LATENCY_BOUNDS_MS.length + 1);
    expect([...c.upstreamLatency.counts].indexOf(1)).toBe(bucket);
    expect(c.upstreamLatency.sumMs).toBe(ms);
  });

  it('counts blocked answers per category in the record stage', () => {
    const counters = createCounters();
    const stage = createRecordStage({ counters, onBlocked: () => {} });
    const q = { name: 'coco.gg' } as DnsQuery;
    const blocked = (category: string): Resolution => ({ outcome: 'blocked', message: Buffer.alloc(0), decision: { action: 'sinkhole', category, list: category, rule: 'coco.gg', matched: 'coco.gg' } });
    stage.run(q, () => blocked('anonymous-chat'));
    stage.run(q, () => blocked('anonymous-chat'));
    stage.run(q, () => blocked('dating'));
    stage.run(q, () => ({ outcome: 'cached', message: Buffer.alloc(0) }));
    expect(Object.fromEntries(counters.blockedByCategory)).toEqual({ 'anonymous-chat': 2, dating: 1 });
    expect(counters.blocked).toBe(3);
  });
});
