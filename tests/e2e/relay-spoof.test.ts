/**
 * Attack (issue 12 item 1): a device passes as the parents' phone through the relay that
 * docs/router.md used to suggest. A REAL dnsmasq on loopback relays to a real Vigie that trusts
 * it (VIGIE_TRUSTED_FORWARDERS); the child's socket is bound to its own 127.x address.
 *
 * What dnsmasq sends on loopback (checked in its source, src/edns0.c, and by the relay check's
 * verdicts below): it finds no MAC for a 127.x client, so `add-mac` adds nothing and keeps the
 * client's own 65001 / 65073 option; `add-subnet=32,128` adds the client's real address as a /32
 * ECS option, unless the client sent one: then the client's is kept. With `strip-mac` the
 * client's MAC options are removed; with `strip-subnet` its subnet is replaced by the real one.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { readRelayCheckStatus } from '../../src/devices/relay-check-status.js';
import { runChecks } from '../../src/doctor/checks.js';
import { createDeviceStore } from '../../src/policy/device-store.js';
import { openConfigDatabase } from '../../src/store/config-database.js';
import { decode, query, sendUdp } from '../helpers/dns-client.js';
import { freeUdpPort, hasDnsmasq, startDnsmasq, type Dnsmasq } from '../helpers/dnsmasq.js';
import { macOption, macTextOption, subnetOption, withOptions } from '../helpers/edns-options.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

const RELAY = '127.91.0.1';
const CHILD = '127.91.0.2';
const PARENTS_IP = '127.91.0.3';
const PARENTS_MAC = '02:00:5e:00:53:01';
const OLD_GUIDE = ['--add-mac', '--add-subnet=32,128'];
const NEW_GUIDE = ['--add-mac', '--add-subnet=32,128', '--strip-mac', '--strip-subnet'];

let upstream: FakeUpstream;
let vigie: TestVigie;
let relay: Dnsmasq | null = null;
let relayPort: number;
const logLines: string[] = [];
const relayWarnings = (): string[] => logLines.filter((l) => l.includes(`relay ${RELAY} passes`));

/** `vigie doctor`'s finding about relays, on this Vigie's data. */
async function doctorRelays() {
  const config = loadConfig({ env: { VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(vigie.port), VIGIE_LIST_UPDATES: 'off', VIGIE_DATA_DIR: vigie.dataDir, VIGIE_UPSTREAMS: upstream.url } });
  return (await runChecks(config, Date.now())).filter((f) => f.check === 'relays');
}

/** tinder.com through the relay from `from`: 0.0.0.0 for the child profile, 127.6.0.1 for the parents'. */
async function throughRelay(from: string, options: ReadonlyArray<readonly [number, Buffer]> = []): Promise<string | undefined> {
  const packet = options.length === 0 ? query('tinder.com') : withOptions(query('tinder.com'), options);
  const raw = await sendUdp(relayPort, packet, { from, host: RELAY, timeoutMs: 5000 });
  if (raw === null) throw new Error(`no answer through dnsmasq:\n${relay?.log() ?? ''}`);
  return decode(raw).answers.at(-1)?.address;
}

async function startRelay(options: readonly string[]): Promise<void> {
  await relay?.stop();
  relay = await startDnsmasq({ address: RELAY, port: relayPort, upstreamPort: vigie.port, options });
  await vigie.devices.relayCheck.checkAll();
}

function relayStatus() {
  const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
  try {
    return readRelayCheckStatus(db);
  } finally {
    db.close();
  }
}

