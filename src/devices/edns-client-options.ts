/**
 * Who is behind a forwarding router, as the router tells us in EDNS(0) options (RFC 6891 §6.1.2)
 * of the query it forwards. Codes and encodings are the ones dnsmasq (OpenWrt, Pi-hole, most
 * home routers) sends; see dnsmasq src/dns-protocol.h and src/edns0.c (add_mac, add_dns_client,
 * calc_subnet_opt):
 *
 * - `--add-mac`        → option 65001 (EDNS0_OPTION_MAC, "dyndns.org temporary assignment"),
 *                        the raw hardware address bytes (6 for Ethernet/Wi-Fi);
 * - `--add-mac=text`   → option 65073 (EDNS0_OPTION_NOMDEVICEID, "Nominum temporary
 *                        assignment"), 17 ASCII bytes `aa:bb:cc:dd:ee:ff` (print_mac, lower case);
 * - `--add-mac=base64` → option 65073 too, 8 ASCII bytes: the 6 bytes in standard base64
 *                        (`A–Z a–z 0–9 + /`, two 3-byte groups, no padding);
 * - `--add-subnet`     → option 8 (ECS, RFC 7871 §6);
 * - `--add-cpe-id=S`   → option 65074 (EDNS0_OPTION_NOMCPEID): one fixed string per router, the
 *                        same for every device behind it, so it does not identify a device and is
 *                        not read here.
 *
 * These options are claims by whoever sent the packet: a child's laptop can put any MAC in
 * option 65001. Callers must only believe them from a trusted forwarder (the router).
 */
import { isUsableMac, macFromBytes, normalizeMac } from './mac-address.js';
import { formatIPv4, formatIPv6 } from './ip-text.js';

/** EDNS option codes read here. */
export const EdnsOption = {
  CLIENT_SUBNET: 8,
  DNSMASQ_MAC: 65001,
  DNSMASQ_DEVICE_ID: 65073,
  DNSMASQ_CPE_ID: 65074,
} as const;

/** Options examined per query: bounds the work a hostile packet can ask for. */
export const MAX_OPTIONS = 16;

/** The client subnet a forwarder reported (RFC 7871): `address` is padded to full length. */
export interface ClientSubnet {
  readonly family: 4 | 6;
  readonly address: string;
  readonly sourcePrefix: number;
}

/** What the EDNS options say about the device behind the forwarder. */
export interface ClientOptions {
  /** Canonical MAC (`aa:bb:cc:dd:ee:ff`) from 65001 or 65073, only when usable (not zero/multicast). */
  readonly mac: string | null;
  readonly subnet: ClientSubnet | null;
}

const BASE64_MAC = /^[A-Za-z0-9+/]{8}$/;

/** MAC from a 65073 payload (dnsmasq `--add-mac=text` or `=base64`); null for anything else. */
function macFromDeviceId(data: Uint8Array): string | null {
  if (data.length === 17) return normalizeMac(Buffer.from(data).toString('latin1'));
  if (data.length === 8) {
    const text = Buffer.from(data).toString('latin1');
    if (!BASE64_MAC.test(text)) return null;
    return macFromBytes(Buffer.from(text, 'base64'));
  }
  return null; // other Nominum-style device ids are opaque strings, not MACs
}

/**
 * RFC 7871 §6: FAMILY (1 = IPv4, 2 = IPv6), SOURCE PREFIX-LENGTH, SCOPE PREFIX-LENGTH (0 in
 * queries; not checked), ADDRESS truncated to ceil(source/8) octets. §7.1.1 makes too few or too
 * many octets, or set bits past the prefix, a malformed option: null here.
 */
function readSubnet(data: Uint8Array): ClientSubnet | null {
  if (data.length < 4) return null;
  const family = (data[0]! << 8) | data[1]!;
  const prefix = data[2]!;
  const size = family === 1 ? 4 : family === 2 ? 16 : 0;
  if (size === 0 || prefix > size * 8) return null;
  const octets = Math.ceil(prefix / 8);
  if (data.length - 4 !== octets) return null;
  const full = new Uint8Array(size);
  full.set(data.subarray(4));
  if (prefix % 8 !== 0 && (full[octets - 1]! & (0xff >> prefix % 8)) !== 0) return null;
  return family === 1
    ? { family: 4, address: formatIPv4(full), sourcePrefix: prefix }
    : { family: 6, address: formatIPv6(full), sourcePrefix: prefix };
}

/**
 * Reads the device MAC and the client subnet from raw OPT RDATA (`(code u16, length u16, data)*`,
 * see EdnsInfo.options). At most {@link MAX_OPTIONS} options are examined; the first valid MAC
 * (65001, or 65073 text/base64) and the first valid ECS option win. Malformed, truncated or
 * oversized options yield null for that field; this never throws.
 */
export function readClientOptions(options: Uint8Array): ClientOptions {
  let mac: string | null = null;
  let subnet: ClientSubnet | null = null;
  if (!(options instanceof Uint8Array)) return { mac, subnet };
  let pos = 0;
  for (let n = 0; n < MAX_OPTIONS && pos + 4 <= options.length; n++) {
    const code = (options[pos]! << 8) | options[pos + 1]!;
    const length = (options[pos + 2]! << 8) | options[pos + 3]!;
    const start = pos + 4;
    if (start + length > options.length) break; // length runs past the RDATA: stop reading
    const data = options.subarray(start, start + length);
    pos = start + length;
    if (mac === null && code === EdnsOption.DNSMASQ_MAC) {
      mac = macFromBytes(data);
    } else if (mac === null && code === EdnsOption.DNSMASQ_DEVICE_ID) {
      mac = macFromDeviceId(data);
    } else if (subnet === null && code === EdnsOption.CLIENT_SUBNET) {
      subnet = readSubnet(data);
    }
    if (mac !== null && !isUsableMac(mac)) mac = null;
  }
  return { mac, subnet };
}
