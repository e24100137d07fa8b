import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsRoutes } from '../../src/admin/routes/settings.js';
import { createRuntimeSettingsStore } from '../../src/settings/runtime-settings.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

const form = (fields: Record<string, string>) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

describe('settings: block mode, upstreams, retention', () => {
  let h: AdminHarness;
  let changed: number;
  beforeEach(async () => {
    h = await createAdminHarness([settingsRoutes], { VIGIE_DNS_HOST: '0.0.0.0,::', VIGIE_DNS_PORT: '5353', VIGIE_ADMIN_PORT: '8081' });
    changed = 0;
    const reload = h.ctx.changed;
    (h.ctx as { changed: () => Promise<void> }).changed = async () => {
      changed++;
      await reload();
    };
  });
  afterEach(async () => {
    await h.close();
  });

  const store = () => createRuntimeSettingsStore({ db: h.db, config: h.config });

  it('shows the settings in force and the boot-only values (en and fr)', async () => {
    const en = await h.inject({ method: 'GET', url: '/settings' });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Settings</h1>');
    expect(en.body).toMatch(/<input type="radio" id="bm-null" name="blockMode" value="null" aria-describedby="bm-null-help" checked>/);
    expect(en.body).toContain('>udp://127.0.0.1:9</textarea>');
    expect(en.body).toContain('value="90"');
    expect(en.body).toContain('<dd>Europe/Paris</dd>');
    expect(en.body).toContain('<dd>0.0.0.0:5353, [::]:5353</dd>');
    expect(en.body).toContain('<dd>0.0.0.0:8081</dd>');
    expect(en.body).toContain('The app gets 0.0.0.0 and fails at once');
    const fr = await h.inject({ method: 'GET', url: '/settings', lang: 'fr' });
    expect(fr.body).toContain('<h1>Réglages</h1>');
    expect(fr.body).toContain('Réponse à un nom bloqué');
    expect(fr.body).toContain('Fuseau horaire');
    expect((await h.inject({ method: 'GET', url: '/api/settings' })).json()).toEqual({
      blockMode: 'null', upstreams: ['udp://127.0.0.1:9'], retentionDays: 90,
      stored: { blockMode: null, upstreams: null, retentionDays: null },
      boot: { timeZone: 'Europe/Paris', dnsListen: ['0.0.0.0:5353', '[::]:5353'], adminListen: '0.0.0.0:8081' },
    });
  });

  it('PATCH /api/settings stores the changes, applies them and resets with null', async () => {
    const res = await h.inject({ method: 'PATCH', url: '/api/settings', payload: { blockMode: 'nxdomain', upstreams: ['192.0.2.53', 'tcp://[2001:db8::53]:53'], retentionDays: 30 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ blockMode: 'nxdomain', upstreams: ['udp://192.0.2.53:53', 'tcp://[2001:db8::53]:53'], retentionDays: 30 });
    expect(store().current()).toEqual({
      blockMode: 'nxdomain',
      upstreams: [{ transport: 'udp', host: '192.0.2.53', port: 53 }, { transport: 'tcp', host: '2001:db8::53', port: 53 }],
      retentionDays: 30,
    });
    expect(changed).toBe(1);
    await h.inject({ method: 'PATCH', url: '/api/settings', payload: { upstreams: null } });
    expect(store().stored()).toEqual({ blockMode: 'nxdomain', upstreams: null, retentionDays: 30 });
    expect(store().current().upstreams).toEqual([{ transport: 'udp', host: '127.0.0.1', port: 9 }]);
  });

  it('refuses invalid settings with 400 and the message', async () => {
    const bad = await h.inject({ method: 'PATCH', url: '/api/settings', payload: { upstreams: ['192.0.2.1', 'dns.google'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['upstreams', 1], message: '"dns.google" is not an IP address (upstreams must be IP literals, not names)' }] });
    const short = await h.inject({ method: 'PATCH', url: '/api/settings', payload: { retentionDays: 7 } });
    expect(short.json().issues[0]).toEqual({ path: ['retentionDays'], message: 'keep at least 14 days (the weekly report compares two weeks)' });
    expect((await h.inject({ method: 'PATCH', url: '/api/settings', payload: { blockMode: 'drop' } })).statusCode).toBe(400);
    expect((await h.inject({ method: 'PATCH', url: '/api/settings', payload: { tz: 'UTC' } })).statusCode).toBe(400);
    expect((await h.inject({ method: 'PATCH', url: '/api/settings', payload: { upstreams: [] } })).json().issues[0].message).toBe('needs at least one upstream');
    expect(store().stored()).toEqual({ blockMode: null, upstreams: null, retentionDays: null });
    expect(changed).toBe(0);
    expect((await h.inject({ method: 'PATCH', url: '/api/settings', csrf: false, payload: { blockMode: 'refused' } })).statusCode).toBe(403);
    expect(store().stored().blockMode).toBeNull();
  });

  it('the forms save each section, and reset it to the default', async () => {
    let res = await h.inject({ method: 'POST', url: '/settings/block-mode', ...form({ blockMode: 'refused', action: 'save' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings?saved=1');
    res = await h.inject({ method: 'POST', url: '/settings/upstreams', ...form({ upstreams: '192.0.2.1\r\n\r\n  udp://192.0.2.53:5353 \r\n', action: 'save' }) });
    expect(res.statusCode).toBe(303);
    res = await h.inject({ method: 'POST', url: '/settings/retention', ...form({ retentionDays: '45', action: 'save' }) });
    expect(res.statusCode).toBe(303);
    expect(store().stored()).toEqual({ blockMode: 'refused', upstreams: ['udp://192.0.2.1:53', 'udp://192.0.2.53:5353'], retentionDays: 45 });
    expect(changed).toBe(3);
    const page = await h.inject({ method: 'GET', url: '/settings?saved=1' });
    expect(page.body).toContain('Saved.');
    expect(page.body).toContain('>udp://192.0.2.1:53\nudp://192.0.2.53:5353</textarea>');
    expect(page.body).toContain('Now: set on this page.');

    await h.inject({ method: 'POST', url: '/settings/upstreams', ...form({ upstreams: 'ignored', action: 'reset' }) });
    await h.inject({ method: 'POST', url: '/settings/block-mode', ...form({ action: 'reset' }) });
    expect(store().stored()).toEqual({ blockMode: null, upstreams: null, retentionDays: 45 });
  });

  it('a refused form shows the message and keeps the typed text, escaped', async () => {
    const typed = '192.0.2.1\n"><script>alert(1)</script>';
    const res = await h.inject({ method: 'POST', url: '/settings/upstreams', ...form({ upstreams: typed, action: 'save' }) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Please check: upstreams.1:');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('192.0.2.1\n&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
    const days = await h.inject({ method: 'POST', url: '/settings/retention', lang: 'fr', ...form({ retentionDays: '3', action: 'save' }) });
    expect(days.statusCode).toBe(400);
    expect(days.body).toContain('Vérifiez : retentionDays: keep at least 14 days');
    expect(days.body).toContain('value="3"');
    const mode = await h.inject({ method: 'POST', url: '/settings/block-mode', ...form({ blockMode: 'drop' }) });
    expect(mode.statusCode).toBe(400);
    expect(store().stored()).toEqual({ blockMode: null, upstreams: null, retentionDays: null });
    expect((await h.inject({ method: 'POST', url: '/settings/retention', csrf: false, ...form({ retentionDays: '30' }) })).statusCode).toBe(403);
  });
});
