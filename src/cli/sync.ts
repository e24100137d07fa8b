/**
 * `vigie sync --from URL --token T [--fingerprint sha256:…] [--every 10m]`: keeps this (secondary)
 * Vigie's configuration equal to a primary's, so a router can hand out both as DNS servers. Once,
 * or every N minutes until stopped (SIGINT/SIGTERM); a failed round is reported and the next one
 * tries again. How the token is protected on the way: sync-from-primary.ts.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SYNC_TIMEOUT_MS, syncFromPrimary, type SyncResult } from '../backup/sync-from-primary.js';
import { loadConfig } from '../config.js';
import { isAppError } from '../errors.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';
import { formatImportSummary, type CliIo } from './backup.js';

const USAGE = `Usage:
  vigie sync --from URL --token TOKEN [--fingerprint sha256:AB:CD:…] [--every 10m] [--timeout 15s]

Copies the configuration of a primary Vigie (profiles, schedules, devices, custom rules,
subscriptions, settings; never its password) to this one, so a router can hand out both as DNS
servers. URL is the primary's admin address (https://192.168.1.10:8443); TOKEN an API token made
there with 'vigie token create secondary' (or set VIGIE_SYNC_TOKEN instead of --token, which keeps
it out of the process list). Only what changed is written.

  --fingerprint sha256:AB:CD:…
                 the primary's certificate, as 'vigie doctor' prints it there: the token is sent
                 only to the machine showing it (needed for Vigie's own certificate, which no
                 authority signed; VIGIE_SYNC_FINGERPRINT works too)
  --insecure-http
                 allow a plain http:// primary on another machine (only if its HTTPS is off):
                 the token and the whole configuration then cross the network unencrypted
  --every 10m    repeat every 10 minutes (30s to 24h) until stopped. Run it next to this machine's
                 'vigie serve', e.g. as its own systemd unit or compose service with the same
                 VIGIE_DATA_DIR: the server picks each change up within seconds.
  --timeout 15s  time allowed for one download (default ${DEFAULT_SYNC_TIMEOUT_MS / 1000}s)
`;

/** '30s', '10m', '1h' → ms; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,5})(s|m|h)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function report(result: SyncResult, now: number): string {
  const at = new Date(now).toISOString().slice(0, 19).replace('T', ' ');
  if (!result.changed || result.summary === null) return `${at} up to date with the primary\n`;
  return `${at} applied the primary's changes:\n${formatImportSummary(result.summary).join('\n')}\n`;
}

/** Entry point of `vigie sync …`. `io.signal` stops an `--every` loop (tests); else SIGINT/SIGTERM do. */
export async function runSync(args: string[], io: CliIo & { readonly signal?: AbortSignal } = {}): Promise<number> {
  const out = io.out ?? ((t: string) => void process.stdout.write(t));
  const err = io.err ?? ((t: string) => void process.stderr.write(t));
  const env = io.env ?? process.env;
  const options = { from: { type: 'string' }, token: { type: 'string' }, fingerprint: { type: 'string' }, 'insecure-http': { type: 'boolean' }, every: { type: 'string' }, timeout: { type: 'string' } } as const;
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: false });
  const token = typeof values.token === 'string' ? values.token : env.VIGIE_SYNC_TOKEN;
  const fingerprint = typeof values.fingerprint === 'string' ? values.fingerprint : env.VIGIE_SYNC_FINGERPRINT;
  const every = typeof values.every === 'string' ? parseDuration(values.every) : undefined;
  const timeout = typeof values.timeout === 'string' ? parseDuration(values.timeout) : DEFAULT_SYNC_TIMEOUT_MS;
  const unknown = Object.keys(values).filter((k) => !Object.hasOwn(options, k));
  if (positionals[0] === 'help') {
    out(USAGE);
    return 0;
  }
  const problem = positionals.length > 0 || unknown.length > 0 ? 'unexpected arguments'
    : typeof values.from !== 'string' ? '--from URL is required'
    : token === undefined || token === '' ? '--token TOKEN (or VIGIE_SYNC_TOKEN) is required'
    : values.fingerprint === true ? '--fingerprint needs the value vigie doctor prints on the primary (sha256:AB:CD:…)'
    : every === null || (every !== undefined && (every < 30_000 || every > 86_400_000)) ? '--every must be a duration from 30s to 24h, e.g. 10m'
    : timeout === null || timeout < 1000 || timeout > 300_000 ? '--timeout must be a duration from 1s to 5m, e.g. 15s'
    : null;
  if (problem !== null) {
    err(`vigie sync: ${problem}\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig({ env });
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  // Any failure of a round (network, a busy database…) is reported; a loop goes on with the next round.
  const round = async (): Promise<boolean> => {
    try {
      const source = { from: values.from as string, token: token as string, timeoutMs: timeout as number, insecureHttp: values['insecure-http'] === true, ...(fingerprint ? { fingerprint } : {}) };
      out(report(await syncFromPrimary({ db, dataDir: config.dataDir, ...source }), Date.now()));
      return true;
    } catch (e) {
      err(`vigie sync: ${isAppError(e) ? e.message : e instanceof Error ? e.message : String(e)}\n`);
      return false;
    }
  };
  try {
    if (every === undefined || every === null) return (await round()) ? 0 : 1;
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    io.signal?.addEventListener('abort', onSignal);
    if (io.signal === undefined) {
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    }
    try {
      while (!stop.signal.aborted) {
        await round();
        await sleep(every, stop.signal);
      }
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      io.signal?.removeEventListener('abort', onSignal);
    }
  } finally {
    db.close();
  }
}
