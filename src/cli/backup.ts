/**
 * `vigie backup FILE` and `vigie restore FILE`: the parents' configuration (settings, profiles,
 * schedules, devices, custom rules, subscriptions) to and from a JSON file (src/backup/). A
 * restore is validated first and applied in one transaction; it touches the lists stamp, so a
 * running `vigie serve` reloads and its refresher downloads the subscriptions again.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupInvalidError, MAX_BACKUP_BYTES, parseBackupText, type BackupDocument } from '../backup/backup-format.js';
import { exportBackup } from '../backup/export-backup.js';
import { importBackup, type ImportSummary } from '../backup/import-backup.js';
import { touchListsChanged } from '../blocklists/subscriptions/list-files.js';
import { loadConfig } from '../config.js';
import { isAppError } from '../errors.js';
import { CONFIG_DB_FILE, openConfigDatabase } from '../store/config-database.js';

const BACKUP_USAGE = `Usage:
  vigie backup FILE [--with-password]   write the configuration to FILE (JSON, readable by you only);
                                        '-' writes to standard output. The admin password hash is
                                        left out unless --with-password
`;

const RESTORE_USAGE = `Usage:
  vigie restore FILE [--dry-run]        replace the configuration with FILE's (a 'vigie backup' file;
                                        '-' reads standard input); --dry-run only says what would change
`;

/** Where a command writes and which environment it reads (tests give their own). */
export interface CliIo {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

const stdio = (io: CliIo) => ({
  out: io.out ?? ((t: string) => void process.stdout.write(t)),
  err: io.err ?? ((t: string) => void process.stderr.write(t)),
  env: io.env ?? process.env,
});

/** Writes `text` to `file` atomically with mode 0600 (temp file, fsync, rename). */
export function writePrivateFileAtomically(file: string, text: string): void {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, Buffer.from(text, 'utf8'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** One line per table: "profiles        1 added, 2 updated, 0 removed". */
export function formatImportSummary(s: ImportSummary): string[] {
  const rows: Array<[string, ImportSummary['profiles']]> = [
    ['profiles', s.profiles], ['profile rules', s.profileRules], ['schedules', s.schedules], ['devices', s.devices],
    ['custom rules', s.customRules], ['subscriptions', s.subscriptions],
  ];
  return [
    ...rows.map(([name, c]) => `  ${name.padEnd(15)} ${c.added} added, ${c.updated} updated, ${c.removed} removed`),
    `  ${'settings'.padEnd(15)} ${s.settings} changed`,
    `  ${'admin password'.padEnd(15)} ${s.password ? 'replaced' : 'unchanged'}`,
  ];
}

function describe(doc: BackupDocument): string {
  const d = doc.data;
  return `${d.profiles.length} profiles, ${d.schedules.length} schedules, ${d.devices.length} devices, ${d.customRules.length} custom rules, ${d.subscriptions.length} subscriptions`;
}

/** Entry point of `vigie backup FILE [--with-password]`. */
export async function runBackup(args: string[], io: CliIo = {}): Promise<number> {
  const { out, err, env } = stdio(io);
  const { values, positionals } = parseArgs({ args, options: { 'with-password': { type: 'boolean', default: false } }, allowPositionals: true, strict: false });
  const [file, ...extra] = positionals;
  if (file === undefined || file === 'help' || extra.length > 0 || Object.keys(values).some((k) => k !== 'with-password')) {
    err(BACKUP_USAGE);
    return file === 'help' ? 0 : 2;
  }
  const config = loadConfig({ env });
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const doc = exportBackup(db, { includePassword: values['with-password'] === true });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (file === '-') {
      out(text);
      return 0;
    }
    writePrivateFileAtomically(file, text);
    out(`backup written to ${file}: ${describe(doc)}; admin password ${doc.data.adminPasswordHash ? 'included (keep this file private)' : 'not included'}\n`);
    return 0;
  } finally {
    db.close();
  }
}

function readBackupFile(file: string): string {
  if (file === '-') return readFileSync(0, 'utf8');
  // Refuse a huge file before reading it into memory.
  if (statSync(file).size > MAX_BACKUP_BYTES) throw new BackupInvalidError(`the file is larger than ${MAX_BACKUP_BYTES / 1024 / 1024} MiB: not a Vigie backup`);
  return readFileSync(file, 'utf8');
}

/** Entry point of `vigie restore FILE [--dry-run]`. */
export async function runRestore(args: string[], io: CliIo = {}): Promise<number> {
  const { out, err, env } = stdio(io);
  const { values, positionals } = parseArgs({ args, options: { 'dry-run': { type: 'boolean', default: false } }, allowPositionals: true, strict: false });
  const [file, ...extra] = positionals;
  if (file === undefined || file === 'help' || extra.length > 0 || Object.keys(values).some((k) => k !== 'dry-run')) {
    err(RESTORE_USAGE);
    return file === 'help' ? 0 : 2;
  }
  let doc: BackupDocument;
  try {
    doc = parseBackupText(readBackupFile(file));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      err(`vigie restore: cannot read ${file}: ${(e as Error).message}\n`);
      return 1;
    }
    if (!isAppError(e, 'VALIDATION')) throw e;
    err(`vigie restore: ${file}: ${e.message}\n`);
    return 2;
  }
  const config = loadConfig({ env });
  const db = openConfigDatabase({ file: join(config.dataDir, CONFIG_DB_FILE) });
  try {
    const dryRun = values['dry-run'] === true;
    const summary = importBackup(db, doc, { dryRun });
    if (summary.changed && !dryRun) touchListsChanged(config.dataDir);
    const head = dryRun ? 'would change' : summary.changed ? 'restored' : 'already up to date, nothing changed';
    out(`${head} (backup of ${doc.createdAt}, Vigie ${doc.vigie}):\n${formatImportSummary(summary).join('\n')}\n`);
    if (summary.changed && !dryRun) out('a running `vigie serve` applies it within a few seconds and downloads the subscriptions again\n');
    return 0;
  } finally {
    db.close();
  }
}
