/**
 * Everything that tells devices apart, composed for the DNS server: the kernel neighbour table
 * (MACs of devices on the link), the optional DHCP leases file and reverse DNS against the router
 * (names), the device tracker (rows in config.db, batched), the router-proxy detector and the
 * relay check (which trusted relays' EDNS0 options are believed).
 */
import { readFile, stat } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createDeviceStore } from '../policy/device-store.js';
import { createDeviceTracker, type DeviceTracker } from '../policy/device-tracker.js';
import type { IdentifyDeps } from '../resolver/stages/identify.js';
import type { Clock, Requester } from '../resolver/types.js';
import { noteDevicesRefused, readDeviceCapStatus, type DeviceCapStatus } from './device-cap-status.js';
import { createLeasesWatcher, type LeasesWatcher } from './dhcp-leases.js';
import { isLoopbackText, normalizeIp } from './ip-text.js';
import { createNeighbourTable, defaultNeighbourReaders } from './neighbour-table.js';
import { createReverseLookup } from './reverse-lookup.js';
import { createRelayChecker, type RelayChecker, type RelayState } from './relay-check.js';
import { relayProblems, saveRelayCheckStatus } from './relay-check-status.js';
import { saveRouterProxyStatus } from './router-proxy-status.js';
import { createRouterProxyDetector, ROUTER_PROXY_ADVICE, type RouterProxyDetector } from './router-proxy-detector.js';

/** How often the proxy verdict is checked, stored for `vigie doctor`, and at most logged. */
const PROXY_CHECK_MS = 10 * 60_000;
/** How often each trusted relay is checked for passing clients' own options through. */
const RELAY_CHECK_MS = 60 * 60_000;

export interface DeviceIdentification extends Omit<IdentifyDeps, 'policy'> {
  readonly tracker: DeviceTracker | null;
  readonly proxyDetector: RouterProxyDetector;
  readonly relayCheck: RelayChecker;
  /** Takes the router-proxy verdict now: stores it for `vigie doctor`, logs it when suspected. */
  checkRouterProxy(): void;
  start(): void;
  stop(): Promise<void>;
}

export interface DeviceIdentificationDeps {
  readonly config: Config;
  /** null when config.db is unreadable: devices are still told apart, not remembered. */
  readonly db: Database.Database | null;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A new device was stored, or stale ones forgotten (ids empty): rebuild the policy. */
  readonly onNewDevices: (ids: readonly string[]) => void;
}

