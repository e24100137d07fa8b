// Saves the admin page's main pages as PNG files under docs/screenshots/ (desktop and phone,
// French and English) for review and for the README: `npm run screenshots` (builds dist/ first).
// docs/screenshots/README.md says what each file shows.
//
// It starts a real Vigie from dist/ (temporary data directory, DNS and admin page on 127.0.0.1,
// random ports, a tiny upstream on loopback started here: nothing leaves the machine), sets the
// password through the setup page with the code read from the log, creates demo data through the
// admin API and real DNS queries from 127.0.0.2-5, then captures each page in headless Chromium
// (/usr/bin/chromium, or CHROMIUM=/path) and rewrites it as a palette PNG. Vigie runs on a demo
// clock that only moves when told (Wednesday 18 November 2026, 13:00 to 18:30 in Paris), so two
// runs give the same pictures. Exits non-zero on any console error, CSP violation, page error or
// dialog seen while capturing.
import dgram from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import pino from 'pino';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PASSWORD = 'une phrase de passe pour la démo';

/** Pages captured: file name → path. */
const PAGES = [
  ['overview', '/'],
  ['devices', '/devices'],
  ['profile', '/profiles/teen'],
  ['schedules', '/schedules'],
  ['lists', '/lists'],
  ['activity', '/activity'],
  ['settings', '/settings'],
];
const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};
const LOCALES = { fr: 'fr-FR', en: 'en-GB' };

// The demo clock: Paris is UTC+1 in November.
const paris = (hhmm) => {
  const [h, m] = hhmm.split(':').map(Number);
  return Date.UTC(2026, 10, 18, h - 1, m);
};
let clockAt = paris('13:00');
const clock = () => clockAt;
/** Moves the demo clock (it stands still in between, so every run shows the same times). */
const setClock = (hhmm) => {
  const t = paris(hhmm);
  if (t < clockAt) throw new Error(`demo clock cannot go back to ${hhmm}`);
  clockAt = t;
};

const DEVICES = [
  { ip: '127.0.0.2', name: "Léa's phone", profileId: 'teen' },
  { ip: '127.0.0.3', name: "Tom's tablet", profileId: 'child' },
  { ip: '127.0.0.4', name: 'Living-room TV', profileId: 'adult' },
];
const NEWCOMER = '127.0.0.5';

/** Blocked (and a few allowed) look-ups through the afternoon: [time, device, name]. */
const QUERIES = [
  ['13:12', '127.0.0.2', 'tiktok.com'],
  ['13:30', '127.0.0.4', 'use-application-dns.net'],
  ['13:41', '127.0.0.2', 'instagram.com'],
  ['14:10', '127.0.0.3', 'omegle.com'],
  ['14:11', '127.0.0.3', 'www.wikipedia.org'],
  ['15:02', '127.0.0.2', 'tinder.com'],
  ['15:03', '127.0.0.2', 'homework.example.org'],
  ['16:30', '127.0.0.3', 'yubo.live'],
  ['16:45', '127.0.0.2', 'coco.gg'],
  ['17:00', '127.0.0.4', 'mask.icloud.com'],
  ['17:20', '127.0.0.2', 'snapchat.com'],
  ['17:55', '127.0.0.3', 'coco.gg'],
  ['18:05', '127.0.0.2', 'omegle.com'],
  ['18:12', '127.0.0.3', 'dns.google'],
  ['18:20', '127.0.0.4', 'www.example.com'],
  ['18:28', NEWCOMER, 'omegle.tv'],
];

const fail = (message) => {
  console.error(`screenshots: ${message}`);
  process.exit(1);
};

if (!existsSync(join(ROOT, 'dist', 'main.js'))) fail('dist/ is missing: run `npm run build` first');
if (!existsSync(CHROMIUM)) fail(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM=/path)`);
const { loadConfig } = await import(join(ROOT, 'dist', 'config.js'));
const { startVigie } = await import(join(ROOT, 'dist', 'main.js'));

/** A UDP socket bound on 127.0.0.1:`port`, or null when that port is taken. */
function bindUdp(port) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, '127.0.0.1', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

/**
 * A loopback upstream answering every A question with 192.0.2.1 (and other types with no data).
 * A fixed port when free, so that the pages naming it look the same from one run to the next.
 */
async function startUpstream() {
  const socket = (await bindUdp(15353)) ?? (await bindUdp(0));
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 17) return;
    let end = 12;
    while (end < msg.length && msg[end] !== 0) end += msg[end] + 1;
    const question = msg.subarray(12, end + 5);
    const isA = msg.readUInt16BE(end + 1) === 1;
    const header = Buffer.from(msg.subarray(0, 12));
    header.writeUInt16BE(0x8180 | (msg.readUInt16BE(2) & 0x0100), 2);
    header.writeUInt16BE(isA ? 1 : 0, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const answer = isA ? Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 192, 0, 2, 1]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, answer]), rinfo.port, rinfo.address);
  });
  return { url: `udp://127.0.0.1:${socket.address().port}`, close: () => new Promise((resolve) => socket.close(resolve)) };
}

