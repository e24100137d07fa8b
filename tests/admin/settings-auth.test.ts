import type { FastifyPluginAsync } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { createTokenStore } from '../../src/admin/auth/token-store.js';
import type { AdminContext } from '../../src/admin/context.js';
import { settingsRoutes } from '../../src/admin/routes/settings.js';
import { createRuntimeSettingsStore } from '../../src/settings/runtime-settings.js';
import { createAuthTestApp, testRoutes } from './auth-test-app.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const CHEAP = { N: 1024, r: 8, p: 1 };
const OLD = 'old family password';
const NEW = 'a brand new sentence';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

/** The settings routes, where a request with `x-test-token` is authenticated as an API token. */
const asTokenWhenAsked: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, opts) => {
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-test-token'] !== undefined) request.auth = { kind: 'token', tokenId: 't1', tokenName: 'script' };
  });
  await app.register(settingsRoutes, opts);
};

describe('settings: password and API tokens', () => {
  let h: AdminHarness;
  beforeEach(async () => {
    h = await createAdminHarness([asTokenWhenAsked]);
    createAdminStore({ db: h.db, clock: () => h.now }).setPasswordHash(await hashPassword(OLD, CHEAP));
  });
  afterEach(async () => {
    await h.close();
  });

  const check = (password: string) => createAdminStore({ db: h.db, clock: () => h.now }).checkPassword(password);

  it('changes the password with the current one and the new one twice', async () => {
    const res = await h.inject({ method: 'POST', url: '/settings/password', ...form({ current: OLD, next: NEW, confirm: NEW }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings?saved=password');
    expect(await check(NEW)).toBe(true);
    expect(await check(OLD)).toBe(false);
    const page = await h.inject({ method: 'GET', url: '/settings?saved=password', lang: 'fr' });
    expect(page.body).toContain('Le mot de passe a été changé.');
  });

  it.each([
    [{ current: 'wrong password!', next: NEW, confirm: NEW }, 'The current password is wrong.'],
    [{ current: OLD, next: NEW, confirm: `${NEW}!` }, 'The two new passwords are different.'],
    [{ current: OLD, next: 'short', confirm: 'short' }, 'The new password must have at least 10 characters.'],
    [{ current: OLD, next: 'azertyuiop', confirm: 'azertyuiop' }, 'This password is too common: choose another one.'],
  ])('refuses a password change %#', async (fields, message) => {
    const res = await h.inject({ method: 'POST', url: '/settings/password', ...form(fields) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(message);
    expect(res.body).not.toContain(fields.next); // passwords are never echoed
    expect(await check(OLD)).toBe(true);
  });

  it('needs the CSRF token to change the password', async () => {
    const res = await h.inject({ method: 'POST', url: '/settings/password', csrf: false, ...form({ current: OLD, next: NEW, confirm: NEW }) });
    expect(res.statusCode).toBe(403);
    expect(await check(OLD)).toBe(true);
  });

  it('creates, lists and revokes tokens over the API; the secret is shown once', async () => {
    const res = await h.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'home-assistant' } });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ name: 'home-assistant', createdAt: h.now, lastUsed: null });
    expect(created.secret).toMatch(/^vigie_/);
    expect(createTokenStore({ db: h.db, clock: () => h.now }).verify(created.secret)?.name).toBe('home-assistant');
    const listed = (await h.inject({ method: 'GET', url: '/api/tokens' })).json();
    expect(listed.tokens).toEqual([{ id: created.id, name: 'home-assistant', createdAt: h.now, lastUsed: h.now }]);
    expect(JSON.stringify(listed)).not.toContain(created.secret);

    expect((await h.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'home-assistant' } })).statusCode).toBe(409);
    const bad = await h.inject({ method: 'POST', url: '/api/tokens', payload: { name: '<script>' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].path).toEqual(['name']);

    expect((await h.inject({ method: 'DELETE', url: `/api/tokens/${created.id}` })).statusCode).toBe(204);
    expect(createTokenStore({ db: h.db, clock: () => h.now }).verify(created.secret)).toBeNull();
    expect((await h.inject({ method: 'DELETE', url: `/api/tokens/${created.id}` })).statusCode).toBe(404);
  });

  it('creates a token from the page: the secret on the result page only, then revokes it', async () => {
    const res = await h.inject({ method: 'POST', url: '/settings/tokens', ...form({ name: 'Domotique' }) });
    expect(res.statusCode).toBe(200);
    const secret = /value="(vigie_[A-Za-z0-9_-]+)"/.exec(res.body)?.[1];
    expect(secret).toBeDefined();
    expect(res.body).toContain('Copy this token now: it is shown only once.');
    const page = await h.inject({ method: 'GET', url: '/settings' });
    expect(page.body).toContain('<td data-label="Name">Domotique</td>');
    expect(page.body).not.toContain(secret!);
    const [token] = createTokenStore({ db: h.db, clock: () => h.now }).list();
    const revoke = await h.inject({ method: 'POST', url: `/settings/tokens/${token!.id}/revoke`, ...form({}) });
    expect(revoke.statusCode).toBe(303);
    expect(createTokenStore({ db: h.db, clock: () => h.now }).list()).toEqual([]);
    expect((await h.inject({ method: 'POST', url: '/settings/tokens/nope/revoke', ...form({}) })).statusCode).toBe(404);

    const bad = await h.inject({ method: 'POST', url: '/settings/tokens', lang: 'fr', ...form({ name: '' }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vérifiez : name: the name is empty');
  });

  it('a request with an API token may list tokens but not create or revoke them', async () => {
    const token = createTokenStore({ db: h.db, clock: () => h.now }).create('script');
    expect((await h.inject({ method: 'GET', url: '/api/tokens', headers: { 'x-test-token': '1' } })).statusCode).toBe(200);
    const create = await h.inject({ method: 'POST', url: '/api/tokens', headers: { 'x-test-token': '1' }, payload: { name: 'another' } });
    expect(create.statusCode).toBe(403);
    expect(create.json().code).toBe('FORBIDDEN');
    expect((await h.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: { 'x-test-token': '1' } })).statusCode).toBe(403);
    expect((await h.inject({ method: 'POST', url: '/settings/tokens', headers: { 'x-test-token': '1', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' })).statusCode).toBe(403);
    expect(createTokenStore({ db: h.db, clock: () => h.now }).list().map((t) => t.name)).toEqual(['script']);
  });
});

describe('settings behind the real admin app (sessions, CSRF, bearer tokens)', () => {
  it('a session changes settings with its CSRF token; a bearer token may patch settings but not mint tokens', async () => {
    const t = await createAuthTestApp({ routes: [testRoutes, settingsRoutes] });
    try {
      const { cookie, csrf } = await t.login();
      const page = await t.inject({ method: 'GET', url: '/settings', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.body).not.toMatch(/<script>|style="|\son[a-z]+=/);
      const noCsrf = await t.inject({ method: 'POST', url: '/settings/block-mode', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'blockMode=refused&action=save' });
      expect(noCsrf.statusCode).toBe(403);
      const saved = await t.inject({ method: 'POST', url: '/settings/block-mode', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `blockMode=refused&action=save&_csrf=${encodeURIComponent(csrf)}` });
      expect(saved.statusCode).toBe(303);
      expect(createRuntimeSettingsStore({ db: t.ctx.db, config: t.ctx.config }).current().blockMode).toBe('refused');

      const created = await t.inject({ method: 'POST', url: '/api/tokens', headers: { cookie, 'x-csrf-token': csrf }, payload: { name: 'script' } });
      expect(created.statusCode).toBe(201);
      const bearer = { authorization: `Bearer ${created.json().secret as string}` };
      const patched = await t.inject({ method: 'PATCH', url: '/api/settings', headers: bearer, payload: { retentionDays: 60 } });
      expect(patched.statusCode).toBe(200);
      expect(patched.json().retentionDays).toBe(60);
      const mint = await t.inject({ method: 'POST', url: '/api/tokens', headers: bearer, payload: { name: 'another' } });
      expect(mint.statusCode).toBe(403);
      expect(mint.json().code).toBe('FORBIDDEN');
      expect((await t.inject({ method: 'GET', url: '/api/settings' })).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });
});
