/**
 * The forward stage's upstream slots per client (limits.maxInflightPerClient), with an upstream
 * client whose answers the test releases by hand: a client past its share fails fast, the others
 * keep theirs, joining an identical question in flight is free, and a settled query frees its slot.
 */
import { describe, expect, it } from 'vitest';
import { QType } from '../../../src/dns/constants.js';
import { buildQuery } from '../../../src/dns/message-builder.js';
import { parseQuery, type ParsedQuery } from '../../../src/dns/query-reader.js';
import { parseReply, type ParsedReply } from '../../../src/dns/reply-reader.js';
import { createCounters } from '../../../src/resolver/counters.js';
import { createForwardStage } from '../../../src/resolver/stages/forward.js';
import type { DnsQuery, Requester, Resolution } from '../../../src/resolver/types.js';
import type { UpstreamAnswer, UpstreamClient } from '../../../src/resolver/upstream.js';
import { isUpstreamError } from '../../../src/resolver/upstream-error.js';

function q(name: string, ip: string, deviceId?: string): DnsQuery {
  const raw = buildQuery({ id: 42, name, type: QType.A });
  const p = parseQuery(raw) as ParsedQuery;
  const requester: Requester | null = deviceId ? { deviceId, deviceName: deviceId, profileId: 'child', decide: () => null, isSafeSearchOn: () => false } : null;
  return { id: p.id, name: p.name, type: p.type, qclass: p.qclass, flags: p.flags, question: raw.subarray(12, p.questionEnd), edns: null, client: { ip, port: 5000, transport: 'udp' }, receivedAt: 0, requester };
}

/** An upstream whose answers stay pending until release(name). */
function heldUpstream(): UpstreamClient & { asked: string[]; release(name: string): void } {
  const waiting = new Map<string, () => void>();
  const asked: string[] = [];
  return {
    asked,
    release: (name) => waiting.get(name)?.(),
    close: () => {},
    health: () => [],
    resolve(query) {
      asked.push(query.name);
      return new Promise<UpstreamAnswer>((resolve) => {
        waiting.set(query.name, () => {
          const message = buildQuery({ id: 1, name: query.name, type: query.type });
          message.writeUInt16BE(0x8180, 2);
          resolve({ message, reply: parseReply(message) as ParsedReply, server: 'held' });
        });
      });
    },
  };
}

const settle = async (p: Promise<Resolution>): Promise<string> => p.then((r) => r.outcome, (err: unknown) => (isUpstreamError(err) ? 'upstream-error' : 'other'));

describe('forward: upstream slots per client', () => {
  it('fails fast past the client share while another client still gets a slot', async () => {
    const upstream = heldUpstream();
    const stage = createForwardStage({ upstream, counters: createCounters(), clock: () => 0, maxInflight: 10, maxInflightPerClient: 2 });
    const run = (query: DnsQuery): Promise<Resolution> => stage.run(query, () => { throw new Error('terminal'); }) as Promise<Resolution>;
    const a1 = run(q('one.test', '127.0.0.2'));
    const a2 = run(q('two.test', '127.0.0.2'));
    expect(await settle(run(q('three.test', '127.0.0.2')))).toBe('upstream-error');
    // Joining an identical question already in flight costs no slot.
    const joined = run(q('one.test', '127.0.0.2'));
    const b = run(q('other.test', '127.0.0.3'));
    expect(upstream.asked).toEqual(['one.test', 'two.test', 'other.test']);
    upstream.release('other.test');
    expect(await settle(b)).toBe('forwarded');
    // A settled query frees its slot.
    upstream.release('one.test');
    expect(await settle(a1)).toBe('forwarded');
    expect(await settle(joined)).toBe('forwarded');
    const a3 = run(q('three.test', '127.0.0.2'));
    expect(upstream.asked).toContain('three.test');
    upstream.release('two.test');
    upstream.release('three.test');
    expect([await settle(a2), await settle(a3)]).toEqual(['forwarded', 'forwarded']);
  });

  it('counts a device by its id when identify found one, whatever address it asks from', async () => {
    const upstream = heldUpstream();
    const stage = createForwardStage({ upstream, counters: createCounters(), clock: () => 0, maxInflight: 10, maxInflightPerClient: 1 });
    const run = (query: DnsQuery): Promise<Resolution> => stage.run(query, () => { throw new Error('terminal'); }) as Promise<Resolution>;
    void run(q('a.test', '10.0.0.5', 'mac:aa:bb:cc:dd:ee:ff'));
    expect(await settle(run(q('b.test', '10.0.0.6', 'mac:aa:bb:cc:dd:ee:ff')))).toBe('upstream-error');
    void run(q('c.test', '10.0.0.5', 'mac:11:22:33:44:55:66'));
    expect(upstream.asked).toEqual(['a.test', 'c.test']);
  });
});
