/**
 * The weekly email through a real SMTP server on loopback (smtp-server, with a login): the
 * recipients, the subject, a text/plain and a text/html part, in French or English; the HTML is
 * mail-client safe (tables and inline styles, no script, no SVG); failures come back as values.
 */
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmailSettings } from '../../src/notify/email-settings.js';
import { errorText, sendReportEmail } from '../../src/notify/mailer.js';
import { renderReportEmail } from '../../src/report/render-email.js';
import type { WeeklyReport } from '../../src/report/weekly-report.js';
import { useTempDir } from '../report/report-fixtures.js';
import { configureEmail, reportGenerator, seedData, SUNDAY_18H } from './notify-fixtures.js';
import { closedPort, parseMail, SMTP_USER, startSmtpServer, type SmtpTestServer } from './smtp-test-server.js';

let smtp: SmtpTestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});

describe('the weekly email over SMTP', () => {
  const dir = useTempDir('vigie-mail-');
  let db: Database.Database;
  let report: WeeklyReport;

  const setup = async (lang: 'fr' | 'en', port = smtp.port) => {
    db = seedData(dir());
    configureEmail(db, port, { language: lang });
    report = await reportGenerator(dir())('2026-W48', SUNDAY_18H);
    return readEmailSettings(db);
  };

  it('arrives in French: recipients, subject, a text part and an HTML part', async () => {
    const settings = await setup('fr');
    const before = smtp.messages.length;
    const result = await sendReportEmail(settings, report);
    db.close();
    expect(result).toMatchObject({ ok: true, accepted: ['parent1@home.test', 'parent2@home.test'] });
    await smtp.waitFor(before + 1);
    const got = smtp.messages[before]!;
    expect(got.from).toBe('vigie@home.test');
    expect(got.to).toEqual(['parent1@home.test', 'parent2@home.test']);
    expect(got.user).toBe(SMTP_USER);
    const mail = parseMail(got.raw);
    expect(mail.subject).toBe('Vigie — semaine 48 (jusqu’à dimanche 18:00) — 4 tentatives bloquées');
    expect(mail.headers.get('content-language')).toBe('fr');
    expect(mail.headers.get('to')).toBe('parent1@home.test, parent2@home.test');
    expect(mail.headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(mail.parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
    const text = mail.parts[0]!;
    const htmlPart = mail.parts[1]!;
    expect(text.text).toContain('Chiffres arrêtés au dim. 29 nov., 18:00.');
    expect(text.text).toContain('Vigie — bilan de la semaine 2026-W48');
    expect(text.text).toContain('== Téléphone de Léa — profil par défaut ==');
    expect(text.text).toContain('Tentatives bloquées\u00a0: 3 (semaine précédente 1, +200\u202f%)');
    expect(htmlPart.text).toMatch(/^<!doctype html>\r?\n<html lang="fr">/);
    expect(htmlPart.text).toContain('<h1 style="margin:4px 0 4px;font-size:22px;line-height:1.25;color:#1b1f24;">Bilan de la semaine</h1>');
    expect(htmlPart.text).toContain('Semaine 48 : du lundi 23 novembre 2026 au dimanche 29 novembre 2026 (Europe/Paris)');
    expect(htmlPart.text).toContain('Téléphone de Léa : toute première tentative sur « Chat vidéo aléatoire » (www.ome.tv), lun. 23 nov., 21:14');
    expect(htmlPart.text).toContain('Tom&#39;s tablet');
    expect(htmlPart.text).not.toMatch(/<script|<svg|<link|<style|https?:\/\//i);
    expect(htmlPart.text).toContain('<table role="presentation"');
  });

  it('arrives in English when the parents chose English', async () => {
    const settings = await setup('en');
    const before = smtp.messages.length;
    expect((await sendReportEmail(settings, report)).ok).toBe(true);
    db.close();
    await smtp.waitFor(before + 1);
    const mail = parseMail(smtp.messages[before]!.raw);
    expect(mail.subject).toBe('Vigie — week 48 (to Sunday 18:00) — 4 blocked attempts');
    expect(mail.headers.get('content-language')).toBe('en');
    expect(mail.parts[0]!.text).toContain('Figures up to Sun 29 Nov, 18:00.');
    expect(mail.parts[0]!.text).toContain('Blocked attempts: 3 (previous week 1, +200%)');
    expect(mail.parts[1]!.text).toMatch(/<html lang="en">/);
    expect(mail.parts[1]!.text).toContain('Weekly report</h1>');
  });

  it('returns the SMTP error as a value: wrong password, server down', async () => {
    const settings = await setup('fr');
    db.close();
    const wrong = await sendReportEmail({ ...settings, password: 'not it' }, report);
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error).toMatch(/Invalid login: 535 .*Invalid username or password/);
    const down = await sendReportEmail({ ...settings, port: await closedPort() }, report);
    expect(!down.ok && down.error).toMatch(/ECONNREFUSED/);
  });
});

describe('renderReportEmail', () => {
  const dir = useTempDir('vigie-mail-');

  it('says a complete week without "to …", and marks a test', async () => {
    const db = seedData(dir());
    db.close();
    const full = await reportGenerator(dir())('2026-W48', SUNDAY_18H + 86_400_000);
    expect(renderReportEmail(full, 'en').subject).toBe('Vigie — week 48 — 4 blocked attempts');
    const test = renderReportEmail(full, 'fr', { test: true });
    expect(test.subject).toBe('[Test] Vigie — semaine 48 — 4 tentatives bloquées');
    expect(test.text.startsWith('Ceci est un essai envoyé depuis la page des réglages')).toBe(true);
    expect(test.html).toContain('Ceci est un essai envoyé depuis la page des réglages');
  });

  it('escapes names from the network in the HTML and drops control characters', async () => {
    const db = seedData(dir());
    db.prepare('UPDATE devices SET name = ? WHERE id = ?').run('<img src=x onerror=alert(1)>\u202e', 'ip:192.0.2.20');
    db.close();
    const email = renderReportEmail(await reportGenerator(dir())('2026-W48', SUNDAY_18H), 'en');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;img src&#61;x onerror&#61;alert(1)&gt;');
    expect(email.html).not.toContain('\u202e');
  });

  it('errorText keeps one short line', () => {
    expect(errorText(new Error('a\r\nb\u0000c'))).toBe('a b c');
    expect(errorText('x'.repeat(500))).toHaveLength(300);
  });
});