/** Composes the identification services (see the file header); start() begins their timers. */
export function createDeviceIdentification(deps: DeviceIdentificationDeps): DeviceIdentification {
  const { config, clock, logger } = deps;
  const neighbours = createNeighbourTable({ ...defaultNeighbourReaders(), clock });
  const leases: LeasesWatcher | null = config.devices.dhcpLeases === '' ? null : createLeasesWatcher({
    path: config.devices.dhcpLeases, readFile: (path) => readFile(path, 'utf8'), stat: (path) => stat(path), clock,
  });
  const reverse = config.devices.router === '' ? null : createReverseLookup({ server: { host: config.devices.router, port: 53 } });
  const lookupName = async (ip: string, mac: string | null): Promise<string | null> =>
    (mac !== null ? leases?.byMac(mac)?.hostname : null) ?? leases?.byIp(ip)?.hostname ?? (reverse ? await reverse.lookup(ip) : null);
  let capEpisode: DeviceCapStatus | null = null;
  const tracker = deps.db === null ? null : createDeviceTracker({
    store: createDeviceStore({ db: deps.db }),
    lookupName,
    onNewDevices: (ids) => {
      logger.info({ devices: ids }, 'new devices on the network (default profile until a parent assigns one)');
      deps.onNewDevices(ids);
    },
    onCapped: (refused, at) => {
      try {
        const noted = noteDevicesRefused(deps.db, capEpisode ?? (deps.db === null ? null : readDeviceCapStatus(deps.db)), refused, at);
        capEpisode = noted.status;
        if (noted.started) logger.warn({ refused }, 'too many new devices at once (probably forged source addresses): only a few are recorded per minute; the others are still filtered under the default profile');
      } catch (err) {
        logger.warn({ err }, 'could not store the device cap');
      }
    },
    onForgotten: (count) => {
      logger.info({ count }, 'forgot devices not seen for 30 days that no parent named or assigned');
      deps.onNewDevices([]);
    },
    onError: (err) => logger.warn({ err }, 'could not record devices'),
  });
  const proxyDetector = createRouterProxyDetector({ clock });
  const { relays, ranges } = splitTrusted(config.devices.router === '' ? config.devices.trustedForwarders : [...config.devices.trustedForwarders, config.devices.router]);
  const saveRelays = (states: readonly RelayState[]): void => {
    try {
      if (deps.db !== null) saveRelayCheckStatus(deps.db, { at: clock(), port: config.devices.relayPort, relays: states, ranges });
    } catch (err) {
      logger.warn({ err }, 'could not store the relay check');
    }
  };
  const relayCheck = createRelayChecker({
    relays, port: config.devices.relayPort, clock,
    onChange: (state, states) => {
      saveRelays(states);
      const problem = relayProblems({ at: clock(), port: config.devices.relayPort, relays: [state], ranges: [] })[0];
      if (problem === undefined) logger.info({ relay: state.relay }, `relay ${state.relay} strips devices' own MAC and subnet options: its options are believed`);
      else logger.warn({ relay: state.relay, mac: state.mac, subnet: state.subnet }, `${problem.message}; fix: ${problem.fix}`);
    },
  });
  let proxyTimer: NodeJS.Timeout | null = null;
  let relayTimer: NodeJS.Timeout | null = null;
  let lastWarned = -Infinity;
  const checkRouterProxy = (): void => {
    const verdict = proxyDetector.verdict();
    const now = clock();
    try {
      if (deps.db !== null) saveRouterProxyStatus(deps.db, verdict, now);
    } catch (err) {
      logger.warn({ err }, 'could not store the router-proxy verdict');
    }
    if (verdict.suspected && now - lastWarned >= 60 * 60_000) {
      lastWarned = now;
      logger.warn({ device: verdict.ip, share: verdict.share, queries: verdict.queries }, `nearly all queries come from one address, so devices cannot be told apart: ${ROUTER_PROXY_ADVICE}`);
    }
  };

  return {
    tracker,
    proxyDetector,
    checkRouterProxy,
    relayCheck,
    trustOf: relayCheck.trustOf,
    macOf(ip) {
      if (isLoopbackText(ip)) return null;
      const mac = neighbours.macOf(ip);
      if (mac === null) neighbours.requestRefresh(); // a new device: learn its MAC soon (rate limited)
      return mac;
    },
    onSeen(requester: Requester, mac, ip, now, forwarded) {
      // A router that names devices (add-mac / ECS) is not the problem the detector looks for.
      if (!forwarded) proxyDetector.observe(ip);
      tracker?.seen(requester.deviceId, mac, ip, now);
    },
    start() {
      if (proxyTimer !== null) return;
      neighbours.start();
      leases?.start();
      tracker?.start();
      proxyTimer = setInterval(checkRouterProxy, PROXY_CHECK_MS);
      proxyTimer.unref();
      if (relays.length > 0 || ranges.length > 0) {
        saveRelays(relayCheck.states());
        for (const range of ranges) logger.warn({ relay: range }, relayProblems({ at: 0, port: 0, relays: [], ranges: [range] })[0]!.message);
      }
      if (relays.length > 0) {
        void relayCheck.checkAll();
        relayTimer = setInterval(() => void relayCheck.checkAll(), RELAY_CHECK_MS);
        relayTimer.unref();
      }
    },
    async stop() {
      if (proxyTimer !== null) clearInterval(proxyTimer);
      if (relayTimer !== null) clearInterval(relayTimer);
      proxyTimer = null;
      relayTimer = null;
      relayCheck.stop();
      checkRouterProxy();
      neighbours.stop();
      leases?.stop();
      await tracker?.stop();
    },
  };
}

/**
 * Trusted entries that name one relay (a bare address, /32, /128) can be checked; a wider range
 * cannot (which of its addresses would be asked?), so its options are not believed.
 */
export function splitTrusted(entries: readonly string[]): { relays: string[]; ranges: string[] } {
  const relays = new Set<string>();
  const ranges: string[] = [];
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const ip = normalizeIp(address);
    const full = ip !== null && ip.includes(':') ? '128' : '32';
    if (ip !== null && (prefix === undefined || prefix === full)) relays.add(ip);
    else ranges.push(entry);
  }
  return { relays: [...relays], ranges };
}
