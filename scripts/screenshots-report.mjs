// Saves the weekly report page and the weekly email as PNG files under docs/screenshots/:
// report-desktop-fr.png (1280 px), report-phone-en.png (390 px) and email-fr.png (the email's
// HTML as a mail client shows it). Run `npm run build` first, then `node scripts/screenshots-report.mjs`.
//
// It builds demo data in a temporary directory (config.db: four devices; logs.db: two weeks of
// blocked attempts), serves the admin page from dist/ on 127.0.0.1 (random port, the report and
// email settings routes only) on a clock standing still on Sunday 29 November 2026, 18:00 in
// Paris (the weekly email's default time), and captures with headless Chromium (/usr/bin/chromium,
// or CHROMIUM=/path). Nothing leaves the machine. Exits non-zero on any console error, CSP
// violation or page error.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'une phrase de passe pour la démo';
const TZ = 'Europe/Paris';

const fail = (message) => {
  console.error(`screenshots-report: ${message}`);
  process.exit(1);
};
if (!existsSync(join(DIST, 'admin', 'routes', 'report.js'))) fail('dist/ is missing or old: run `npm run build` first');
if (!existsSync(CHROMIUM)) fail(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path)`);

const load = (path) => import(join(DIST, path));
const { loadConfig } = await load('config.js');
const { openConfigDatabase } = await load('store/config-database.js');
const { openDatabase } = await load('store/open-database.js');
const { createPolicyService } = await load('policy/policy-service.js');
const { createDeviceStore } = await load('policy/device-store.js');
const { createAdminStore } = await load('admin/auth/admin-store.js');
const { hashPassword } = await load('admin/auth/password.js');
const { createAdminServer } = await load('admin/admin-server.js');
const { reportRoutes } = await load('admin/routes/report.js');
const { emailSettingsRoutes } = await load('admin/routes/email-settings.js');
const { generateWeeklyReportInThread } = await load('report/generate-report.js');
const { renderReportEmail } = await load('report/render-email.js');

/** Paris local time (UTC+1 in November) of W48 2026: day 0 = Monday 23 November; negative days: W47. */
const at = (day, hour, minute = 0) => Date.UTC(2026, 10, 23 + day, hour - 1, minute);
const NOW = at(6, 18);

const DEVICES = [
  { id: 'mac:02:00:5e:00:53:01', mac: '02:00:5e:00:53:01', ip: '192.168.1.20', name: "Léa's phone", profileId: 'teen', since: Date.UTC(2026, 8, 1) },
  { id: 'mac:02:00:5e:00:53:02', mac: '02:00:5e:00:53:02', ip: '192.168.1.21', name: "Tom's tablet", profileId: 'child', since: Date.UTC(2026, 8, 1) },
  { id: 'mac:02:00:5e:00:53:03', mac: '02:00:5e:00:53:03', ip: '192.168.1.30', name: 'Living-room TV', profileId: 'adult', since: Date.UTC(2026, 8, 1) },
  { id: 'ip:192.168.1.44', mac: null, ip: '192.168.1.44', name: null, hostname: 'Galaxy-A15', profileId: null, since: at(3, 16, 40) },
];

/** [device index, day (0 = Monday of W48; -7…-1 = W47), hour, minute, category, rule, name asked]. */
const ATTEMPTS = [];
const add = (d, day, hour, minute, category, rule, name = rule) => ATTEMPTS.push([d, day, hour, minute, category, rule, name]);
// Léa: social media every evening, a first try on random video chat on Thursday night, a VPN on Saturday.
for (let day = -7; day <= 6; day++) {
  const evening = day < 0 ? 2 : 3 + (day % 3);
  for (let k = 0; k < evening; k++) add(0, day, 17 + k, 5 + 7 * k, 'social-media', k % 2 ? 'instagram.com' : 'tiktok.com', k % 2 ? 'www.instagram.com' : 'www.tiktok.com');
}
add(0, 3, 22, 41, 'random-video-chat', 'ome.tv', 'ome.tv');
add(0, 3, 22, 43, 'random-video-chat', 'ome.tv', 'www.ome.tv');
add(0, 3, 22, 50, 'random-video-chat', 'chatroulette.com', 'chatroulette.com');
add(0, 5, 23, 12, 'bypass', 'nordvpn.com', 'api.nordvpn.com');
add(0, 5, 23, 13, 'bypass', 'dns.google', 'dns.google');
add(0, 1, 15, 2, 'dating', 'tinder.com', 'api.gotinder.com');
add(0, -4, 15, 2, 'dating', 'tinder.com', 'tinder.com');
// Tom: games after school, an anonymous chat attempt on Wednesday afternoon (first ever).
for (let day = -7; day <= 6; day++) {
  if (day % 7 === 2 || day % 7 === -5 || day % 7 === 5 || day % 7 === 6) for (let k = 0; k < 4; k++) add(1, day, 14 + k, 10 + 11 * k, 'gaming', 'roblox.com', k % 2 ? 'www.roblox.com' : 'roblox.com');
}
add(1, 2, 16, 30, 'anonymous-chat', 'coco.gg', 'coco.gg');
add(1, 2, 16, 31, 'anonymous-chat', 'coco.gg', 'www.coco.gg');
add(1, 4, 17, 55, 'teen-meetup', 'yubo.live', 'yubo.live');
// The TV: its own encrypted DNS, refused all week.
for (let day = -7; day <= 6; day++) add(2, day, 20, 0, 'bypass', 'use-application-dns.net', 'use-application-dns.net');
// The new phone: random video chat on its first evening.
add(3, 3, 18, 28, 'random-video-chat', 'omegle.com', 'omegle.com');
add(3, 4, 19, 2, 'social-media', 'snapchat.com', 'app.snapchat.com');

const dataDir = mkdtempSync(join(tmpdir(), 'vigie-report-shots-'));
const problems = [];
let server = null;
let browser = null;
let policy = null;
let db = null;
let logsDb = null;
try {
  const config = loadConfig({ env: { VIGIE_DATA_DIR: dataDir, VIGIE_UPSTREAMS: 'udp://127.0.0.1:9', VIGIE_TZ: TZ, VIGIE_LOG_LEVEL: 'silent' } });
  const logger = pino({ level: 'silent' });
  const clock = () => NOW;
  db = openConfigDatabase({ file: join(dataDir, 'config.db') });
  logsDb = openDatabase({ file: join(dataDir, 'logs.db') });
  const devices = createDeviceStore({ db });
  devices.recordSightings(DEVICES.map((d) => ({ id: d.id, mac: d.mac, ip: d.ip, at: d.since })));
  for (const d of DEVICES) {
    if (d.hostname) devices.setHostname(d.id, d.hostname);
    if (d.name || d.profileId) devices.update(d.id, { name: d.name, profileId: d.profileId });
  }
  const insert = logsDb.prepare(`INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile) VALUES (?, ?, ?, 'A', ?, ?, ?, ?, ?)`);
  logsDb.transaction(() => {
    for (const [d, day, hour, minute, category, rule, name] of ATTEMPTS.sort((a, b) => at(a[1], a[2], a[3]) - at(b[1], b[2], b[3]))) {
      const dev = DEVICES[d];
      insert.run(at(day, hour, minute), dev.ip, name, category, category, rule, dev.id, dev.profileId ?? '');
    }
  })();
  const daily = logsDb.prepare('INSERT INTO daily_counts (day, device, queries, blocked) VALUES (?, ?, ?, 0)');
  for (let day = 0; day < 7; day++) {
    const date = `2026-11-${23 + day}`;
    DEVICES.forEach((dev, i) => daily.run(date, dev.id, [2140, 1310, 860, day >= 3 ? 420 : 0][i] + day * 37));
  }
  policy = await createPolicyService({ config, db, clock, logger });
  createAdminStore({ db, clock }).setPasswordHash(await hashPassword(PASSWORD));
  const ctx = {
    config, db, logsDb, clock, logger,
    policy: { get built() { return policy.built; }, get catalog() { return policy.catalog; } },
    changed: () => policy.reload(),
    status: () => ({ startedAt: NOW - 3_600_000, upstreams: [], counters: {} }),
  };
  server = createAdminServer({ ctx, host: '127.0.0.1', port: 0, routes: [reportRoutes, emailSettingsRoutes], setupCode: null });
  await server.start();
  const base = `http://127.0.0.1:${server.address().port}`;

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const watch = (page, label) => {
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 404/.test(m.text())) problems.push(`${label}: ${m.text()}`);
      else if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`${label}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${label}: ${e.message}`));
  };
  mkdirSync(OUT, { recursive: true });
  const shots = [
    // The top of the page (the whole home and the first device): the rest repeats for each device.
    { file: 'report-desktop-fr.png', locale: 'fr-FR', lang: 'fr', viewport: { width: 1280, height: 900 }, isMobile: false, maxHeight: 3000 },
    { file: 'report-phone-en.png', locale: 'en-GB', lang: 'en', viewport: { width: 390, height: 844 }, isMobile: true, maxHeight: 4600 },
  ];
  for (const s of shots) {
    const context = await browser.newContext({ locale: s.locale, viewport: s.viewport, isMobile: s.isMobile, hasTouch: s.isMobile, deviceScaleFactor: 1, colorScheme: 'light' });
    await context.addCookies([{ name: 'lang', value: s.lang, url: base }]);
    const page = await context.newPage();
    watch(page, s.file);
    await page.goto(`${base}/login`);
    await page.fill('#password', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/report`);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    if (width > s.viewport.width) problems.push(`${s.file}: the page is ${width} px wide`);
    const height = Math.min(s.maxHeight, await page.evaluate('document.documentElement.scrollHeight'));
    await page.screenshot({ path: join(OUT, s.file), fullPage: true, clip: { x: 0, y: 0, width: s.viewport.width, height }, animations: 'disabled', caret: 'hide' });
    await context.close();
  }
  // The email, as a mail client shows its HTML part (no stylesheet, no script).
  const report = generateWeeklyReportInThread({ logsFile: join(dataDir, 'logs.db'), configFile: join(dataDir, 'config.db'), listsDir: config.listsDir, timeZone: TZ, week: 'this', now: NOW });
  const email = renderReportEmail(report, 'fr');
  const mail = await browser.newContext({ locale: 'fr-FR', viewport: { width: 680, height: 900 }, deviceScaleFactor: 1, javaScriptEnabled: false, colorScheme: 'light' });
  const page = await mail.newPage();
  watch(page, 'email');
  await page.setContent(email.html, { waitUntil: 'load' });
  await page.screenshot({ path: join(OUT, 'email-fr.png'), fullPage: true, animations: 'disabled' });
  await mail.close();
  console.log(`subject: ${email.subject}`);
} catch (err) {
  problems.push(err instanceof Error ? err.stack ?? err.message : String(err));
} finally {
  await browser?.close();
  await server?.stop();
  await policy?.idle();
  db?.close();
  logsDb?.close();
  rmSync(dataDir, { recursive: true, force: true });
}
if (problems.length > 0) fail(problems.join('\n'));
console.log(`saved ${['report-desktop-fr.png', 'report-phone-en.png', 'email-fr.png'].map((f) => join('docs/screenshots', f)).join(', ')}`);
