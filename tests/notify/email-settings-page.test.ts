/**
 * The email and alerts settings page and API through the real admin app (harness): the form
 * saves every field, the SMTP password is write-only (never in a page or an answer), bad input
 * is refused with the reasons, "send a test email now" reaches a real SMTP server on loopback
 * and shows its error (escaped) when it fails, "send a test alert" posts to a loopback webhook,
 * and the overview gets the last send.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emailSettingsRoutes, emailStatus } from '../../src/admin/routes/email-settings.js';
import { readEmailSettings, recordEmailSend } from '../../src/notify/email-settings.js';
import { createAdminHarness, type AdminHarness } from '../admin/harness.js';
import { form } from '../admin/auth-test-app.js';
import { parseMail, SMTP_PASSWORD, SMTP_USER, startSmtpServer, type SmtpTestServer } from './smtp-test-server.js';

let h: AdminHarness;
let smtp: SmtpTestServer;
let hostileSmtp: SmtpTestServer;
let web: Server;
let webBase: string;
const posts: Array<{ url: string; body: string; title: string | undefined }> = [];

beforeAll(async () => {
  h = await createAdminHarness([emailSettingsRoutes]);
  smtp = await startSmtpServer();
  hostileSmtp = await startSmtpServer({ authError: '<script>alert(1)</script> no' });
  web = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), title: req.headers.title as string | undefined });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h.close();
  await smtp.close();
  await hostileSmtp.close();
  await new Promise<void>((resolve) => web.close(() => resolve()));
});
beforeEach(() => {
  h.db.prepare("DELETE FROM settings WHERE key = 'email'").run();
});

const has = (text: string, needle: string) => expect(text.includes(needle), `missing: ${needle}`).toBe(true);
const hasNot = (text: string, needle: string) => expect(text.includes(needle), `present: ${needle}`).toBe(false);

/** The form as a parent fills it. */
function filled(over: Record<string, string> = {}): Record<string, string> {
  return {
    enabled: 'on', weekday: '6', time: '18:00', language: 'fr', to: 'parent1@home.test,\nparent2@home.test',
    host: '127.0.0.1', port: String(smtp.port), security: 'none', user: SMTP_USER, password: SMTP_PASSWORD, from: 'vigie@home.test',
    alertsEmail: 'on', webhookUrl: `${webBase}/vigie-topic`, ...over,
  };
}

const post = (url: string, fields: Record<string, string>, lang: 'en' | 'fr' = 'en') => h.inject({ method: 'POST', url, lang, ...form(fields) });

