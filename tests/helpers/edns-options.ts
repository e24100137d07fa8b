/** Adds an OPT record carrying raw EDNS0 options (code, data) to a query without one. */
export function withOptions(packet: Buffer, options: ReadonlyArray<readonly [number, Buffer]>): Buffer {
  const body = Buffer.concat(options.map(([code, data]) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(code, 0);
    head.writeUInt16BE(data.length, 2);
    return Buffer.concat([head, data]);
  }));
  const opt = Buffer.alloc(11);
  opt.writeUInt16BE(41, 1); // root owner, type OPT
  opt.writeUInt16BE(1232, 3);
  opt.writeUInt16BE(body.length, 9);
  const out = Buffer.concat([packet, opt, body]);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10); // ARCOUNT
  return out;
}

/** Option 65001 (dnsmasq add-mac): the 6 raw bytes. */
export const macOption = (mac: string): readonly [number, Buffer] => [65001, Buffer.from(mac.split(':').map((h) => parseInt(h, 16)))];
/** Option 65073 (dnsmasq add-mac=text): `aa:bb:cc:dd:ee:ff` in ASCII. */
export const macTextOption = (mac: string): readonly [number, Buffer] => [65073, Buffer.from(mac, 'latin1')];
/** Option 8 (ECS, RFC 7871): an IPv4 /32. */
export const subnetOption = (ip: string): readonly [number, Buffer] => [8, Buffer.from([0, 1, 32, 0, ...ip.split('.').map(Number)])];
