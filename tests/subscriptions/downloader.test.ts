import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkListBody } from '../../src/blocklists/check-list-body.js';
import { downloadList } from '../../src/blocklists/subscriptions/downloader.js';
import { sendList, startListServer, type ListServer } from './list-server.js';

let server: ListServer;
beforeEach(async () => {
  server = await startListServer();
});
afterEach(async () => {
  await server.close();
});

const LIST = '# test list\ncoco.gg\nomegle.example\n';
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('downloadList: conditional requests', () => {
  it('200 with an ETag, then 304 when If-None-Match matches', async () => {
    server.handle((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      sendList(res, LIST, { etag: '"v1"' });
    });
    const first = await downloadList({ url: server.url('/list.txt') });
    expect(first).toMatchObject({ status: 'ok', etag: '"v1"', lastModified: null });
    expect(first.status === 'ok' && text(first.body)).toBe(LIST);
    expect(server.requests[0]!.headers['if-none-match']).toBeUndefined();
    const second = await downloadList({ url: server.url('/list.txt'), etag: '"v1"' });
    expect(second).toEqual({ status: 'not-modified' });
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
  });

  it('200 with Last-Modified, then 304 when If-Modified-Since matches', async () => {
    const lm = 'Wed, 21 Oct 2026 07:28:00 GMT';
    server.handle((req, res) => {
      if (req.headers['if-modified-since'] === lm) return void res.writeHead(304).end();
      sendList(res, LIST, { 'last-modified': lm });
    });
    const first = await downloadList({ url: server.url('/l') });
    expect(first).toMatchObject({ status: 'ok', etag: null, lastModified: lm });
    expect(await downloadList({ url: server.url('/l'), lastModified: lm })).toEqual({ status: 'not-modified' });
    expect(server.requests[1]!.headers['if-modified-since']).toBe(lm);
  });
});

describe('downloadList: rejected answers', () => {
  it('rejects a 200 HTML page', async () => {
    server.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Oops</title></head><body>Not found</body></html>');
    });
    expect(await downloadList({ url: server.url('/l') })).toMatchObject({ status: 'error', reason: 'not-a-list' });
  });

  it.each([
    [500, 'http-status'],
    [404, 'http-status'],
    [403, 'http-status'],
  ])('HTTP %i is an error', async (code, reason) => {
    server.handle((_q, res) => res.writeHead(code).end('a.example\n'));
    expect(await downloadList({ url: server.url('/l') })).toMatchObject({ status: 'error', reason, httpStatus: code });
  });

  it('cuts a streamed body (no Content-Length) once it passes maxBytes', async () => {
    let written = 0;
    server.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }); // chunked: no Content-Length
      const timer = setInterval(() => {
        if (res.destroyed || written > 1_000_000) return void (clearInterval(timer), res.end());
        written += 1000;
        res.write(`${'a'.repeat(990)}.example\n`);
      }, 1);
    });
    const result = await downloadList({ url: server.url('/big'), maxBytes: 10_000 });
    expect(result).toMatchObject({ status: 'error', reason: 'too-large' });
    expect(written).toBeLessThan(1_000_000);
  });

  it('refuses a Content-Length above maxBytes before reading the body', async () => {
    server.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '50000000' });
      res.write('a.example\n'); // and never finishes: we must not wait for the rest
    });
    const started = Date.now();
    expect(await downloadList({ url: server.url('/big'), maxBytes: 1000, timeoutMs: 5000 })).toMatchObject({ status: 'error', reason: 'too-large' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out when the server never answers', async () => {
    server.handle(() => undefined);
    const started = Date.now();
    expect(await downloadList({ url: server.url('/slow'), timeoutMs: 200 })).toMatchObject({ status: 'error', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out when the body stalls half way', async () => {
    server.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a.example\n');
    });
    expect(await downloadList({ url: server.url('/stall'), timeoutMs: 300 })).toMatchObject({ status: 'error', reason: 'timeout' });
  });

  it('reports a refused connection as a network error', async () => {
    const url = server.url('/l');
    await server.close();
    expect(await downloadList({ url })).toMatchObject({ status: 'error', reason: 'network' });
    server = await startListServer();
  });
});

describe('downloadList: URL checks', () => {
  it.each([
    ['file:///etc/shadow', 'bad-scheme'],
    ['ftp://127.0.0.1/list.txt', 'bad-scheme'],
    ['gopher://127.0.0.1:70/1', 'bad-scheme'],
    ['data:text/plain,coco.gg', 'bad-scheme'],
    ['javascript:alert(1)', 'bad-scheme'],
    ['ws://127.0.0.1/', 'bad-scheme'],
    ['not a url', 'bad-url'],
    ['/relative/list.txt', 'bad-url'],
    ['http://user:pass@127.0.0.1/list.txt', 'credentials'],
  ])('%s is refused without any I/O', async (url, reason) => {
    const fetchImpl = vi.fn<typeof fetch>();
    expect(await downloadList({ url, fetchImpl })).toMatchObject({ status: 'error', reason });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('follows a relative redirect and re-checks it', async () => {
    server.handle((req, res) => {
      if (req.url === '/old') return void res.writeHead(301, { location: '/new' }).end();
      sendList(res, LIST);
    });
    const result = await downloadList({ url: server.url('/old') });
    expect(result).toMatchObject({ status: 'ok', url: server.url('/new') });
    expect(server.requests.map((r) => r.path)).toEqual(['/old', '/new']);
  });

  it.each(['file:///etc/passwd', 'gopher://127.0.0.1/', 'http://u:p@127.0.0.1/x'])('refuses a redirect to %s', async (location) => {
    server.handle((_q, res) => res.writeHead(302, { location }).end());
    const result = await downloadList({ url: server.url('/l') });
    expect(result.status).toBe('error');
    expect(['bad-scheme', 'credentials']).toContain(result.status === 'error' ? result.reason : '');
    expect(server.requests).toHaveLength(1);
  });

  it('gives up after 5 redirects', async () => {
    server.handle((req, res) => res.writeHead(302, { location: `${req.url}x` }).end());
    expect(await downloadList({ url: server.url('/r') })).toMatchObject({ status: 'error', reason: 'too-many-redirects' });
    expect(server.requests).toHaveLength(6);
  });
});

describe('checkListBody', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['', 'empty'],
    [' \n\r\n\t', 'empty|no rule'],
    ['<!DOCTYPE html><p>hi', 'HTML'],
    ['\uFEFF  <HTML lang="en">', 'HTML'],
    [`# comment\n${'x'.repeat(200)}\n<HEAD>\n`, 'HTML'],
    ['a.example\n<body class="x">', 'HTML'],
    ['a.example\0b.example', 'binary'],
  ])('%j is rejected (%s)', (body, kind) => {
    expect(checkListBody(enc(body))).toMatch(new RegExp(kind, 'i'));
  });
  it.each(['coco.gg\n', '0.0.0.0 coco.gg\n# <html> in a comment after the first KB\n', '||coco.gg^\n'])('%j is accepted', (body) => {
    expect(checkListBody(enc(body))).toBeNull();
  });
  it('looks for <head>/<body> only in the first KB', () => {
    expect(checkListBody(enc(`${'a.example\n'.repeat(200)}<body>`))).toBeNull();
  });
});
