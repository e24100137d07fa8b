/**
 * docs/api.md is generated from the routes' `config.doc` and must stay in step with them.
 * Regenerate after changing a route: UPDATE_API_DOCS=1 npx vitest run tests/admin/api-docs.test.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyPluginAsync, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, renderApiDocs, type RouteForDocs } from '../../src/admin/api-docs.js';
import { ADMIN_ROUTES } from '../../src/admin/admin-routes.js';
import type { AdminContext } from '../../src/admin/context.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

/**
 * EVERY area plugin of the admin app. Adding an area: import its plugin here, then regenerate
 * docs/api.md (the last test below fails while one is missing).
 */
/** The server's own list: what vigie serve registers is what gets documented. */
const AREA_PLUGINS: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>> = ADMIN_ROUTES;

const DOCS_FILE = join(process.cwd(), 'docs', 'api.md');
const ROUTES_DIR = join(process.cwd(), 'src', 'admin', 'routes');

describe('docs/api.md', () => {
  const routes: RouteForDocs[] = [];
  let h: AdminHarness;
  beforeAll(async () => {
    const collect: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, opts) => {
      app.addHook('onRoute', (route: RouteOptions) => {
        routes.push({ method: route.method, url: route.url, config: route.config as RouteForDocs['config'] });
      });
      for (const plugin of AREA_PLUGINS) await app.register(plugin, opts);
    };
    h = await createAdminHarness([collect]);
  });
  afterAll(async () => {
    await h.close();
  });

  it('every /api/ route documents itself (summary, returns; schemas are zod)', () => {
    const api = apiRoutes(routes);
    expect(api.length).toBeGreaterThan(10);
    const undocumented = api.filter((r) => r.doc === undefined || r.doc.summary.trim() === '' || r.doc.returns.trim() === '').map((r) => `${r.method} ${r.url}`);
    expect(undocumented).toEqual([]);
    for (const r of api) {
      for (const schema of [r.doc?.body, r.doc?.query]) if (schema !== undefined) expect(typeof schema.safeParse).toBe('function');
    }
    expect(api.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      'GET /api/status', 'GET /api/lists', 'POST /api/subscriptions', 'DELETE /api/subscriptions/:id', 'POST /api/subscriptions/:id/refresh',
      'GET /api/rules', 'POST /api/rules', 'DELETE /api/rules', 'GET /api/activity', 'GET /api/settings', 'PATCH /api/settings',
      'GET /api/tokens', 'POST /api/tokens', 'DELETE /api/tokens/:id',
    ]));
  });

  it('renders the intro, each route with its JSON Schemas, and skips pages', () => {
    const md = renderApiDocs(routes);
    expect(md).toContain('Authorization: Bearer <token>');
    expect(md).toContain('`x-csrf-token`');
    expect(md).toContain('"code":"VALIDATION"');
    expect(md).toContain('### `PATCH /api/settings`');
    expect(md).toContain('"retentionDays"');
    expect(md).toContain('### `GET /api/activity`\n\nBlocked attempts');
    expect(md).toContain('**Query** (JSON Schema):');
    expect(md).not.toContain('`GET /activity`');
    expect(md).not.toContain('`HEAD ');
    expect(md.indexOf('### `GET /api/rules`')).toBeLessThan(md.indexOf('### `POST /api/rules`'));
    expect(md.indexOf('### `POST /api/rules`')).toBeLessThan(md.indexOf('### `DELETE /api/rules`'));
  });

  it('docs/api.md is up to date (UPDATE_API_DOCS=1 regenerates it)', () => {
    const md = renderApiDocs(routes);
    if (process.env.UPDATE_API_DOCS === '1') writeFileSync(DOCS_FILE, md);
    expect(readFileSync(DOCS_FILE, 'utf8')).toBe(md);
  });

  it('every area plugin in src/admin/routes/ is in AREA_PLUGINS', async () => {
    const missing: string[] = [];
    for (const file of readdirSync(ROUTES_DIR).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(pathToFileURL(join(ROUTES_DIR, file)).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (/^[a-z]+Routes$/.test(name) && typeof value === 'function' && !AREA_PLUGINS.includes(value as FastifyPluginAsync<{ ctx: AdminContext }>)) missing.push(`${file}: ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