describe.skipIf(!hasDnsmasq)('a device cannot pass for the parents\' phone through a dnsmasq relay', () => {
  beforeAll(async () => {
    upstream = await startFakeUpstream({ 'tinder.com': [{ type: 'A', value: '127.6.0.1' }] });
    relayPort = await freeUdpPort(RELAY);
    const stream = new Writable({ write(chunk: Buffer, _enc, cb) { logLines.push(...chunk.toString().split('\n').filter(Boolean)); cb(); } });
    vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url, VIGIE_TRUSTED_FORWARDERS: `${RELAY}/32`, VIGIE_RELAY_PORT: String(relayPort), VIGIE_CACHE_SIZE: '0' }, { logger: pino({ level: 'info' }, stream) });
    const db = openConfigDatabase({ file: join(vigie.dataDir, 'config.db') });
    try {
      const devices = createDeviceStore({ db });
      devices.recordSightings([{ id: `mac:${PARENTS_MAC}`, mac: PARENTS_MAC, ip: '192.0.2.7', at: 1 }, { id: `ip:${PARENTS_IP}`, mac: null, ip: PARENTS_IP, at: 1 }]);
      devices.update(`mac:${PARENTS_MAC}`, { name: "Parents' phone", profileId: 'unfiltered' });
      devices.update(`ip:${PARENTS_IP}`, { name: "Parents' laptop", profileId: 'unfiltered' });
    } finally {
      db.close();
    }
    await vigie.reloadLists();
  }, 30_000);
  afterAll(async () => {
    await relay?.stop();
    await vigie?.close();
    await upstream?.close();
  });

  it('old guide (add-mac, add-subnet=32,128): a spoofed 65001 / 65073 MAC or /32 subnet does not get the parents\' profile', async () => {
    await startRelay(OLD_GUIDE);
    expect(await throughRelay(CHILD, [macOption(PARENTS_MAC)])).toBe('0.0.0.0');
    expect(await throughRelay(CHILD, [macTextOption(PARENTS_MAC)])).toBe('0.0.0.0');
    expect(await throughRelay(CHILD, [subnetOption(PARENTS_IP)])).toBe('0.0.0.0');
    expect(await throughRelay(CHILD, [macOption(PARENTS_MAC), subnetOption(PARENTS_IP)])).toBe('0.0.0.0');
    // The check saw its fake options arrive unchanged: neither option is believed from this relay.
    expect(relayStatus()?.relays).toEqual([expect.objectContaining({ relay: RELAY, mac: 'passes', subnet: 'passes', error: null })]);
    // Said once in the log (a second check with the same result says nothing), and by `vigie doctor` with the fix.
    await vigie.devices.relayCheck.checkAll();
    expect(relayWarnings()).toHaveLength(1);
    expect(await doctorRelays()).toEqual([{ check: 'relays', status: 'warn', message: expect.stringContaining("passes a device's own MAC (add-mac) and client subnet (add-subnet) option through"), fix: expect.stringContaining('add strip-mac and strip-subnet') }]);
  }, 30_000);

  it('new guide (plus strip-mac, strip-subnet): the relay is believed, the spoof still fails', async () => {
    await startRelay(NEW_GUIDE);
    expect(relayStatus()?.relays).toEqual([expect.objectContaining({ relay: RELAY, mac: 'strips', subnet: 'strips', error: null })]);
    expect(await doctorRelays()).toEqual([expect.objectContaining({ status: 'ok' })]);
    // dnsmasq replaces the spoofed subnet with the child's real address and drops the spoofed MAC.
    expect(await throughRelay(CHILD, [macOption(PARENTS_MAC), subnetOption(PARENTS_IP)])).toBe('0.0.0.0');
    // The parents' laptop, named by the /32 subnet dnsmasq adds, gets its own profile.
    expect(await throughRelay(PARENTS_IP)).toBe('127.6.0.1');
  }, 30_000);

  it('back to the old guide: a later check withdraws the trust', async () => {
    await startRelay(OLD_GUIDE);
    expect(await throughRelay(PARENTS_IP)).toBe('0.0.0.0'); // its subnet is no longer believed
    expect(await throughRelay(CHILD, [macOption(PARENTS_MAC)])).toBe('0.0.0.0');
    expect(relayWarnings()).toHaveLength(2); // one per change of state
  }, 30_000);
});
