import { afterEach, beforeEach, expect, it } from 'vitest';
import { overviewRoutes } from '../../src/admin/routes/overview.js';
import { recordEmailSend } from '../../src/notify/email-settings.js';
import { createAdminHarness, type AdminHarness } from './harness.js';

let h: AdminHarness;
beforeEach(async () => {
  h = await createAdminHarness([overviewRoutes]);
});
afterEach(async () => {
  await h.close();
});

it('shows a failed weekly email on the overview, escaped, with a link to fix it', async () => {
  expect((await h.inject({ method: 'GET', url: '/' })).body).not.toContain('role="alert"');
  recordEmailSend(h.db, { at: h.now, ok: false, error: '535 <b>auth</b> failed', week: '2026-W48' });
  const page = (await h.inject({ method: 'GET', url: '/', lang: 'fr' })).body;
  expect(page).toContain('Le dernier e-mail de la semaine a échoué');
  expect(page).toContain('535 &lt;b&gt;auth&lt;/b&gt; failed');
  expect(page).not.toContain('<b>auth</b>');
  expect(page).toContain('href="/settings/email"');
  recordEmailSend(h.db, { at: h.now + 1, ok: true, error: null, week: '2026-W48' });
  expect((await h.inject({ method: 'GET', url: '/' })).body).not.toContain('role="alert"');
});
