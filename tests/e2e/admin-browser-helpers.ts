/**
 * Helpers of the admin page's end-to-end browser test: the log a parent reads the setup code from,
 * raw DNS queries with hostile labels (any byte), a watch on the page for console errors, CSP
 * violations, uncaught errors and dialogs, form submission that waits for the answer page, and the
 * accessibility checks run inside the page. The test project has no DOM types: in-page code is a
 * string expression.
 */
import type { Page } from 'playwright-core';
import pino from 'pino';
import type { Logger } from '../../src/log.js';
import { ask, sendUdp } from '../helpers/dns-client.js';

/** Debian's chromium (installed by .ci/run); the browser tests are skipped without it. */
export const CHROMIUM = '/usr/bin/chromium';

/** A pino logger writing JSON lines to memory, as Vigie's log would reach a parent. */
export interface LogCapture {
  readonly logger: Logger;
  readonly lines: string[];
  /** The setup code as printed in "admin page not set up yet: … setup code XXXXX-XXXXX", or throws. */
  setupCode(): string;
}

export function captureLog(): LogCapture {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    lines,
    setupCode() {
      for (const line of lines) {
        const msg = String((JSON.parse(line) as { msg?: unknown }).msg ?? '');
        const found = /admin page not set up yet: .*setup code ([A-Z0-9]{5}-[A-Z0-9]{5})/.exec(msg);
        if (found) return found[1]!;
      }
      throw new Error(`no setup code in the log:\n${lines.join('')}`);
    },
  };
}

/** A query for A/IN whose labels are raw bytes (latin1): `<img src=x onerror=alert(1)>` is one label. */
export function rawQuery(labels: readonly string[], id = 0x4242): Buffer {
  const parts: Buffer[] = [Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length === 0 || bytes.length > 63) throw new Error(`label of ${bytes.length} bytes`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0, 0, 1, 0, 1]));
  return Buffer.concat(parts);
}

/**
 * Sends a raw query from `from` and returns the first A address of the answer (null when none),
 * read straight from the wire: the question is skipped by its known length, so no decoder has to
 * cope with the hostile name.
 */
export async function rawAddress(port: number, labels: readonly string[], from: string): Promise<{ rcode: number; address: string | null }> {
  const packet = rawQuery(labels);
  const reply = await sendUdp(port, packet, { from });
  if (reply === null) throw new Error(`no answer for ${labels.join('.')}`);
  const rcode = reply.readUInt16BE(2) & 0x0f;
  const answers = reply.readUInt16BE(6);
  let pos = packet.length; // header + question, echoed byte for byte
  for (let i = 0; i < answers; i++) {
    // Owner: a pointer (2 bytes) or labels.
    while (reply[pos]! !== 0 && (reply[pos]! & 0xc0) !== 0xc0) pos += reply[pos]! + 1;
    pos += reply[pos] === 0 ? 1 : 2;
    const type = reply.readUInt16BE(pos);
    const rdlength = reply.readUInt16BE(pos + 8);
    if (type === 1 && rdlength === 4) return { rcode, address: [...reply.subarray(pos + 10, pos + 14)].join('.') };
    pos += 10 + rdlength;
  }
  return { rcode, address: null };
}

/** The last A address answered to `from` for `name` (undefined when none). */
export async function addressOf(port: number, name: string, from: string): Promise<string | undefined> {
  return (await ask(port, name, 'A', { from })).answers.filter((a) => a.type === 1).at(-1)?.address;
}

/** What went wrong in a page (see {@link watchProblems}). */
export interface PageProblems {
  /** Console errors, CSP violations, uncaught errors, dialogs (an alert is an XSS). */
  readonly problems: string[];
  /** Console errors about the browser's own /favicon.ico request, kept apart (a known bug, see the test). */
  readonly favicon: string[];
}

/** Watches `page` for what must never happen on the admin page. */
export function watchProblems(page: Page): PageProblems {
  const problems: string[] = [];
  const favicon: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && !/Content Security Policy|Refused to/i.test(m.text())) return;
    const line = `console ${m.type()}: ${m.text()} (${m.location().url})`;
    if (new URL(m.location().url || 'about:blank').pathname === '/favicon.ico') favicon.push(line);
    else problems.push(line);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { problems, favicon };
}

/** Clicks a submit button and waits until the answer page (after any redirect) has loaded. */
export async function submit(page: Page, selector: string): Promise<void> {
  await navigation(page, () => page.click(selector));
}

/** Runs `action` (a click, a key press) and waits until the page it leads to has loaded. */
export async function navigation(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: 15_000 });
  try {
    await action();
  } catch (err) {
    navigated.catch(() => undefined);
    throw err;
  }
  await navigated;
  await page.waitForLoadState('load');
}

/** Path and query of the page's URL. */
export function where(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

/**
 * In-page check: every visible form control has an accessible label (a <label> for or around
 * it, aria-label, or aria-labelledby naming elements that exist) and every button a name.
 * Evaluates to the offenders' markup.
 */
export const UNLABELLED_CONTROLS = `(() => {
  const named = (el) => (el.getAttribute('aria-label') || '').trim() !== ''
    || ((el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean).length > 0
        && (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean).every((id) => document.getElementById(id) !== null));
  const controls = Array.from(document.querySelectorAll('input, select, textarea'))
    .filter((el) => el.type !== 'hidden' && !el.hidden)
    .filter((el) => !(el.labels && Array.from(el.labels).some((l) => l.textContent.trim() !== '')) && !named(el));
  const buttons = Array.from(document.querySelectorAll('button'))
    .filter((b) => b.textContent.trim() === '' && !named(b));
  return [...controls, ...buttons].map((el) => el.outerHTML.slice(0, 160));
})()`;
