/**
 * Alerts on high-risk categories: one per device and category per hour (in memory, bounded),
 * none for other categories, sent off the DNS path; the webhook in ntfy style (plain text,
 * Title/Priority/Tags headers) and Gotify style (JSON to …/message) to a loopback HTTP server;
 * a webhook that hangs times out without holding anything; an alert email through real SMTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertText, createAlerter, type AlertSenders, type BlockedAttemptInfo } from '../../src/notify/alerts.js';
import { defaultEmailSettings, readEmailSettings, webhookUrlSchema, type EmailSettings } from '../../src/notify/email-settings.js';
import type { MailMessage } from '../../src/notify/mailer.js';
import { headerText, postWebhook, type WebhookAlert } from '../../src/notify/webhook.js';
import { useTempDir } from '../report/report-fixtures.js';
import { capturingLogger, configureEmail, PARIS, seedData, w48 } from './notify-fixtures.js';
import { decodeWords, parseMail, startSmtpServer, type SmtpTestServer } from './smtp-test-server.js';

const HOUR = 3_600_000;

/** What a loopback webhook received. */
interface Hit {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let web: Server;
let webBase: string;
const hits: Hit[] = [];
/** Paths the server never answers (a hanging webhook) or redirects. */
const HANG = '/hang';
const REDIRECT = '/redirect';

beforeAll(async () => {
  web = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === HANG) return; // never answers
      if (req.url === REDIRECT) return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"1"}');
    });
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));
  webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
});
afterAll(async () => {
  web.closeAllConnections();
  await new Promise<void>((resolve) => web.close(() => resolve()));
});

function settingsWith(over: Partial<EmailSettings['alerts']>, base: Partial<EmailSettings> = {}): EmailSettings {
  return { ...defaultEmailSettings(), host: 'smtp.home.test', from: 'vigie@home.test', to: ['parent@home.test'], language: 'en', ...base, alerts: { email: true, webhookUrl: 'https://ntfy.test/topic', ...over } };
}

/** Senders that record what they are asked to send. */
function recordingSenders() {
  const emails: MailMessage[] = [];
  const posts: Array<{ url: string; alert: WebhookAlert }> = [];
  const send: AlertSenders = {
    email: async (_s, message) => {
      emails.push(message);
      return { ok: true, messageId: 'x', accepted: [] };
    },
    webhook: async (url, alert) => {
      posts.push({ url, alert });
      return { ok: true, status: 200 };
    },
  };
  return { emails, posts, send };
}

const attempt = (over: Partial<BlockedAttemptInfo> = {}): BlockedAttemptInfo => ({
  time: w48(0, 21, 14), deviceId: 'mac:02:00:5e:00:00:01', deviceName: 'Léa’s phone', category: 'random-video-chat', name: 'www.ome.tv', ...over,
});

