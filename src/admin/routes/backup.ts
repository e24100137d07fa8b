/**
 * Backup and restore: GET /api/backup (a session or a token; the password hash only for a
 * session that asks), POST /api/restore (a session only: a leaked token must not be able to
 * replace the configuration), and the page /settings/backup (download links, a restore form that
 * posts the pasted text, enhanced by /assets/backup.js to send a chosen file as JSON).
 * The backup format, its validation and the import live in src/backup/.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { backupSchema, MAX_BACKUP_BYTES, parseBackup, parseBackupText } from '../../backup/backup-format.js';
import { exportBackup } from '../../backup/export-backup.js';
import { importBackup, type ImportSummary } from '../../backup/import-backup.js';
import { AppError, isAppError } from '../../errors.js';
import type { AdminContext } from '../context.js';
import { backupMessages } from '../messages/backup.js';
import { html, type SafeHtml } from '../page/html.js';
import { translator, type Translate } from '../page/i18n.js';
import { csrfField, sendPage } from '../page/send-page.js';
import { servedFingerprintOf } from '../tls/request-certificate.js';

const downloadQuery = z.strictObject({ password: z.enum(['0', '1']).optional() });
const restoreQuery = z.strictObject({ dryRun: z.enum(['0', '1']).optional() });
type T = Translate<keyof (typeof backupMessages)['en']>;

function wantsPassword(request: FastifyRequest): boolean {
  const { password } = downloadQuery.parse(request.query);
  if (password !== '1') return false;
  if (request.auth?.kind !== 'session') throw new AppError('FORBIDDEN', 'the password hash is only in a backup downloaded from a logged-in browser session, never with an API token');
  return true;
}

function requireSession(request: FastifyRequest): void {
  if (request.auth?.kind !== 'session') throw new AppError('FORBIDDEN', 'a backup can only be restored from a logged-in browser session, not with an API token');
}

/** Validates and applies a document; reloads the running policy when something changed. */
async function restore(ctx: AdminContext, value: unknown, dryRun = false): Promise<ImportSummary> {
  const summary = importBackup(ctx.db, parseBackup(value), { dryRun });
  if (summary.changed && !dryRun) await ctx.changed();
  return summary;
}

function renderBody(request: FastifyRequest, t: T, opts: { error?: string; typed?: string }): SafeHtml {
  const csrf = csrfField(request);
  const here = `${request.protocol}://${request.headers.host ?? 'IP:PORT'}`;
  const pin = servedFingerprintOf(request); // the certificate this very page came with
  return html`
    <section aria-labelledby="download-title">
      <h2 id="download-title">${t('download.legend')}</h2>
      <p class="muted">${t('download.help')}</p>
      <p class="row"><a class="btn primary" href="/settings/backup/download" download>${t('download.submit')}</a></p>
      <p class="row"><a class="btn" href="/settings/backup/download?password=1" download>${t('download.password')}</a></p>
      <p class="muted">${t('download.password.help')}</p>
    </section>
    <section aria-labelledby="restore-title">
      <h2 id="restore-title">${t('restore.legend')}</h2>
      <p class="muted">${t('restore.help')}</p>
      ${opts.error ? html`<p class="field-error" role="alert">${opts.error}</p>` : ''}
      <form method="post" action="/settings/backup/restore" class="stack" id="restore-form" data-confirm="${t('restore.confirm')}"
        data-too-large="${t('restore.tooLarge')}" data-working="${t('restore.working')}" data-refused="${t('restore.refused', { message: '' })}" data-max-bytes="${MAX_BACKUP_BYTES}">${csrf}
        <div class="field" id="backup-file-field" hidden>
          <label for="backup-file">${t('restore.file')}</label>
          <input id="backup-file" type="file" accept=".json,application/json">
        </div>
        <label for="backup-text">${t('restore.text')}</label>
        <textarea id="backup-text" name="backup" rows="6" spellcheck="false" autocomplete="off"${opts.error ? html` aria-invalid="true"` : ''}>${opts.typed ?? ''}</textarea>
        <p id="restore-status" role="status" aria-live="polite"></p>
        <button type="submit" class="btn danger">${t('restore.submit')}</button>
      </form>
    </section>
    <section aria-labelledby="sync-title">
      <h2 id="sync-title">${t('sync.legend')}</h2>
      <p class="muted">${t('sync.help')}</p>
      <ul class="commands"><li><code>vigie sync --from ${here} --token vigie_…${pin === null ? '' : ` --fingerprint sha256:${pin}`} --every 10m</code></li></ul>
    </section>
    <p><a href="/settings">${t('back')}</a></p>
    <script src="/assets/backup.js" defer></script>`;
}

