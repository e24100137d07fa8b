/**
 * The weekly report built in a worker thread, so that the DNS event loop never waits for the
 * aggregation (DESIGN §3: heavy work off the query path). The worker opens logs.db and config.db
 * read-only by path and returns plain JSON. A runner keeps its worker for a while after a report
 * (the admin page asks for several in a row): a fresh worker costs ~0.1-0.2 s of start-up and
 * runs the aggregation cold.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildReportFromFiles, type ReportFilesOptions } from './report-from-files.js';
import type { ReportWorkerReply, ReportWorkerRequest } from './report-worker.js';
import type { WeeklyReport } from './weekly-report.js';

export type { ReportFilesOptions } from './report-from-files.js';

/** Options of {@link createReportRunner}. */
export interface ReportRunnerOptions {
  /** The idle worker is ended after this. Default 60 s; 0 ends it as soon as no report is pending. */
  readonly idleMs?: number;
  /** A report taking longer ends the worker and rejects. Default 60 s. */
  readonly timeoutMs?: number;
}

/** Builds reports in one reusable worker thread, one at a time. */
export interface ReportRunner {
  /** Rejects with a RangeError for a week that does not exist, an Error when the report fails, the worker dies or times out. */
  generate(opts: ReportFilesOptions): Promise<WeeklyReport>;
  /** Ends the worker; pending reports reject. */
  close(): Promise<void>;
}

/**
 * The worker script. From dist/ it sits next to this file; under vitest this module runs from
 * src/*.ts and the worker runs the compiled copy in dist/ (tests/global-setup.ts builds it first),
 * as list-compiler.ts does.
 */
function workerUrl(): URL {
  const here = new URL('./report-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../dist/report/report-worker.js', import.meta.url);
}

interface Pending {
  resolve(report: WeeklyReport): void;
  reject(err: Error): void;
  readonly timer: NodeJS.Timeout;
}

/** Creates a runner; its worker starts with the first report. */
export function createReportRunner(options: ReportRunnerOptions = {}): ReportRunner {
  const { idleMs = 60_000, timeoutMs = 60_000 } = options;
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 1;

  const failAll = (err: Error): void => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  };
  const end = (w: Worker | null, err: Error): Promise<void> => {
    if (w === worker) worker = null;
    failAll(err);
    return w === null ? Promise.resolve() : w.terminate().then(() => undefined);
  };
  const whenIdle = (): void => {
    if (pending.size > 0 || worker === null) return;
    worker.unref(); // an idle worker never keeps the process alive
    if (idleMs <= 0) void end(worker, new Error('report runner closed'));
    else idle = setTimeout(() => void end(worker, new Error('report runner closed')), idleMs).unref();
  };
  const start = (): Worker => {
    // A larger young generation: the scan makes ~80,000 short-lived rows per week; with the default
    // (growing from 1 MB) scavenges cost ~100 ms more per report (measured, bench/report.mjs).
    const w = new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
    w.on('message', (msg: ReportWorkerReply) => {
      const p = pending.get(msg.id);
      if (p === undefined) return;
      pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.report);
      else p.reject(msg.name === 'RangeError' ? new RangeError(msg.message) : new Error(`report failed: ${msg.message}`));
      whenIdle();
    });
    w.once('error', (err) => void end(w, new Error('report worker failed', { cause: err })));
    w.once('exit', (code) => void end(w, new Error(`report worker exited with code ${code}`)));
    return w;
  };

  return {
    generate(opts) {
      clearTimeout(idle);
      worker ??= start();
      const w = worker;
      w.ref();
      const id = nextId++;
      return new Promise<WeeklyReport>((resolve, reject) => {
        const timer = setTimeout(() => void end(w, new Error(`report took more than ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        pending.set(id, { resolve, reject, timer });
        w.postMessage({ id, opts } satisfies ReportWorkerRequest);
      });
    },
    close() {
      clearTimeout(idle);
      return end(worker, new Error('report runner closed'));
    },
  };
}

/** Options of {@link generateWeeklyReport}. */
export interface GenerateReportOptions extends ReportFilesOptions {
  /** The worker is ended past this. Default 60 s. */
  readonly timeoutMs?: number;
}

/** Builds one report in a fresh worker thread, ended afterwards (see {@link createReportRunner}). */
export async function generateWeeklyReport(opts: GenerateReportOptions): Promise<WeeklyReport> {
  const { timeoutMs, ...files } = opts;
  const runner = createReportRunner({ idleMs: 0, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  try {
    return await runner.generate(files);
  } finally {
    await runner.close();
  }
}

/** The same report built in the calling thread (the CLI, tests). Blocks for the aggregation's time. */
export function generateWeeklyReportInThread(opts: ReportFilesOptions): WeeklyReport {
  return buildReportFromFiles(opts);
}