describe('createAlerter', () => {
  const dir = useTempDir('vigie-alert-');

  it('sends one alert per device and category per hour, by email and webhook, none for other categories', async () => {
    const clock = { now: w48(0, 21, 14) };
    const { emails, posts, send } = recordingSenders();
    const alerter = createAlerter({ clock: () => clock.now, settings: () => settingsWith({}), send, logger: capturingLogger().logger, timeZone: PARIS });
    expect([alerter.watches('anonymous-chat'), alerter.watches('random-video-chat'), alerter.watches('dating'), alerter.watches('social-media')]).toEqual([true, true, false, false]);
    alerter.onBlocked(attempt());
    // Nothing is sent inside onBlocked: the DNS answer goes first.
    expect(emails.length + posts.length).toBe(0);
    clock.now += 10 * 60_000;
    alerter.onBlocked(attempt({ name: 'ome.tv' })); // same device and category within the hour
    alerter.onBlocked(attempt({ category: 'social-media', name: 'tiktok.com' })); // not high-risk
    alerter.onBlocked(attempt({ category: 'bypass', name: 'dns.google' })); // not high-risk either
    await alerter.idle();
    expect(emails).toHaveLength(1);
    expect(posts).toHaveLength(1);
    expect(emails[0]).toEqual({
      subject: 'Vigie alert: Léa’s phone tried a random video chat site',
      text: 'Léa’s phone tried to open www.ome.tv (a random video chat site) at 21:14. It was blocked.\nNo other alert for this device and category within the hour.\n',
      lang: 'en',
    });
    expect(posts[0]).toEqual({ url: 'https://ntfy.test/topic', alert: { title: emails[0]!.subject, message: emails[0]!.text.trimEnd() } });
    // Another device: its own alert. Another high-risk category on the first device: too.
    alerter.onBlocked(attempt({ deviceId: 'ip:192.0.2.20', deviceName: 'Tom' }));
    alerter.onBlocked(attempt({ category: 'anonymous-chat', name: 'chat.test' }));
    await alerter.idle();
    expect(emails.map((e) => e.subject)).toEqual([
      'Vigie alert: Léa’s phone tried a random video chat site',
      'Vigie alert: Tom tried a random video chat site',
      'Vigie alert: Léa’s phone tried an anonymous chat site',
    ]);
    // An hour after the first alert: again.
    clock.now = w48(0, 21, 14) + HOUR - 1;
    alerter.onBlocked(attempt());
    await alerter.idle();
    expect(emails).toHaveLength(3);
    clock.now = w48(0, 21, 14) + HOUR;
    alerter.onBlocked(attempt());
    await alerter.idle();
    expect(emails).toHaveLength(4);
    expect(posts).toHaveLength(4);
  });

  it('uses only the channels turned on, in the parents’ language, with plain, capped names', async () => {
    const { emails, posts, send } = recordingSenders();
    let settings = settingsWith({ email: false }, { language: 'fr' });
    const alerter = createAlerter({ clock: () => w48(1, 22, 5), settings: () => settings, send, logger: capturingLogger().logger, timeZone: PARIS });
    alerter.onBlocked(attempt({ deviceName: `Tom\u202e\u0007${'x'.repeat(100)}`, name: 'a\nb.test', category: 'anonymous-chat' }));
    await alerter.idle();
    expect(emails).toHaveLength(0);
    expect(posts).toHaveLength(1);
    const { title, message } = posts[0]!.alert;
    expect(title).toBe(`Alerte Vigie : Tom ${'x'.repeat(59)}… a essayé un tchat anonyme`);
    expect(message).toMatch(/^Tom x+… a essayé d’ouvrir a b\.test \(un tchat anonyme\) à 21:14\. C’est bloqué\./);
    expect(title).not.toMatch(/[\u0000-\u001f\u202e]/);
    // Everything off: nothing goes (and the hour still counts for that pair).
    settings = { ...settings, alerts: { email: false, webhookUrl: null } };
    alerter.onBlocked(attempt({ deviceId: 'ip:192.0.2.30' }));
    await alerter.idle();
    expect(posts).toHaveLength(1);
  });

  it('remembers a bounded number of pairs (oldest forgotten first) and drops alerts past a full queue', async () => {
    const { posts, send } = recordingSenders();
    const alerter = createAlerter({ clock: () => w48(0, 12), settings: () => settingsWith({ email: false }), send, logger: capturingLogger().logger, timeZone: PARIS, maxTracked: 2 });
    for (const id of ['a', 'b', 'c']) alerter.onBlocked(attempt({ deviceId: id }));
    await alerter.idle();
    alerter.onBlocked(attempt({ deviceId: 'c' })); // remembered
    alerter.onBlocked(attempt({ deviceId: 'a' })); // forgotten: alerts again
    await alerter.idle();
    expect(posts.map((p) => p.alert.title)).toHaveLength(4);
    // A queue of 2 while the webhook is slow: the rest is dropped and counted.
    let release = (): void => undefined;
    const slow: AlertSenders = { ...send, webhook: () => new Promise((resolve) => { release = () => resolve({ ok: true, status: 200 }); }) };
    const busy = createAlerter({ clock: () => w48(0, 12), settings: () => settingsWith({ email: false }), send: slow, logger: capturingLogger().logger, timeZone: PARIS, maxQueued: 2 });
    for (let i = 0; i < 6; i++) busy.onBlocked(attempt({ deviceId: `d${i}` }));
    expect(busy.dropped()).toBe(4);
    await new Promise((r) => setTimeout(r, 20));
    release();
    await new Promise((r) => setTimeout(r, 20));
    release();
    await busy.idle();
    // Stopped (shutdown): nothing more is queued.
    alerter.stop();
    alerter.onBlocked(attempt({ deviceId: 'z' }));
    await alerter.idle();
    expect(posts).toHaveLength(4);
  });

  it('sends a real alert email through SMTP', async () => {
    const smtp: SmtpTestServer = await startSmtpServer();
    const db = seedData(dir());
    try {
      configureEmail(db, smtp.port, { enabled: false, language: 'fr', alerts: { email: true, webhookUrl: null } });
      const alerter = createAlerter({ clock: () => w48(0, 21, 14), settings: () => readEmailSettings(db), logger: capturingLogger().logger, timeZone: PARIS });
      alerter.onBlocked(attempt());
      await alerter.idle();
      await smtp.waitFor(1);
      const mail = parseMail(smtp.messages[0]!.raw);
      expect(mail.subject).toBe('Alerte Vigie : Léa’s phone a essayé un chat vidéo aléatoire');
      expect(smtp.messages[0]!.to).toEqual(['parent1@home.test', 'parent2@home.test']);
      expect(mail.parts.map((p) => p.type)).toEqual(['text/plain']);
      expect(mail.parts[0]!.text).toContain('Léa’s phone a essayé d’ouvrir www.ome.tv (un chat vidéo aléatoire) à 21:14. C’est bloqué.');
    } finally {
      db.close();
      await smtp.close();
    }
  });
});

