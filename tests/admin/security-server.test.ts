/** The admin server on a real socket: listening, timeouts, Host on the wire, a busy port. */
import { request as httpRequest } from 'node:http';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/admin-server.js';
import { REQUEST_TIMEOUT_MS } from '../../src/admin/app.js';
import { isAppError } from '../../src/errors.js';
import { createAuthTestApp, testRoutes, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
let server: AdminServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  await t?.close();
});

function get(port: number, path: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes and returns what came back (until the server closes). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('admin server', () => {
  it('listens on port 0, serves, and stops', async () => {
    t = await createAuthTestApp();
    server = createAdminServer({ ctx: t.ctx, host: '127.0.0.1', port: 0, routes: [testRoutes], setupCode: null });
    await server.start();
    const { host, port } = server.address();
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: '{"ok":true}' });
    expect((await get(port, '/secret')).status).toBe(303);
    expect((await get(port, '/healthz', 'evil.example')).status).toBe(421);
    // HTTP/1.0 without any Host header is refused too.
    expect(await raw(port, 'GET /healthz HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 421/);
    await server.stop();
    await expect(get(port, '/healthz')).rejects.toThrow();
  });

  it('explains a busy port in one line naming VIGIE_ADMIN_PORT', async () => {
    t = await createAuthTestApp();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = createAdminServer({ ctx: t.ctx, host: '127.0.0.1', port, routes: [], setupCode: null });
      const err = await busy.start().then(() => null, (e: unknown) => e);
      expect(isAppError(err, 'PORT_IN_USE')).toBe(true);
      expect((err as Error).message).toMatch(/^cannot listen on 127\.0\.0\.1:\d+ for the admin page: the port is already in use.*VIGIE_ADMIN_PORT$/);
      expect((err as Error).message).not.toContain('\n');
    } finally {
      blocker.close();
    }
  });

  it('has request and connection timeouts and a body limit', async () => {
    expect(REQUEST_TIMEOUT_MS).toBe(10_000);
    t = await createAuthTestApp();
    expect((t.app.initialConfig as { requestTimeout?: number }).requestTimeout).toBe(10_000);
    expect(t.app.initialConfig.connectionTimeout).toBe(10_000);
    expect(t.app.initialConfig.bodyLimit).toBe(64 * 1024);
  });
});
