/**
 * Worker thread of the report runner (generate-report.ts): builds each report it is asked for,
 * one at a time, and posts it back (structured clone of plain data). It lives until the runner
 * terminates it.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { buildReportFromFiles, type ReportFilesOptions } from './report-from-files.js';
import type { WeeklyReport } from './weekly-report.js';

/**
 * Nice value of this thread: on a busy machine the DNS thread gets the CPU first. Linux keeps a
 * nice value per thread, so `setPriority(pid 0)` here lowers this worker only; elsewhere it would
 * lower the whole process (the DNS server with it), hence Linux only.
 */
const WORKER_NICE = 10;
if (process.platform === 'linux') {
  try {
    setPriority(WORKER_NICE);
  } catch {
    // not allowed (a sandbox): the report only runs at normal priority
  }
}

/** What the runner posts to the worker. */
export interface ReportWorkerRequest {
  readonly id: number;
  readonly opts: ReportFilesOptions;
}

/** What the worker posts back. */
export type ReportWorkerReply =
  | { readonly id: number; readonly ok: true; readonly report: WeeklyReport }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };

parentPort?.on('message', ({ id, opts }: ReportWorkerRequest) => {
  let reply: ReportWorkerReply;
  try {
    reply = { id, ok: true, report: buildReportFromFiles(opts) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id, ok: false, name: e.name, message: e.message };
  }
  parentPort?.postMessage(reply);
});
