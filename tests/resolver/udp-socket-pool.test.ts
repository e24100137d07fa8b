/** The pooled upstream sockets over real loopback UDP: random picks, rotation, unwanted replies, refused ports. */
import dgram from 'node:dgram';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRandomId } from '../../src/resolver/random-id.js';
import { createUdpSocketPool, type UdpSocketPool } from '../../src/resolver/udp-socket-pool.js';

let echo: dgram.Socket;
let echoPort: number;
const seenPorts: number[] = [];

beforeAll(async () => {
  echo = dgram.createSocket('udp4');
  echo.on('message', (msg, rinfo) => {
    seenPorts.push(rinfo.port);
    echo.send(msg, rinfo.port, rinfo.address);
    if (msg[2] === 0xee) echo.send(Buffer.from([0xde, 0xad, 0xee]), rinfo.port, rinfo.address); // an unsolicited extra
  });
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  echoPort = echo.address().port;
});
afterAll(() => echo.close());

/** One exchange: resolves with the ID used, or the error's code. */
function exchange(pool: UdpSocketPool, marker = 0): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = pool.pick();
    let id = 0;
    id = socket.send((i) => Buffer.from([i >> 8, i & 0xff, marker]), {
      offer(msg) {
        if (msg.readUInt16BE(0) !== id) return false;
        socket.release(id);
        resolve(id);
        return true;
      },
      fail(err) {
        socket.release(id);
        resolve((err as NodeJS.ErrnoException).code ?? 'error');
      },
    });
  });
}

const base = { host: '127.0.0.1', randomId: createRandomId() };

it('spreads queries over random-port sockets and rotates worn-out ones', async () => {
  seenPorts.length = 0;
  const pool = createUdpSocketPool({ ...base, port: echoPort, size: 4, maxUses: 5, onUnwanted: () => {} });
  for (let i = 0; i < 60; i++) expect(await exchange(pool)).toBeGreaterThan(0);
  // 60 queries, at most 5 per socket: at least 12 distinct sockets, so at least 12 ports.
  expect(new Set(seenPorts).size).toBeGreaterThanOrEqual(12);
  expect(pool.open).toBeLessThanOrEqual(4);
  pool.close();
  expect(pool.open).toBe(0);
});

it('counts replies that match no pending query as unwanted', async () => {
  let unwanted = 0;
  const pool = createUdpSocketPool({ ...base, port: echoPort, size: 1, onUnwanted: () => unwanted++ });
  await exchange(pool, 0xee);
  await new Promise((r) => setTimeout(r, 50));
  expect(unwanted).toBe(1);
  pool.close();
});

it('fails at once with ECONNREFUSED when nothing listens on the server port', async () => {
  const closed = dgram.createSocket('udp4');
  await new Promise<void>((r) => closed.bind(0, '127.0.0.1', () => r()));
  const port = closed.address().port;
  await new Promise<void>((r) => closed.close(() => r()));
  const pool = createUdpSocketPool({ ...base, port, size: 2, onUnwanted: () => {} });
  expect(await exchange(pool)).toBe('ECONNREFUSED');
  pool.close();
});
