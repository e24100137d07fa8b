/**
 * Attack: `vigie sync` must never change the secondary's admin password. A primary whose backup
 * carries a password hash (an older Vigie, a hand-made document, or anyone answering on the
 * primary's address on a plain-HTTP Wi-Fi) would otherwise hand the secondary's admin page to
 * whoever chose that password. The secondary keeps its own password; the rest of the
 * configuration is applied as usual.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAdminStore } from '../../src/admin/auth/admin-store.js';
import { hashPassword } from '../../src/admin/auth/password.js';
import { exportBackup } from '../../src/backup/export-backup.js';
import { syncFromPrimary } from '../../src/backup/sync-from-primary.js';
import { createCustomRulesStore } from '../../src/blocklists/custom-rules.js';
import { FAST_SCRYPT } from '../admin/auth-test-app.js';
import { fillConfig, freshConfig } from './fill-config.js';

const primary = freshConfig('vigie-hostile-primary-');
const secondary = freshConfig('vigie-secondary-');
let server: Server;
let url: string;

beforeAll(async () => {
  fillConfig(primary.db);
  createAdminStore({ db: primary.db, clock: Date.now, scrypt: FAST_SCRYPT }).setPasswordHash(await hashPassword('the primary password', FAST_SCRYPT));
  createAdminStore({ db: secondary.db, clock: Date.now, scrypt: FAST_SCRYPT }).setPasswordHash(await hashPassword('secondary password', FAST_SCRYPT));
  // Serves the primary's backup WITH its password hash, whatever the request asked for.
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(exportBackup(primary.db, { includePassword: true })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  primary.db.close();
  secondary.db.close();
});

it('keeps the secondary password when the primary sends its password hash', async () => {
  const sent = exportBackup(primary.db, { includePassword: true });
  expect(sent.data.adminPasswordHash).toMatch(/^scrypt\$/); // the document really carries one

  const result = await syncFromPrimary({ db: secondary.db, dataDir: secondary.dir, from: url, token: 'vigie_token' });
  expect(result.changed).toBe(true);
  expect(result.summary?.password).toBe(false);
  const own = createAdminStore({ db: secondary.db, clock: Date.now, scrypt: FAST_SCRYPT });
  expect(await own.checkPassword('secondary password')).toBe(true);
  expect(await own.checkPassword('the primary password')).toBe(false);

  // A later round with a real change still leaves the password alone.
  createCustomRulesStore({ db: primary.db }).add({ name: 'omegle.example', kind: 'block', subdomains: true });
  expect((await syncFromPrimary({ db: secondary.db, dataDir: secondary.dir, from: url, token: 'vigie_token' })).summary?.password).toBe(false);
  expect(await own.checkPassword('secondary password')).toBe(true);
});
