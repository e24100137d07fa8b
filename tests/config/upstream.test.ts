import { describe, expect, it } from 'vitest';
import { formatUpstream, parseUpstream } from '../../src/config-upstream.js';

describe('parseUpstream', () => {
  it.each([
    ['udp://1.2.3.4:53', 'udp', '1.2.3.4', 53],
    ['tcp://1.2.3.4:53', 'tcp', '1.2.3.4', 53],
    ['TCP://1.2.3.4:5353', 'tcp', '1.2.3.4', 5353],
    ['1.2.3.4', 'udp', '1.2.3.4', 53],
    ['1.2.3.4:5353', 'udp', '1.2.3.4', 5353],
    ['[2606:4700::1111]:53', 'udp', '2606:4700::1111', 53],
    ['[2606:4700::1111]', 'udp', '2606:4700::1111', 53],
    ['udp://[::1]:5300', 'udp', '::1', 5300],
    ['tcp://[::1]', 'tcp', '::1', 53],
    ['::1', 'udp', '::1', 53],
    ['2606:4700:4700::1111', 'udp', '2606:4700:4700::1111', 53],
    ['tcp://::1', 'tcp', '::1', 53],
    ['  192.0.2.9:53  ', 'udp', '192.0.2.9', 53],
    ['udp://1.2.3.4:53/', 'udp', '1.2.3.4', 53],
  ] as const)('%j → %s %s %d', (text, transport, host, port) => {
    expect(parseUpstream(text)).toEqual({ ok: true, value: { transport, host, port } });
  });

  it.each([
    ['dns.example', /not an IP address/],
    ['udp://one.one.one.one:53', /not an IP address/],
    ['https://192.0.2.1/dns-query', /unsupported transport "https:\/\/"/],
    ['tls://192.0.2.1', /unsupported transport/],
    ['1.2.3.4:0', /port "0" must be an integer from 1 to 65535/],
    ['1.2.3.4:65536', /port "65536"/],
    ['1.2.3.4:53abc', /port "53abc"/],
    ['1.2.3.4:', /port ""/],
    ['[::1', /missing "\]"/],
    ['[::1]53', /unexpected "53"/],
    ['1.2.3.4.5', /not an IP address/],
    ['', /missing address/],
    ['udp://', /missing address/],
    ['fe80::1:53:x', /IPv6 address with a port must be written \[address\]:port/],
  ])('%j is rejected (%s)', (text, message) => {
    const r = parseUpstream(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it.each([
    [{ transport: 'udp', host: '1.2.3.4', port: 53 }, 'udp://1.2.3.4:53'],
    [{ transport: 'tcp', host: '::1', port: 5300 }, 'tcp://[::1]:5300'],
  ] as const)('formatUpstream(%j) = %s and round-trips', (u, text) => {
    expect(formatUpstream(u)).toBe(text);
    expect(parseUpstream(text)).toEqual({ ok: true, value: u });
  });
});