describe('webhooks', () => {
  const alert: WebhookAlert = { title: 'Alerte Vigie : Léa a essayé un tchat anonyme', message: 'Léa a essayé d’ouvrir chat.test.' };

  it('posts ntfy style: the text as body, Title (RFC 2047 when not ASCII), Priority and Tags headers', async () => {
    hits.length = 0;
    const result = await postWebhook(`${webBase}/vigie-topic`, alert);
    expect(result).toEqual({ ok: true, status: 200 });
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/vigie-topic');
    expect(hit.body).toBe('Léa a essayé d’ouvrir chat.test.');
    expect(hit.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(hit.headers.title).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(String(hit.headers.title))).toBe(alert.title);
    expect(hit.headers.priority).toBe('high');
    expect(hit.headers.tags).toBe('warning');
    expect(headerText('Vigie alert: Tom')).toBe('Vigie alert: Tom');
  });

  it('posts Gotify style JSON to a …/message URL, and turns URL credentials into Basic auth', async () => {
    hits.length = 0;
    const gotify = new URL(`${webBase}/message?token=AbC123`);
    gotify.username = 'parent';
    gotify.password = 's3cret';
    expect((await postWebhook(gotify.toString(), alert)).ok).toBe(true);
    const hit = hits[0]!;
    expect(hit.url).toBe('/message?token=AbC123');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(JSON.parse(hit.body)).toEqual({ title: alert.title, message: alert.message, priority: 8 });
    expect(hit.headers.authorization).toBe(`Basic ${Buffer.from('parent:s3cret').toString('base64')}`);
    expect(hit.headers.title).toBeUndefined();
  });

  it('gives up on a webhook that hangs, and the alerter keeps going', async () => {
    const started = Date.now();
    const result = await postWebhook(`${webBase}${HANG}`, alert, { timeoutMs: 300 });
    expect(result).toEqual({ ok: false, error: 'no answer from the webhook within 0.3 s' });
    expect(Date.now() - started).toBeLessThan(2000);
    // Through the alerter: onBlocked returns at once; the failure is logged.
    const { logger, lines } = capturingLogger();
    const send: Partial<AlertSenders> = { webhook: (url, a) => postWebhook(url, a, { timeoutMs: 300 }) };
    const alerter = createAlerter({ clock: () => w48(0, 12), settings: () => settingsWith({ email: false, webhookUrl: `${webBase}${HANG}` }), send, logger, timeZone: PARIS });
    const t0 = performance.now();
    alerter.onBlocked(attempt());
    expect(performance.now() - t0).toBeLessThan(50);
    await alerter.idle();
    expect(lines.find((l) => l.msg === 'alert could not be sent')).toMatchObject({ level: 40, channel: 'webhook', reason: 'random-video-chat', err: 'no answer from the webhook within 0.3 s' });
  });

  it('does not follow redirects, and refuses other schemes', async () => {
    const redirected = await postWebhook(`${webBase}${REDIRECT}`, alert);
    expect(redirected).toEqual({ ok: false, error: 'the webhook answered with a redirect (HTTP 302), not followed' });
    expect(await postWebhook('file:///etc/passwd', alert)).toEqual({ ok: false, error: 'only http:// and https:// webhooks are allowed' });
    for (const bad of ['ftp://ntfy.test/x', 'javascript:alert(1)', 'ntfy.test/topic', 'http://']) expect(webhookUrlSchema.safeParse(bad).success).toBe(false);
    expect(webhookUrlSchema.safeParse('https://ntfy.sh/vigie-home').success).toBe(true);
  });

  it('alertText formats the time in the configured zone', () => {
    expect(alertText(attempt({ time: Date.UTC(2026, 6, 1, 19, 30) }), 'en', PARIS).message).toContain('at 21:30.');
  });
});
