/**
 * A real upstream DNS server on 127.0.0.1 (UDP + TCP on one port) for tests. Its answers are
 * encoded by dns2 (an independent encoder, so our reader is not checking its own writer), and its
 * faults are switchable at run time: drop everything, answer slowly, SERVFAIL, truncate UDP
 * answers, send spoofed replies first, or answer garbage.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dns2 from 'dns2';

// dns2's typings do not cover Packet's record shapes; keep the untyped surface in this file.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { Packet } = dns2 as any;

export interface FakeRecord {
  readonly type: 'A' | 'AAAA' | 'CNAME' | 'TXT';
  readonly value: string;
  readonly ttl?: number;
}

export type FakeMode = 'answer' | 'drop' | 'servfail' | 'garbage';

export interface FakeBehaviour {
  mode: FakeMode;
  delayMs: number;
  /** UDP answers carry TC=1 and no records; TCP answers are complete. */
  truncateUdp: boolean;
  /** Before each real UDP reply, send replies with a wrong ID and a wrong question. */
  spoofFirst: boolean;
  /** SOA TTL and MINIMUM of negative answers. */
  negativeTtl: number;
  /** Per-name delay (ms) that overrides delayMs when it returns a number (e.g. only slow.example). */
  delayFor?: (name: string) => number | undefined;
}

/**
 * A record put verbatim into answers for one question name (dns2 encodes it: A with `address`,
 * CNAME with `domain`, any other type from the raw RDATA in `data`). `name` is its owner, which
 * may differ from the question (out-of-chain records, DNAME-synthesized names).
 */
export interface RawRecord {
  readonly name: string;
  readonly type: number;
  readonly ttl?: number;
  readonly address?: string;
  readonly domain?: string;
  readonly data?: Buffer;
}

export interface SeenQuery {
  readonly name: string;
  readonly type: number;
  readonly id: number;
  readonly transport: 'udp' | 'tcp';
  readonly srcPort: number;
}

export interface FakeUpstream {
  readonly port: number;
  /** 'udp://127.0.0.1:PORT' */
  readonly url: string;
  readonly seen: SeenQuery[];
  readonly zone: Map<string, FakeRecord[]>;
  /** Answer records appended, as given, for a question name (lower-case, no trailing dot). */
  readonly raw: Map<string, RawRecord[]>;
  behaviour: FakeBehaviour;
  close(): Promise<void>;
}

/** Starts the server with `zone` (lower-case names without trailing dot). */
export async function startFakeUpstream(zone: Record<string, FakeRecord[]> = {}, behaviour: Partial<FakeBehaviour> = {}): Promise<FakeUpstream> {
  const state: FakeUpstream = {
    port: 0,
    url: '',
    seen: [],
    zone: new Map(Object.entries(zone)),
    raw: new Map(),
    behaviour: { mode: 'answer', delayMs: 0, truncateUdp: false, spoofFirst: false, negativeTtl: 60, ...behaviour },
    close: async () => {},
  };

  const answer = (msg: Buffer, transport: 'udp' | 'tcp'): Buffer | null => {
    const req = Packet.parse(msg);
    const q = req.questions[0];
    if (!q) return null;
    const name = String(q.name).toLowerCase().replace(/\.$/, '');
    const b = state.behaviour;
    const res = new Packet();
    res.header.id = req.header.id;
    res.header.qr = 1;
    res.header.rd = req.header.rd;
    res.header.ra = 1;
    res.questions = req.questions;
    if (b.mode === 'servfail') {
      res.header.rcode = 2;
      return res.toBuffer();
    }
    if (transport === 'udp' && b.truncateUdp) {
      res.header.tc = 1;
      return res.toBuffer();
    }
    let current = name;
    let found = false;
    const raw = state.raw.get(name);
    if (raw) {
      found = true;
      for (const r of raw) res.answers.push({ class: 1, ttl: 300, ...r });
    }
    for (let hops = 0; hops < 10; hops++) {
      const records = state.zone.get(current);
      if (!records) break;
      found = true;
      const cname = records.find((r) => r.type === 'CNAME');
      if (cname && q.type !== Packet.TYPE.CNAME) {
        res.answers.push({ name: current, type: Packet.TYPE.CNAME, class: 1, ttl: cname.ttl ?? 300, domain: cname.value });
        current = cname.value;
        continue;
      }
      for (const r of records) {
        if (Packet.TYPE[r.type] !== q.type) continue;
        const base = { name: current, type: Packet.TYPE[r.type], class: 1, ttl: r.ttl ?? 300 };
        if (r.type === 'TXT') res.answers.push({ ...base, data: r.value });
        else res.answers.push({ ...base, address: r.value });
      }
      break;
    }
    if (!found) res.header.rcode = 3;
    if (res.answers.length === 0 || !found) {
      res.authorities.push({
        name: name.split('.').slice(-1)[0] || '.', type: Packet.TYPE.SOA, class: 1, ttl: b.negativeTtl,
        primary: 'ns.test', admin: 'hostmaster.test', serial: 1, refresh: 3600, retry: 600, expiration: 86400, minimum: b.negativeTtl,
      });
    }
    return res.toBuffer();
  };

  /** Records the query; returns the delay to answer it after (ms). */
  const note = (msg: Buffer, transport: 'udp' | 'tcp', srcPort: number): number => {
    try {
      const req = Packet.parse(msg);
      const q = req.questions[0];
      const name = String(q?.name ?? '');
      state.seen.push({ name, type: q?.type ?? 0, id: req.header.id, transport, srcPort });
      return state.behaviour.delayFor?.(name.toLowerCase()) ?? state.behaviour.delayMs;
    } catch {
      /* not a query we can read: ignore */
      return state.behaviour.delayMs;
    }
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const delayMs = note(msg, 'udp', rinfo.port);
    const b = state.behaviour;
    if (b.mode === 'drop') return;
    setTimeout(() => {
      if (b.mode === 'garbage') {
        const junk = Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 1, 0, 9, 0, 0, 0, 0, 0xc0, 0x0c]);
        udp.send(junk, rinfo.port, rinfo.address);
        return;
      }
      const out = answer(msg, 'udp');
      if (!out) return;
      if (b.spoofFirst) {
        const wrongId = Buffer.from(out);
        wrongId.writeUInt16BE((out.readUInt16BE(0) + 1) & 0xffff, 0);
        udp.send(wrongId, rinfo.port, rinfo.address);
      }
      udp.send(out, rinfo.port, rinfo.address);
    }, delayMs);
  });
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const port = udp.address().port;

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        const delayMs = note(msg, 'tcp', socket.remotePort ?? 0);
        if (state.behaviour.mode === 'drop') continue;
        const out = answer(Buffer.from(msg), 'tcp');
        if (!out) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(out.length);
        setTimeout(() => socket.write(Buffer.concat([prefix, out])), delayMs);
      }
    });
  });
  await new Promise<void>((r) => tcp.listen(port, '127.0.0.1', () => r()));

  return Object.assign(state, {
    port,
    url: `udp://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  });
}
