/**
 * Static files of public/ served at /assets/<name>: read once at startup into memory, so the set
 * of names is an allowlist (a request names a key of a Map, never a path on disk: no traversal is
 * possible). Content type by extension, ETag, an hour of caching.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';

/** public/ next to src/ and dist/ (this file is src/admin/assets.ts or dist/admin/assets.js). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  webp: 'image/webp',
  woff2: 'font/woff2',
  json: 'application/json; charset=utf-8',
  webmanifest: 'application/manifest+json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

/** One file ready to send. */
export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Reads every regular file of `dir` with a known extension and a plain name. */
export function loadAssets(dir: string = PUBLIC_DIR): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return assets; // no public/ (e.g. a partial install): pages still work, unstyled
  }
  for (const name of names) {
    const type = TYPES[name.split('.').pop() ?? ''];
    if (type === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) continue;
    const file = join(dir, name);
    if (!statSync(file).isFile()) continue;
    const body = readFileSync(file);
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

/** GET /assets/:name (public). */
export const assetRoutes: FastifyPluginAsync<{ assets: ReadonlyMap<string, Asset> }> = async (app, opts) => {
  app.get<{ Params: { name: string } }>('/assets/:name', { config: { public: true } }, async (request, reply) => {
    const asset = opts.assets.get(request.params.name);
    if (asset === undefined) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('not found');
    reply.header('cache-control', 'public, max-age=3600').header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.header('content-type', asset.type).send(asset.body);
  });
};
