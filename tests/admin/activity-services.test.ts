/** The activity page and API name the catalog service beside the blocked name (fixture catalog v2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRoutes } from '../../src/admin/routes/activity.js';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
let lists: FixtureLists;
beforeAll(async () => {
  lists = createFixtureLists();
  h = await createAdminHarness([activityRoutes], { VIGIE_LISTS_DIR: lists.dir });
  const stmt = h.logsDb.prepare('INSERT INTO blocked_attempts (time, client, name, qtype, category, list, rule, device, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  stmt.run(h.now - 60_000, '192.168.1.50', 'api.yellw.co', 'A', 'teen-meetup', 'teen-meetup', 'yellw.co', 'ip:192.168.1.50', 'child');
  stmt.run(h.now - 30_000, '192.168.1.50', 'www.games.example', 'A', 'custom', 'custom', 'games.example', 'ip:192.168.1.50', 'child');
});
afterAll(async () => {
  await h.close();
  lists.close();
});

describe('activity by service', () => {
  it('shows "Yubo" beside yellw.co, and nothing beside a name outside the catalog', async () => {
    const page = await h.inject({ method: 'GET', url: '/activity', lang: 'en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<strong class="service-name">Yubo</strong> api.yellw.co');
    expect(page.body).not.toContain('<strong class="service-name">games');
    const api = await h.inject({ method: 'GET', url: '/api/activity' });
    expect(api.json().rows.map((r: { name: string; service: string | null }) => [r.name, r.service])).toEqual([['www.games.example', null], ['api.yellw.co', 'Yubo']]);
  });
});