function page(request: FastifyRequest, reply: FastifyReply, opts: { status?: number; error?: string; typed?: string } = {}): FastifyReply {
  const t = translator(backupMessages, request.lang);
  const restored = (request.query as Record<string, unknown>).restored === '1';
  return sendPage(request, reply, { title: t('title'), active: 'settings', status: opts.status ?? 200, flash: restored && !opts.error ? t('restore.done') : null, body: renderBody(request, t, opts) });
}

/** Pages and API of backup and restore. */
export const backupRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  app.get('/api/backup', {
    config: { doc: { summary: 'The configuration as a backup document (what `vigie backup` writes); `?password=1` adds the admin password hash, for a browser session only (403 with a token)', query: downloadQuery, returns: '{ format: "vigie-backup", version: 1, createdAt, vigie, data: { settings, profiles, profileRules, schedules, devices, customRules, subscriptions, adminPasswordHash? } }' } },
  }, async (request) => exportBackup(ctx.db, { includePassword: wantsPassword(request), clock: ctx.clock }));

  app.post('/api/restore', {
    bodyLimit: MAX_BACKUP_BYTES,
    config: { doc: { summary: 'Replaces the configuration with a backup document, all or nothing (browser session only: 403 with a token); `?dryRun=1` only says what would change', body: backupSchema, query: restoreQuery, returns: '{ summary: { profiles|profileRules|schedules|devices|customRules|subscriptions: { added, updated, removed }, settings, password, changed } }; 400 (nothing changed) for a damaged or invalid document' } },
  }, async (request) => {
    requireSession(request);
    const { dryRun } = restoreQuery.parse(request.query);
    return { summary: await restore(ctx, request.body, dryRun === '1') };
  });

  app.get('/settings/backup', async (request, reply) => page(request, reply));

  app.get('/settings/backup/download', async (request, reply) => {
    const doc = exportBackup(ctx.db, { includePassword: wantsPassword(request), clock: ctx.clock });
    const day = doc.createdAt.slice(0, 10);
    return reply.header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="vigie-backup-${day}${doc.data.adminPasswordHash ? '-with-password' : ''}.json"`)
      .send(`${JSON.stringify(doc, null, 2)}\n`);
  });

  // Form-encoded JSON grows up to 3x; the text itself is capped by parseBackupText.
  app.post('/settings/backup/restore', { bodyLimit: 3 * MAX_BACKUP_BYTES }, async (request, reply) => {
    const t = translator(backupMessages, request.lang);
    if (request.auth?.kind !== 'session') return page(request, reply, { status: 403, error: t('restore.tokenRefused') });
    const field = (request.body as Record<string, unknown> | null)?.backup;
    const text = typeof field === 'string' ? field.trim() : '';
    if (text === '') return page(request, reply, { status: 400, error: t('restore.empty') });
    try {
      await restore(ctx, parseBackupText(text));
      return reply.redirect('/settings/backup?restored=1', 303);
    } catch (err) {
      if (!isAppError(err, 'VALIDATION')) throw err;
      // Kept for correction only when small: a 4 MiB page would help nobody.
      return page(request, reply, { status: 400, error: t('restore.refused', { message: err.message }), typed: text.length <= 64 * 1024 ? text : '' });
    }
  });
};
