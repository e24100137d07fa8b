import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { recordingLogger, useTempDir } from './temp-dir.js';

const WRITER = fileURLToPath(new URL('../fixtures/store-crash-writer.mjs', import.meta.url));
const ROUNDS = 10;

/** Runs the writer, SIGKILLs it `afterMs` after its first commit; resolves with the last count it reported. */
function killMidWrite(file: string, afterMs: number): Promise<{ start: number; committed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let armed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!armed && out.includes('committed ')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(guard);
      // Only complete lines count: a line cut by the kill is ignored.
      const lines = out.split('\n').slice(0, -1);
      const start = Number(lines.find((l) => l.startsWith('start '))?.slice(6) ?? Number.NaN);
      const last = lines.filter((l) => l.startsWith('committed ')).at(-1);
      if (signal !== 'SIGKILL' || last === undefined) {
        reject(new Error(`writer ended with ${signal ?? 'no signal'} before committing: ${stderr}`));
        return;
      }
      resolve({ start, committed: Number(last.slice('committed '.length)) });
    });
  });
}

describe('kill -9 during writes', () => {
  const dir = useTempDir('vigie-crash-');

  it(`never corrupts the log and keeps every reported commit (${ROUNDS} rounds)`, async () => {
    const file = join(dir(), 'logs.db');
    openDatabase({ file }).close();
    let previous = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const { start, committed } = await killMidWrite(file, 5 + ((round * 37) % 60));
      expect(start).toBeGreaterThanOrEqual(previous); // nothing committed earlier was lost
      const logger = recordingLogger();
      const db = openDatabase({ file, logger }); // quick_check + migrations on the crashed file
      try {
        expect(logger.lines.filter((l) => l.level !== 'info')).toEqual([]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = db.prepare('SELECT count(*) FROM blocked_attempts').pluck().get() as number;
        expect(rows).toBeGreaterThanOrEqual(committed);
        expect(rows % 200).toBe(0); // whole batches only: no half-committed transaction
        previous = rows;
      } finally {
        db.close();
      }
    }
    expect(previous).toBeGreaterThan(ROUNDS * 200);
    expect(readdirSync(dir()).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});
