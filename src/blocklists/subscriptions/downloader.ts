/**
 * Fetches one remote blocklist, defensively: the URL comes from a parent's typing and the body from
 * a server we do not control, and a bad download must never replace a good list (F4).
 */
import { checkListBody } from '../check-list-body.js';

/** Largest body accepted by default: 50 MiB (the biggest public lists are ~30 MB). */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Default overall time budget of one download, redirects and body included. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Redirects followed at most (each hop is re-checked). */
export const MAX_REDIRECTS = 5;

/** What {@link downloadList} needs. */
export interface DownloadRequest {
  readonly url: string;
  /** Validator of the copy we hold: sent as If-None-Match. */
  readonly etag?: string | null;
  /** Validator of the copy we hold: sent as If-Modified-Since. */
  readonly lastModified?: string | null;
  readonly maxBytes?: number;
  readonly timeoutMs?: number;
  /** Defaults to the global `fetch` (undici in Node 20). */
  readonly fetchImpl?: typeof fetch;
}

/** Machine-readable reason of a failed download. */
export type DownloadFailureReason =
  | 'bad-url'
  | 'bad-scheme'
  | 'credentials'
  | 'too-many-redirects'
  | 'http-status'
  | 'too-large'
  | 'timeout'
  | 'network'
  | 'not-a-list';

/** Outcome of {@link downloadList}; never thrown, always returned. */
export type DownloadResult =
  | { readonly status: 'not-modified' }
  | { readonly status: 'ok'; readonly body: Uint8Array; readonly etag: string | null; readonly lastModified: string | null; readonly url: string }
  | { readonly status: 'error'; readonly reason: DownloadFailureReason; readonly message: string; readonly httpStatus?: number };

type Failure = Extract<DownloadResult, { status: 'error' }>;
const fail = (reason: DownloadFailureReason, message: string, httpStatus?: number): Failure =>
  httpStatus === undefined ? { status: 'error', reason, message } : { status: 'error', reason, message, httpStatus };

/**
 * Checks that `raw` is an absolute `http:`/`https:` URL without credentials; returns the parsed
 * URL or the failure. Done before any I/O, and again on every redirect hop: `file:`, `ftp:`,
 * `gopher:`, `data:`, `javascript:` … never reach the network or the disk.
 */
export function checkListUrl(raw: string | URL): URL | Failure {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('bad-url', 'not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail('bad-scheme', `only http: and https: lists can be downloaded, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') return fail('credentials', 'URLs with a user name or password are not accepted');
  return url;
}

/**
 * Downloads a list. Never throws: every problem is an `{status:'error', reason}` value.
 * - conditional GET: If-None-Match / If-Modified-Since from the validators given; 304 → `not-modified`;
 * - redirects are followed by hand (at most {@link MAX_REDIRECTS}), each target re-checked with
 *   {@link checkListUrl}, so a redirect cannot lead to `file:` or carry credentials;
 * - size cap: a Content-Length above `maxBytes` is refused before reading, and the stream is cut
 *   as soon as it passes `maxBytes` (the cap applies after decompression, so a gzip bomb stops too);
 * - one overall timeout (`AbortSignal.timeout`) covers connect, redirects and the body;
 * - any status other than 2xx/304 is an error; an empty, HTML or binary body is `not-a-list`.
 */
export async function downloadList(request: DownloadRequest): Promise<DownloadResult> {
  const { maxBytes = DEFAULT_MAX_BYTES, timeoutMs = DEFAULT_TIMEOUT_MS, fetchImpl = fetch } = request;
  const first = checkListUrl(request.url);
  if (!(first instanceof URL)) return first;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return await follow(first, request, { maxBytes, timeoutMs, fetchImpl, signal });
  } catch (err) {
    if (signal.aborted) return fail('timeout', `no complete answer within ${timeoutMs} ms`);
    return fail('network', describeNetworkError(err));
  }
}

interface Ctx {
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly fetchImpl: typeof fetch;
  readonly signal: AbortSignal;
}

async function follow(start: URL, request: DownloadRequest, ctx: Ctx): Promise<DownloadResult> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const response = await ctx.fetchImpl(url, { headers: conditionalHeaders(request), redirect: 'manual', signal: ctx.signal });
    if (!isRedirect(response.status)) return readResponse(response, url, ctx);
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) return fail('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`);
    const location = response.headers.get('location');
    if (location === null) return fail('http-status', `HTTP ${response.status} without a Location`, response.status);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return fail('bad-url', 'redirected to an invalid URL');
    }
    const checked = checkListUrl(next);
    if (!(checked instanceof URL)) return { ...checked, message: `redirect refused: ${checked.message}` };
    url = checked;
  }
}

function conditionalHeaders(request: DownloadRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: 'text/plain, */*;q=0.5', 'user-agent': 'vigie (family DNS filter)' };
  if (request.etag) headers['if-none-match'] = request.etag;
  if (request.lastModified) headers['if-modified-since'] = request.lastModified;
  return headers;
}

const isRedirect = (status: number) => status === 301 || status === 302 || status === 303 || status === 307 || status === 308;

async function readResponse(response: Response, url: URL, ctx: Ctx): Promise<DownloadResult> {
  if (response.status === 304) {
    await response.body?.cancel().catch(() => undefined);
    return { status: 'not-modified' };
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel().catch(() => undefined);
    return fail('http-status', `the server answered HTTP ${response.status}`, response.status);
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > ctx.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return fail('too-large', `the list is ${declared} bytes, above the ${ctx.maxBytes}-byte limit`);
  }
  const body = await readCapped(response, ctx.maxBytes);
  if (body === null) return fail('too-large', `the list is larger than the ${ctx.maxBytes}-byte limit`);
  const problem = checkListBody(body);
  if (problem !== null) return fail('not-a-list', problem);
  return { status: 'ok', body, etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified'), url: url.href };
}

/** Reads the body, giving up (and cancelling the stream) once it passes `maxBytes`; null then. */
async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array | null> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return `network error (${cause.code})`;
  return `network error (${err instanceof Error ? err.message : String(err)})`;
}
