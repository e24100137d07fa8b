import { existsSync, renameSync } from 'node:fs';

/** The files SQLite may keep next to a database; they travel with it so the copy stays readable. */
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/**
 * Moves a database file (and its `-wal`, `-shm`, `-journal` companions) aside to
 * `<file>.corrupt-<timestamp>` so a fresh database can be created at `file`. Nothing is deleted:
 * the copy is the evidence (and may still be partly readable with the sqlite3 shell's `.recover`).
 * If the name is taken, `-1`, `-2`, … is appended.
 * @returns the path the main file was moved to.
 */
export function quarantineDatabaseFile(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const base = `${file}.corrupt-${stamp}`;
  let aside = base;
  for (let n = 1; SIDE_FILES.some((s) => existsSync(aside + s)) || existsSync(aside); n += 1) {
    aside = `${base}-${n}`;
  }
  renameSync(file, aside);
  for (const suffix of SIDE_FILES) {
    // The WAL may hold the latest committed pages: keep it paired with its database.
    if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  }
  return aside;
}
