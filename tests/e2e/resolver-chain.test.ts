/**
 * Answer inspection beyond CNAME (issue 12 item 10), over real sockets: a fake upstream returns
 * DNAME and HTTPS records and records outside the question's chain; the client must get the
 * blocked answer or the scrubbed one, fresh and from the cache. Answers are decoded with dns2
 * (independent of src/dns); DNAME and HTTPS RDATA are written by hand below.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../helpers/dns-client.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const A = 1;
const SOA = 6;
const DNAME = 39;
const HTTPS = 65;

/** Uncompressed wire form of a name ('' is the root). */
function wire(name: string): Buffer {
  const labels = name === '' ? [] : name.split('.');
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** HTTPS/SVCB RDATA (RFC 9460): priority, TargetName, then alpn=h2 and ipv4hint=address. */
function svcb(priority: number, target: string, ipv4hint: readonly number[]): Buffer {
  const head = Buffer.from([priority >> 8, priority & 0xff]);
  const alpn = Buffer.from([0, 1, 0, 3, 2, 0x68, 0x32]);
  const hint = Buffer.from([0, 4, 0, 4, ...ipv4hint]);
  return Buffer.concat([head, wire(target), alpn, hint]);
}

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const raw = upstream.raw;
  // A DNAME into a blocked zone, without the synthesized CNAME (RFC 6672 servers add it; a
  // hostile or old one need not): only the DNAME target says where the name really goes.
  raw.set('www.dname.example.test', [
    { name: 'dname.example.test', type: DNAME, data: wire('coco.gg') },
    { name: 'www.coco.gg', type: A, address: '127.6.6.1' },
  ]);
  // The same shape into an allowed zone: the synthesized name is in the chain and must stay.
  raw.set('www.moved.example.test', [
    { name: 'moved.example.test', type: DNAME, data: wire('example.net') },
    { name: 'www.example.net', type: A, address: '127.1.0.3' },
  ]);
  raw.set('svc.example.test', [{ name: 'svc.example.test', type: HTTPS, data: svcb(1, 'edge.coco.gg', [127, 6, 6, 2]) }]);
  raw.set('self.example.test', [{ name: 'self.example.test', type: HTTPS, data: svcb(1, '', [127, 1, 0, 6]) }]);
  raw.set('extra.example.test', [
    { name: 'extra.example.test', type: A, address: '127.1.0.4' },
    { name: 'coco.gg', type: A, address: '127.6.6.3' },
  ]);
  raw.set('ooc.example.test', [
    { name: 'ooc.example.test', type: A, address: '127.1.0.5' },
    { name: 'bank.example.net', type: A, address: '127.6.6.4' },
  ]);
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie.close();
  await upstream.close();
});

/** Asks twice: the first answer comes from upstream, the second from the cache. */
async function askTwice(name: string, type: 'A' | 'HTTPS'): Promise<Array<Awaited<ReturnType<typeof ask>>>> {
  const first = await ask(vigie.port, name, type);
  const second = await ask(vigie.port, name, type);
  return [first, second];
}

describe('DNAME', () => {
  it('blocks a name whose DNAME points into a blocked zone (fresh and cached)', async () => {
    for (const res of await askTwice('www.dname.example.test', 'A')) {
      expect(res.rcode).toBe(0);
      expect(res.answers.map((a) => [a.name, a.type, a.address])).toEqual([['www.dname.example.test', A, '0.0.0.0']]);
    }
  });

  it('keeps the synthesized chain of a DNAME into an allowed zone', async () => {
    for (const res of await askTwice('www.moved.example.test', 'A')) {
      expect(res.answers.map((a) => [a.name, a.type])).toEqual([['moved.example.test', DNAME], ['www.example.net', A]]);
      expect(res.answers[1]!.address).toBe('127.1.0.3');
    }
  });
});

describe('HTTPS / SVCB', () => {
  it('blocks an HTTPS answer whose TargetName is blocked (its ipv4hint never reaches the client)', async () => {
    for (const res of await askTwice('svc.example.test', 'HTTPS')) {
      expect(res.rcode).toBe(0);
      expect(res.answers).toHaveLength(0);
      expect(res.authorities[0]!.type).toBe(SOA);
      expect(res.raw.includes(Buffer.from([127, 6, 6, 2]))).toBe(false);
    }
  });

  it('relays an HTTPS answer whose TargetName is "." (the allowed owner itself)', async () => {
    for (const res of await askTwice('self.example.test', 'HTTPS')) {
      expect(res.answers.map((a) => [a.name, a.type])).toEqual([['self.example.test', HTTPS]]);
    }
  });
});

describe('records outside the question chain', () => {
  it('drops an extra A record for a blocked owner appended to a legitimate answer', async () => {
    for (const res of await askTwice('extra.example.test', 'A')) {
      expect(res.rcode).toBe(0);
      expect(res.answers.map((a) => [a.name, a.address])).toEqual([['extra.example.test', '127.1.0.4']]);
    }
  });

  it('scrubs a record whose owner is neither the name asked nor an alias of it', async () => {
    for (const res of await askTwice('ooc.example.test', 'A')) {
      expect(res.answers.map((a) => [a.name, a.address])).toEqual([['ooc.example.test', '127.1.0.5']]);
      expect(res.raw.includes(Buffer.from([127, 6, 6, 4]))).toBe(false);
    }
  });
});
