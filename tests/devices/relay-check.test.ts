/**
 * The relay check's verdicts without a relay: `send` hands the check query to a function playing
 * the relay (strip, pass through, replace, or lose it), which delivers what would arrive at Vigie.
 */
import { describe, expect, it, vi } from 'vitest';
import { EdnsOption } from '../../src/devices/edns-client-options.js';
import { createRelayChecker, RELAY_CHECK_ZONE, Trust, type RelayChecker } from '../../src/devices/relay-check.js';
import { parseQuery, type ParsedQuery } from '../../src/dns/query-reader.js';

type Relay = (options: Buffer) => Buffer | null;

/** Options with `codes` removed. */
const strip = (codes: number[]): Relay => (options) => {
  const kept: Buffer[] = [];
  for (let p = 0; p + 4 <= options.length;) {
    const len = options.readUInt16BE(p + 2);
    if (!codes.includes(options.readUInt16BE(p))) kept.push(options.subarray(p, p + 4 + len));
    p += 4 + len;
  }
  return Buffer.concat(kept);
};

function checker(relay: { fn: Relay }, onChange = vi.fn()): RelayChecker {
  let c: RelayChecker;
  const send = async (_host: string, _port: number, packet: Buffer): Promise<() => void> => {
    const q = parseQuery(packet) as ParsedQuery;
    const arrived = relay.fn(Buffer.from(q.edns!.options));
    if (arrived !== null) setImmediate(() => c.arrived(q.name, arrived));
    return () => {};
  };
  c = createRelayChecker({ relays: ['192.0.2.1'], port: 53, clock: () => 1000, timeoutMs: 50, send, onChange });
  return c;
}

describe('relay check', () => {
  it('trusts nothing before a check, then exactly the options the relay strips', async () => {
    const relay = { fn: strip([]) };
    const onChange = vi.fn();
    const c = checker(relay, onChange);
    expect(c.trustOf('192.0.2.1')).toBe(Trust.NONE);
    await c.checkAll();
    expect(c.states()).toEqual([{ relay: '192.0.2.1', mac: 'passes', subnet: 'passes', checkedAt: 1000, error: null }]);
    expect(c.trustOf('192.0.2.1')).toBe(Trust.NONE);
    relay.fn = strip([EdnsOption.DNSMASQ_MAC, EdnsOption.DNSMASQ_DEVICE_ID]);
    await c.checkAll();
    expect(c.trustOf('192.0.2.1')).toBe(Trust.MAC);
    relay.fn = strip([EdnsOption.DNSMASQ_MAC]); // 65073 still passes: the MAC is not believed
    await c.checkAll();
    expect(c.trustOf('192.0.2.1')).toBe(Trust.NONE);
    relay.fn = strip([EdnsOption.DNSMASQ_MAC, EdnsOption.DNSMASQ_DEVICE_ID, EdnsOption.CLIENT_SUBNET]);
    await c.checkAll();
    await c.checkAll(); // same verdict: no second change
    expect(c.trustOf('192.0.2.1')).toBe(Trust.MAC | Trust.SUBNET);
    expect(onChange).toHaveBeenCalledTimes(4);
    expect(c.trustOf('192.0.2.99')).toBe(Trust.NONE);
  });

  it('a relay that replaces the options with its own (add-mac + strip-mac) passes the check', async () => {
    const own = Buffer.from([0xfd, 0xe9, 0, 6, 2, 0, 0, 0, 0, 9, 0, 8, 0, 8, 0, 1, 32, 0, 192, 168, 1, 10]);
    const c = checker({ fn: () => own });
    await c.checkAll();
    expect(c.trustOf('192.0.2.1')).toBe(Trust.MAC | Trust.SUBNET);
  });

  it('a check that never comes back keeps the last verdict and says why', async () => {
    const relay: { fn: Relay } = { fn: strip([EdnsOption.DNSMASQ_MAC, EdnsOption.DNSMASQ_DEVICE_ID, EdnsOption.CLIENT_SUBNET]) };
    const c = checker(relay);
    await c.checkAll();
    relay.fn = () => null;
    await c.checkAll();
    expect(c.states()[0]).toMatchObject({ mac: 'strips', subnet: 'strips', error: expect.stringContaining('no check query came back') });
    expect(c.trustOf('192.0.2.1')).toBe(Trust.MAC | Trust.SUBNET);
  });

  it('ignores check names it did not send, and stop() ends a check under way', async () => {
    const c = checker({ fn: () => null });
    c.arrived(`deadbeef.${RELAY_CHECK_ZONE}`, Buffer.alloc(0));
    expect(c.isCheckName(`abc.${RELAY_CHECK_ZONE}`)).toBe(true);
    expect(c.isCheckName('relay-check.vigie.invalid.example')).toBe(false);
    const running = c.checkAll();
    c.stop();
    await running;
    expect(c.states()[0]).toMatchObject({ mac: 'unchecked', subnet: 'unchecked' });
  });
});
