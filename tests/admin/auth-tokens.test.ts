/** CSRF on every state-changing session request; API tokens (Bearer) instead; the error answers. */
import { afterEach, describe, expect, it } from 'vitest';
import { createToken, listTokens, revokeToken } from '../../src/admin/auth/admin-store.js';
import { hashSecret } from '../../src/admin/auth/secret-hash.js';
import { createAuthTestApp, form, START, type AuthTestApp } from './auth-test-app.js';

let t: AuthTestApp;
afterEach(async () => t.close());

describe('CSRF', () => {
  it('refuses a session POST without the token or with a wrong one (403 CSRF)', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const missing = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie }, payload: { a: 1 } });
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'CSRF' });
    const wrong = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': `${csrf}x` }, payload: { a: 1 } });
    expect(wrong.statusCode).toBe(403);
    const empty = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': '' }, payload: { a: 1 } });
    expect(empty.statusCode).toBe(403);
    const right = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf }, payload: { a: 1 } });
    expect(right.statusCode).toBe(200);
    expect(right.json()).toEqual({ auth: 'session', body: { a: 1 } });
  });

  it('accepts the _csrf form field and answers a forged form with an HTML 403 page', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const ok = await t.inject({ method: 'POST', url: '/form', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(csrf)}&x=1` });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/secret?saved=1');
    const forged = await t.inject({ method: 'POST', url: '/form', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'fr' }, payload: 'x=1' });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['content-type']).toContain('text/html');
    expect(forged.body).toContain('Ce formulaire a expiré.');
  });

  it('refuses a foreign Origin even with the right token', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const foreign = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf, origin: 'http://evil.example' }, payload: {} });
    expect(foreign.statusCode).toBe(403);
    const nullOrigin = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf, origin: 'null' }, payload: {} });
    expect(nullOrigin.statusCode).toBe(403);
    const same = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie, 'x-csrf-token': csrf, origin: 'http://localhost:80' }, payload: {} });
    expect(same.statusCode).toBe(200);
    // Login from another site is refused too (login CSRF).
    const login = await t.inject({ method: 'POST', url: '/login', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'password=x' });
    expect(login.statusCode).toBe(403);
  });

  it('each session has its own token', async () => {
    t = await createAuthTestApp();
    const a = await t.login('10.0.0.1');
    const b = await t.login('10.0.0.2');
    expect(a.csrf).not.toBe(b.csrf);
    const crossed = await t.inject({ method: 'POST', url: '/api/echo', headers: { cookie: a.cookie, 'x-csrf-token': b.csrf }, payload: {} });
    expect(crossed.statusCode).toBe(403);
  });
});

describe('API tokens', () => {
  it('work as Bearer on the API without CSRF, record their use, and stop when revoked', async () => {
    t = await createAuthTestApp();
    const token = createToken(t.ctx, 'home-assistant');
    expect(token.secret).toMatch(/^vigie_[A-Za-z0-9_-]{43}$/);
    const auth = { authorization: `Bearer ${token.secret}` };
    const res = await t.inject({ method: 'POST', url: '/api/echo', headers: auth, payload: { pause: 30 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ auth: 'token', body: { pause: 30 } });
    expect((await t.inject({ url: '/secret', headers: auth })).statusCode).toBe(200);
    expect(listTokens(t.ctx)).toEqual([{ id: token.id, name: 'home-assistant', createdAt: START, lastUsed: START }]);
    // Only the hash is stored.
    const row = t.ctx.db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
    expect(row.hash).toBe(hashSecret(token.secret));
    expect(JSON.stringify(row)).not.toContain(token.secret);

    expect(revokeToken(t.ctx, 'home-assistant')).toBe(true);
    const after = await t.inject({ method: 'POST', url: '/api/echo', headers: auth, payload: {} });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'invalid or revoked API token' });
    expect(revokeToken(t.ctx, 'home-assistant')).toBe(false);
  });

  it('refuse unknown, malformed and cookie-less forged tokens', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    for (const header of ['Bearer vigie_nope', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'x'.repeat(300)}`]) {
      const res = await t.inject({ method: 'POST', url: '/api/echo', headers: { authorization: header }, payload: {} });
      expect(res.statusCode, header).toBe(401);
    }
    // A bad token is not rescued by a valid session cookie: scripts must learn their token is dead.
    const mixed = await t.inject({ method: 'POST', url: '/api/echo', headers: { authorization: 'Bearer vigie_nope', cookie, 'x-csrf-token': csrf }, payload: {} });
    expect(mixed.statusCode).toBe(401);
    // Public routes ignore a bad token.
    expect((await t.inject({ url: '/healthz', headers: { authorization: 'Bearer vigie_nope' } })).statusCode).toBe(200);
  });

  it('validate names and refuse duplicates; revoke by id', async () => {
    t = await createAuthTestApp();
    expect(() => createToken(t.ctx, '')).toThrow(/token name/);
    expect(() => createToken(t.ctx, '<script>')).toThrow(/token name/);
    const a = createToken(t.ctx, 'Domotique salon');
    expect(() => createToken(t.ctx, 'Domotique salon')).toThrow(/already exists/);
    createToken(t.ctx, 'backup');
    expect(listTokens(t.ctx).map((x) => x.name)).toEqual(['Domotique salon', 'backup']);
    expect(JSON.stringify(listTokens(t.ctx))).not.toContain('vigie_');
    expect(revokeToken(t.ctx, a.id)).toBe(true);
    expect(listTokens(t.ctx).map((x) => x.name)).toEqual(['backup']);
  });
});

describe('error answers', () => {
  it('bad bodies: 400 VALIDATION with issues on the API', async () => {
    t = await createAuthTestApp();
    const { cookie, csrf } = await t.login();
    const headers = { cookie, 'x-csrf-token': csrf };
    const res = await t.inject({ method: 'POST', url: '/api/validate', headers, payload: { name: '', extra: 1 } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; issues: Array<{ path: string[] }> };
    expect(body.code).toBe('VALIDATION');
    expect(body.issues.length).toBeGreaterThan(0);
    const notJson = await t.inject({ method: 'POST', url: '/api/validate', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ code: 'BAD_REQUEST' });
    const protoPoison = await t.inject({ method: 'POST', url: '/api/echo', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"__proto__":{"admin":true}}' });
    expect(protoPoison.statusCode).toBe(400);
    const unsupported = await t.inject({ method: 'POST', url: '/api/echo', headers: { ...headers, 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(unsupported.statusCode).toBe(415);
  });

  it('500s are logged with the error and never sent', async () => {
    t = await createAuthTestApp();
    const { cookie } = await t.login();
    const api = await t.inject({ url: '/api/boom', headers: { cookie } });
    expect(api.statusCode).toBe(500);
    expect(api.json()).toEqual({ code: 'INTERNAL', message: 'internal error' });
    const page = await t.inject({ url: '/boom', headers: { cookie } });
    expect(page.statusCode).toBe(500);
    expect(page.body).toContain('Vigie could not do this.');
    expect(page.body).not.toContain('/etc/shadow');
    expect(api.body).not.toContain('/etc/shadow');
    const errors = t.logged.filter((l) => l.msg === 'admin request failed');
    expect(errors).toHaveLength(2);
    expect((errors[0]!.err as { message: string }).message).toBe('secret internals /etc/shadow');
    expect(form({}).headers['content-type']).toBe('application/x-www-form-urlencoded');
  });
});
