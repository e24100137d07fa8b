/**
 * `vigie serve` serves the admin page beside DNS, on its own port, protected from the first
 * request: pages send to /setup until a password is set, the API answers 401.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestVigie, type TestVigie } from '../helpers/start-vigie.js';

let upstream: FakeUpstream;
let vigie: TestVigie;

beforeAll(async () => {
  upstream = await startFakeUpstream({});
  vigie = await startTestVigie({ VIGIE_UPSTREAMS: upstream.url });
});
afterAll(async () => {
  await vigie?.close();
  await upstream?.close();
});

it('serves the admin page on its own port, sending every page to setup and refusing the API', async () => {
  const { host, port } = vigie.admin!.address();
  expect(host).toBe('127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const home = await fetch(`${base}/devices`, { redirect: 'manual' });
  expect(home.status).toBe(303);
  expect(home.headers.get('location')).toMatch(/^\/setup/);
  const setup = await fetch(`${base}/setup`);
  expect(setup.status).toBe(200);
  expect(setup.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await setup.text()).toContain('name="code"');
  const api = await fetch(`${base}/api/devices`);
  expect(api.status).toBe(401);
  expect(await api.json()).toMatchObject({ code: 'UNAUTHORIZED' });
});

it('stops the admin page with the server', async () => {
  const { port } = vigie.admin!.address();
  await vigie.admin!.stop();
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
});