describe('/settings/email', () => {
  it('renders in English and French, with the defaults (Sunday 18:00, the page language)', async () => {
    const en = await h.inject({ method: 'GET', url: '/settings/email', lang: 'en' });
    expect(en.statusCode).toBe(200);
    has(en.body, '<title>Email and alerts · Vigie</title>');
    has(en.body, '<option value="6" selected>Sunday</option>');
    has(en.body, '<input id="em-time" name="time" type="time" value="18:00" required>');
    has(en.body, '<option value="en" selected lang="en">English</option>');
    has(en.body, 'The weekly email is off.');
    has(en.body, 'action="/settings/email/test"');
    const fr = await h.inject({ method: 'GET', url: '/settings/email', lang: 'fr' });
    has(fr.body, '<title>E-mail et alertes · Vigie</title>');
    has(fr.body, '<option value="6" selected>dimanche</option>');
    has(fr.body, '<option value="fr" selected lang="fr">Français</option>');
    has(fr.body, 'Envoyer un e-mail d’essai maintenant');
  });

  it('saves the form; the password is stored but never shown again, empty keeps it, the box removes it', async () => {
    const res = await post('/settings/email', filled());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/settings/email?saved=1');
    const stored = readEmailSettings(h.db);
    expect(stored).toMatchObject({
      enabled: true, host: '127.0.0.1', port: smtp.port, security: 'none', user: SMTP_USER, password: SMTP_PASSWORD, from: 'vigie@home.test',
      to: ['parent1@home.test', 'parent2@home.test'], language: 'fr', schedule: { weekday: 6, time: '18:00' }, alerts: { email: true, webhookUrl: `${webBase}/vigie-topic` },
    });
    const page = await h.inject({ method: 'GET', url: '/settings/email?saved=1', lang: 'en' });
    hasNot(page.body, SMTP_PASSWORD);
    has(page.body, '<input id="em-password" name="password" type="password" value="" autocomplete="new-password" placeholder="unchanged"');
    has(page.body, 'Saved.');
    has(page.body, 'Next weekly email: 29 Nov 2026, 18:00.');
    const api = await h.inject({ method: 'GET', url: '/api/email-settings' });
    expect(api.statusCode).toBe(200);
    hasNot(api.body, SMTP_PASSWORD);
    expect(api.json()).toMatchObject({ passwordSet: true, host: '127.0.0.1', nextSend: Date.UTC(2026, 10, 29, 17, 0) });
    expect(api.json()).not.toHaveProperty('password');
    await post('/settings/email', filled({ password: '', host: 'smtp.home.test' }));
    expect(readEmailSettings(h.db)).toMatchObject({ host: 'smtp.home.test', password: SMTP_PASSWORD });
    await post('/settings/email', filled({ password: '', clearPassword: 'on' }));
    expect(readEmailSettings(h.db).password).toBe('');
  });

  it('refuses bad input with the reasons and keeps what was typed (escaped)', async () => {
    const res = await post('/settings/email', filled({ host: '', from: 'not an address', webhookUrl: 'ftp://x.test/"><script>alert(1)</script>', time: '25:00' }));
    expect(res.statusCode).toBe(400);
    has(res.body, 'Not saved:');
    has(res.body, 'from: not an email address');
    has(res.body, 'alerts.webhookUrl: an http:// or https:// address');
    has(res.body, 'schedule.time: a time such as 18:00');
    hasNot(res.body, '<script>alert(1)');
    has(res.body, 'value="ftp://x.test/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    hasNot(res.body, SMTP_PASSWORD); // the typed password is not echoed either
    expect(readEmailSettings(h.db).host).toBe('');
    const missing = await post('/settings/email', filled({ host: '' }));
    has(missing.body, 'host: needed to send emails');
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await h.inject({ method: 'POST', url: '/settings/email', csrf: false, ...form(filled()) });
    expect(res.statusCode).toBe(403);
    expect(readEmailSettings(h.db).host).toBe('');
  });

  it('sends a test email now: this week so far, marked as a test, in the chosen language', async () => {
    await post('/settings/email', filled());
    const before = smtp.messages.length;
    const res = await post('/settings/email/test', {}, 'en');
    expect(res.statusCode).toBe(200);
    has(res.body, 'Test email sent to parent1@home.test, parent2@home.test.');
    await smtp.waitFor(before + 1);
    const mail = parseMail(smtp.messages[before]!.raw);
    expect(mail.subject).toBe('[Test] Vigie — semaine 48 (jusqu’à mercredi 12:30) — 0 tentative bloquée');
    expect(mail.parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
    const api = await h.inject({ method: 'POST', url: '/api/email-settings/test' });
    expect(api.json()).toMatchObject({ ok: true, accepted: ['parent1@home.test', 'parent2@home.test'] });
  });

  it('shows the SMTP error of a failed test, escaped', async () => {
    await post('/settings/email', filled({ port: String(hostileSmtp.port) }));
    const res = await post('/settings/email/test', {}, 'en');
    expect(res.statusCode).toBe(200);
    has(res.body, 'The test email could not be sent: Invalid login: 535 &lt;script&gt;alert(1)&lt;/script&gt; no');
    hasNot(res.body, '<script>alert(1)');
    const api = await h.inject({ method: 'POST', url: '/api/email-settings/test' });
    expect(api.json()).toEqual({ ok: false, error: 'Invalid login: 535 <script>alert(1)</script> no' });
  });

  it('asks to configure first when nothing is set', async () => {
    const res = await post('/settings/email/test', {}, 'fr');
    expect(res.statusCode).toBe(400);
    has(res.body, 'Indiquez d’abord le serveur, l’expéditeur et au moins un destinataire, puis enregistrez.');
    expect((await h.inject({ method: 'POST', url: '/api/email-settings/test' })).statusCode).toBe(400);
    const alert = await h.inject({ method: 'POST', url: '/api/alerts/test' });
    expect(alert.statusCode).toBe(400);
    expect(alert.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it('sends a test alert to the webhook and by email', async () => {
    await post('/settings/email', filled());
    posts.length = 0;
    const before = smtp.messages.length;
    const res = await post('/settings/email/test-alert', {}, 'fr');
    expect(res.statusCode).toBe(200);
    has(res.body, 'E-mail d’alerte d’essai envoyé.');
    has(res.body, 'Alerte d’essai envoyée au webhook.');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ url: '/vigie-topic', body: 'Ceci est une alerte d’essai envoyée depuis les réglages de Vigie. Les alertes sur les catégories à risque arriveront ici.' });
    await smtp.waitFor(before + 1);
    expect(parseMail(smtp.messages[before]!.raw).subject).toBe('Vigie : alerte d’essai');
    const api = await h.inject({ method: 'POST', url: '/api/alerts/test' });
    expect(api.json()).toEqual({ email: { ok: true, messageId: expect.any(String), accepted: ['parent1@home.test', 'parent2@home.test'] }, webhook: { ok: true, status: 200 } });
  });
});

describe('/api/email-settings', () => {
  it('replaces the settings (password write-only) and refuses bad bodies with issues', async () => {
    const body = { enabled: true, host: 'smtp.home.test', port: 465, security: 'tls', user: 'u', password: 'pw-123', from: 'vigie@home.test', to: ['a@home.test'], language: 'en', schedule: { weekday: 4, time: '19:30' }, alerts: { email: false, webhookUrl: null } };
    const res = await h.inject({ method: 'PUT', url: '/api/email-settings', payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ enabled: true, security: 'tls', passwordSet: true, schedule: { weekday: 4, time: '19:30' }, lastSend: null, nextSend: Date.UTC(2026, 10, 27, 18, 30) });
    hasNot(res.body, 'pw-123');
    expect(readEmailSettings(h.db).password).toBe('pw-123');
    const { password: _pw, ...withoutPassword } = body;
    await h.inject({ method: 'PUT', url: '/api/email-settings', payload: { ...withoutPassword, port: 587 } });
    expect(readEmailSettings(h.db)).toMatchObject({ port: 587, password: 'pw-123' });
    const bad = await h.inject({ method: 'PUT', url: '/api/email-settings', payload: { ...body, port: 0, to: ['nope'], extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json() as { issues: Array<{ path: unknown[] }> }).issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['port', 'to.0', '']));
    expect((await h.inject({ method: 'PUT', url: '/api/email-settings', payload: body, csrf: false })).statusCode).toBe(403);
  });

  it('emailStatus gives the overview the last send', async () => {
    expect(emailStatus(h.ctx)).toEqual({ enabled: false, lastSend: null });
    await post('/settings/email', filled());
    recordEmailSend(h.db, { at: h.now, ok: false, error: 'Connection timeout', week: '2026-W48' });
    expect(emailStatus(h.ctx)).toEqual({ enabled: true, lastSend: { at: h.now, ok: false, error: 'Connection timeout', week: '2026-W48' } });
    const page = await h.inject({ method: 'GET', url: '/settings/email', lang: 'en' });
    has(page.body, 'The last weekly email failed (25 Nov 2026, 12:30): Connection timeout');
  });
});
