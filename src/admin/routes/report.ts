/**
 * The weekly report: GET /report (page: week picker, whole home or one device, SVG charts) and
 * GET /api/report (the same week as JSON or CSV, as a download). Reports are built in a worker
 * thread (src/report/generate-report.ts) from logs.db and config.db opened read-only, so the DNS
 * event loop never waits for the aggregation; one runner per app, closed with it. Read-only:
 * nothing here writes.
 */
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { createReportRunner, type ReportRunner } from '../../report/generate-report.js';
import { renderCsvReport } from '../../report/render-csv.js';
import { renderReportHtml } from '../../report/render-html.js';
import { renderJsonReport } from '../../report/render-json.js';
import { previousWeek, resolveWeek, weekContaining, type ReportWeek } from '../../report/week.js';
import type { WeeklyReport } from '../../report/weekly-report.js';
import { CONFIG_DB_FILE } from '../../store/config-database.js';
import type { AdminContext } from '../context.js';
import { reportMessages } from '../messages/report.js';
import { translator } from '../page/i18n.js';
import { sendPage } from '../page/send-page.js';
import { renderReportPage, reportHref } from '../views/report.js';

/** The log database's file name in the data directory (as main.ts opens it). */
const LOGS_DB_FILE = 'logs.db';
const weekText = z.string().trim().max(20);

/** Query of the page: the week (`2026-W48`, `this`, `last`; default this week) and a device id. */
export const reportPageQuerySchema = z.object({
  week: weekText.optional(),
  device: z.string().max(200).optional(),
});

/** Query of the export. */
export const reportExportQuerySchema = z.strictObject({
  week: weekText.optional().describe('2026-W48, this or last (default: this week, in progress)'),
  format: z.enum(['json', 'csv']).default('json'),
  lang: z.enum(['en', 'fr']).optional().describe('language of the CSV header and category titles (default: the page language)'),
});

/** Builds a report of `week` over the context's files. */
function generate(runner: ReportRunner, ctx: AdminContext, week: ReportWeek): Promise<WeeklyReport> {
  return runner.generate({
    logsFile: join(ctx.config.dataDir, LOGS_DB_FILE),
    configFile: join(ctx.config.dataDir, CONFIG_DB_FILE),
    listsDir: ctx.config.listsDir,
    timeZone: ctx.config.tz,
    week: week.id,
    now: ctx.clock(),
  });
}

/** The week asked for. @throws AppError('VALIDATION') when it does not parse or exist. */
function weekOf(ctx: AdminContext, text: string | undefined): ReportWeek {
  try {
    return resolveWeek(text === undefined || text === '' ? 'this' : text, ctx.clock(), ctx.config.tz);
  } catch (err) {
    if (err instanceof RangeError) throw new AppError('VALIDATION', err.message, { cause: err });
    throw err;
  }
}

/** Pages and API of the weekly report. */
export const reportRoutes: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  const runner = createReportRunner();
  app.addHook('onClose', async () => {
    await runner.close();
  });

  app.get('/report', async (request: FastifyRequest, reply: FastifyReply) => {
    const t = translator(reportMessages, request.lang);
    const query = reportPageQuerySchema.safeParse(request.query);
    const typed = query.success ? query.data : {};
    const device = typed.device === undefined || typed.device === '' ? null : typed.device;
    const current = weekContaining(ctx.clock(), ctx.config.tz);
    const base = { lang: request.lang, currentWeek: current.id, device };
    let week: ReportWeek;
    try {
      week = weekOf(ctx, typed.week);
    } catch (err) {
      const message = t('week.invalid', { message: err instanceof Error ? err.message : String(err) });
      const body = renderReportPage({ ...base, week: typed.week ?? '', previousWeek: null, nextWeek: null, devices: [], body: null, error: message });
      return sendPage(request, reply, { title: t('title'), active: 'report', body, status: 400 });
    }
    const nav = { week: week.id, previousWeek: previousWeek(week, ctx.config.tz).id, nextWeek: week.end <= ctx.clock() ? weekContaining(week.end, ctx.config.tz).id : null };
    let report: WeeklyReport;
    try {
      report = await generate(runner, ctx, week);
    } catch (err) {
      ctx.logger.error({ err }, 'the weekly report could not be built');
      const body = renderReportPage({ ...base, ...nav, devices: [], body: null, error: t('error.failed') });
      return sendPage(request, reply, { title: t('title'), active: 'report', body, status: 500 });
    }
    const body = renderReportHtml(report, { lang: request.lang, device, deviceHref: (id) => reportHref(week.id, id) });
    const devices = report.devices.map((d) => ({ id: d.id, label: d.label }));
    return sendPage(request, reply, { title: t('title'), active: 'report', body: renderReportPage({ ...base, ...nav, devices, body, error: null }) });
  });

  app.get('/api/report', {
    config: {
      doc: {
        summary: 'The weekly report of one week (Monday to Sunday, VIGIE_TZ) as a download: JSON (stable key order) or CSV (one row per device, category and day)',
        query: reportExportQuerySchema,
        returns: 'the report file (application/json or text/csv) with content-disposition: attachment; filename="vigie-report-2026-W48.json|csv"; 400 for a week that does not exist',
      },
    },
  }, async (request, reply) => {
    const query = reportExportQuerySchema.parse(request.query);
    const week = weekOf(ctx, query.week);
    const report = await generate(runner, ctx, week);
    const file = `vigie-report-${week.id}.${query.format}`;
    reply.header('content-disposition', `attachment; filename="${file}"`);
    if (query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(renderCsvReport(report, query.lang ?? request.lang));
    return reply.type('application/json; charset=utf-8').send(renderJsonReport(report));
  });
};
