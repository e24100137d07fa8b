/**
 * Posts an alert to a push-notification webhook. Two styles, chosen by the URL:
 * - ntfy (the default): POST to the topic URL, the message as the plain-text body, and the
 *   `Title`, `Priority` and `Tags` headers (a non-ASCII title as an RFC 2047 encoded word, which
 *   ntfy decodes: HTTP header values are bytes, not UTF-8 text).
 * - Gotify: a URL whose path ends with /message gets a JSON body `{ title, message, priority }`
 *   (the app token stays in the URL's `?token=`).
 * Only http and https; redirects are not followed (a redirect to another scheme or host is not
 * ours to follow); the whole request gives up after 5 s. Credentials in the URL
 * (https://user:pass@host/topic) become a Basic Authorization header. Errors are returned, not thrown.
 */
import { errorText } from './mailer.js';

/** What a webhook receives. */
export interface WebhookAlert {
  readonly title: string;
  readonly message: string;
}

/** What became of a post. */
export type WebhookResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: string };

/** Options of {@link postWebhook}. */
export interface WebhookOptions {
  /** Default 5 s. */
  readonly timeoutMs?: number;
}

export const WEBHOOK_TIMEOUT_MS = 5_000;
/** Gotify priority of an alert (8 and up: shown as high priority by the Android app). */
const GOTIFY_PRIORITY = 8;

/** True when `url` is a Gotify message endpoint (path ending with /message). */
export function isGotifyUrl(url: URL): boolean {
  return /\/message\/?$/.test(url.pathname);
}

/** A header value as ASCII: unchanged when ASCII already, else an RFC 2047 encoded word (UTF-8, base64). */
export function headerText(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

/** The request for `url`: method POST, its headers and body. */
export function webhookRequest(url: URL, alert: WebhookAlert): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`;
  }
  if (isGotifyUrl(url)) {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify({ title: alert.title, message: alert.message, priority: GOTIFY_PRIORITY }) };
  }
  headers['content-type'] = 'text/plain; charset=utf-8';
  headers.title = headerText(alert.title);
  headers.priority = 'high';
  headers.tags = 'warning';
  return { headers, body: alert.message };
}

/** Posts `alert` to `url`. Never rejects. */
export async function postWebhook(url: string, alert: WebhookAlert, options: WebhookOptions = {}): Promise<WebhookResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, error: 'not a valid URL' };
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return { ok: false, error: 'only http:// and https:// webhooks are allowed' };
  const { headers, body } = webhookRequest(target, alert);
  target.username = '';
  target.password = '';
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  try {
    const res = await fetch(target, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    if (res.status >= 300 && res.status < 400) return { ok: false, error: `the webhook answered with a redirect (HTTP ${res.status}), not followed` };
    return { ok: false, error: `the webhook answered HTTP ${res.status}` };
  } catch (err) {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, error: `no answer from the webhook within ${timeoutMs / 1000} s` };
    const cause = (err as { cause?: unknown } | null)?.cause;
    return { ok: false, error: errorText(cause instanceof Error ? `${errorText(err)}: ${cause.message}` : err) };
  }
}