/** One A query from `from` (a loopback address standing for a device); resolves on the answer. */
function lookUp(port, name, from) {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')]));
  const id = Math.floor(Math.random() * 0xffff);
  const packet = Buffer.concat([Buffer.from([id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer for ${name}`));
    }, 3000);
    socket.on('message', () => {
      clearTimeout(timer);
      socket.close();
      resolve();
    });
    socket.bind({ address: from, port: 0 }, () => socket.send(packet, port, '127.0.0.1'));
  });
}

// ---- PNG: Chromium writes 24-bit RGB; a 256-colour palette keeps text crisp at a third of the size.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG to RGB pixels; null for anything else. */
function decodePng(file) {
  const buf = readFileSync(file);
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const length = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) return null;
      channels = colorType === 2 ? 3 : 4;
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rgb = Buffer.alloc(width * height * 3);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + add) & 0xff;
    }
    if (channels === 3) line.copy(rgb, y * stride);
    else for (let x = 0; x < width; x++) line.copy(rgb, (y * width + x) * 3, x * 4, x * 4 + 3);
    prev = line;
  }
  return { width, height, rgb };
}

/**
 * At most 256 colours for `rgb`: every colour when there are few, else a greedy variance split of
 * the colour histogram (the box with the largest squared error is cut across its widest channel).
 */
function palette(rgb) {
  const counts = new Map();
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const colors = [...counts].map(([key, n]) => [key >> 16, (key >> 8) & 0xff, key & 0xff, n]);
  if (colors.length <= 256) return colors.map(([r, g, b]) => [r, g, b]);
  const stats = (box) => {
    let n = 0;
    const sum = [0, 0, 0];
    const sq = [0, 0, 0];
    for (const c of box) {
      n += c[3];
      for (let k = 0; k < 3; k++) {
        sum[k] += c[k] * c[3];
        sq[k] += c[k] * c[k] * c[3];
      }
    }
    const variance = sq.map((s, k) => s - (sum[k] * sum[k]) / n);
    return { box, n, mean: sum.map((s) => s / n), variance, error: variance[0] + variance[1] + variance[2] };
  };
  const boxes = [stats(colors)];
  while (boxes.length < 256) {
    let worst = 0;
    for (let i = 1; i < boxes.length; i++) if (boxes[i].error > boxes[worst].error) worst = i;
    const { box, variance, error } = boxes[worst];
    if (error <= 0 || box.length < 2) break;
    const k = variance.indexOf(Math.max(...variance));
    box.sort((p, q) => p[k] - q[k]);
    // Cut at the weighted median, never leaving a side empty.
    const half = boxes[worst].n / 2;
    let seen = 0;
    let cut = 1;
    for (; cut < box.length - 1; cut++) {
      seen += box[cut - 1][3];
      if (seen >= half) break;
    }
    boxes.splice(worst, 1, stats(box.slice(0, cut)), stats(box.slice(cut)));
  }
  return boxes.map((b) => b.mean.map(Math.round));
}

/** Rewrites `file` as an 8-bit palette PNG (no-op for images it cannot read). */
function toPalettePng(file) {
  const image = decodePng(file);
  if (image === null) return;
  const { width, height, rgb } = image;
  const colors = palette(rgb);
  const nearest = new Map();
  const indexOf = (r, g, b) => {
    const key = (r << 16) | (g << 8) | b;
    let best = nearest.get(key);
    if (best !== undefined) return best;
    let bestDistance = Infinity;
    colors.forEach(([pr, pg, pb], i) => {
      const d = (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    nearest.set(key, best);
    return best;
  };
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[y * (width + 1) + 1 + x] = indexOf(rgb[i], rgb[i + 1], rgb[i + 2]);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8);
  writeFileSync(file, Buffer.concat([
    PNG_SIGNATURE, chunk('IHDR', header), chunk('PLTE', Buffer.from(colors.flat())),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
  ]));
}

const logLines = [];
const logger = pino({ level: 'info' }, { write: (line) => void logLines.push(line) });
const dataDir = mkdtempSync(join(tmpdir(), 'vigie-screenshots-'));
const upstream = await startUpstream();
const config = loadConfig({
  env: {
    VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: '0', VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS: 'off',
    VIGIE_DATA_DIR: dataDir, VIGIE_UPSTREAMS: upstream.url, VIGIE_TZ: 'Europe/Paris', VIGIE_LOG_LEVEL: 'info',
  },
});
const vigie = await startVigie(config, { logger, clock });
const dnsPort = vigie.dns.addresses()[0].port;
const base = `http://127.0.0.1:${vigie.admin.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const problems = [];
let faviconMisses = 0;

/** Watches a page for what must not happen (the browser's own /favicon.ico 404 is only counted). */
function watch(page, label) {
  page.on('console', (m) => {
    if (m.type() !== 'error' && !/Content Security Policy|Refused to/i.test(m.text())) return;
    if (m.location().url.endsWith('/favicon.ico')) faviconMisses += 1;
    else problems.push(`${label}: console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label}: page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`${label}: dialog: ${d.message()}`);
    void d.dismiss();
  });
}

try {
  // First start, as a parent does it: the code from the log, a password.
  const setupContext = await browser.newContext({ locale: 'en-GB' });
  const page = await setupContext.newPage();
  watch(page, 'setup');
  const codeLine = logLines.map((l) => JSON.parse(l).msg ?? '').find((msg) => /setup code [A-Z0-9]{5}-[A-Z0-9]{5}/.test(msg));
  if (!codeLine) throw new Error('no setup code in the log');
  await page.goto(`${base}/setup`);
  await page.fill('#code', /setup code ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(codeLine)[1]);
  await page.fill('#password', PASSWORD);
  await page.fill('#confirm', PASSWORD);
  await Promise.all([page.waitForURL(`${base}/`), page.click('main form button[type=submit]')]);
  const csrf = await page.getAttribute('input[name=_csrf]', 'value');
  const api = async (method, path, data) => {
    const res = await page.request.fetch(`${base}${path}`, { method, headers: { 'x-csrf-token': csrf }, ...(data === undefined ? {} : { data }) });
    if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  };

  // The family's devices: each asks once, then the parents name them and give them a profile.
  for (const d of DEVICES) await lookUp(dnsPort, 'www.example.com', d.ip);
  await vigie.devices.tracker.flush();
  for (const d of DEVICES) await api('PATCH', `/api/devices/${encodeURIComponent(`ip:${d.ip}`)}`, { name: d.name, profileId: d.profileId });
  await api('PATCH', '/api/profiles/teen', { categories: { 'social-media': true } });
  await api('POST', '/api/schedules', { profileId: 'teen', label: 'School nights', days: ['sun', 'mon', 'tue', 'wed', 'thu'], start: '21:30', end: '07:00', mode: 'block', categories: ['gaming', 'video-streaming'] });
  await api('POST', '/api/schedules', { profileId: 'child', label: 'Bedtime', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '20:30', end: '07:30', mode: 'bedtime', allow: ['homework.example.org'] });
  await api('POST', '/api/rules', { name: 'homework.example.org', kind: 'allow', subdomains: true });
  await api('POST', '/api/rules', { name: 'ads.example.net', kind: 'block', subdomains: true });

  // The afternoon's look-ups, at their times.
  for (const [time, from, name] of QUERIES) {
    setClock(time);
    await lookUp(dnsPort, name, from);
  }
  await vigie.devices.tracker.flush();
  vigie.blockedLog.flush();
  setClock('18:30');
  await api('POST', `/api/devices/${encodeURIComponent('ip:127.0.0.4')}/block`, { minutes: 60 });
  const state = await setupContext.storageState();
  await setupContext.close();

  mkdirSync(OUT, { recursive: true });
  const saved = [];
  for (const [kind, device] of Object.entries(VIEWPORTS)) {
    for (const [lang, locale] of Object.entries(LOCALES)) {
      const shoot = async (context, name, path) => {
        const p = await context.newPage();
        watch(p, `${name}-${kind}-${lang}`);
        await p.goto(`${base}${path}`);
        if (new URL(p.url()).pathname !== path) throw new Error(`${path} ended on ${p.url()}`);
        const file = join(OUT, `${name}-${kind}-${lang}.png`);
        await p.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
        toPalettePng(file);
        saved.push([file, readFileSync(file).length]);
        await p.close();
      };
      const loggedIn = await browser.newContext({ ...device, locale, storageState: state });
      for (const [name, path] of PAGES) await shoot(loggedIn, name, path);
      await loggedIn.close();
      const anonymous = await browser.newContext({ ...device, locale });
      await shoot(anonymous, 'login', '/login');
      await anonymous.close();
    }
  }
  let total = 0;
  for (const [file, size] of saved) {
    total += size;
    console.log(`${file.slice(ROOT.length + 1)}  ${(size / 1024).toFixed(0)} KB`);
  }
  console.log(`${saved.length} screenshots, ${(total / 1024 / 1024).toFixed(1)} MB`);
  if (faviconMisses > 0) console.warn(`screenshots: warning: the browser's /favicon.ico request got a 404 (${faviconMisses}×): the pages declare no icon`);
} catch (err) {
  problems.push(err instanceof Error ? err.stack ?? err.message : String(err));
} finally {
  await browser.close();
  await vigie.stop();
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
}
if (problems.length > 0) fail(`problems:\n  ${problems.join('\n  ')}`);
