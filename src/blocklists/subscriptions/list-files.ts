/**
 * Where subscription copies live on disk (`$dataDir/lists/<id>.txt` + `<id>.json`) and the
 * `.changed` stamp through which the CLI tells a running `vigie serve` to reload its lists.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder of the downloaded copies: `$dataDir/lists`. */
export function subscriptionListsDir(dataDir: string): string {
  return join(dataDir, 'lists');
}

/** The last good copy of subscription `id` (what the server loads at start). */
export function lastGoodListPath(listsDir: string, id: string): string {
  return join(listsDir, `${id}.txt`);
}

/** The small JSON meta written beside the copy (url, category, validators, time, entries, sha256). */
export function listMetaPath(listsDir: string, id: string): string {
  return join(listsDir, `${id}.json`);
}

/** The stamp file a change writes and `vigie serve` watches: `$dataDir/lists/.changed`. */
export function listsChangedStampPath(dataDir: string): string {
  return join(subscriptionListsDir(dataDir), '.changed');
}

/**
 * Writes `data` to `file` atomically: a temp file in the same folder, fsync, rename over the
 * target, fsync the folder. A reader (or a crash) sees the old file or the new one, never half.
 */
export function writeFileAtomically(file: string, data: Uint8Array | string): void {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  syncDir(dir);
}

function syncDir(dir: string): void {
  // Makes the rename itself durable; not supported everywhere (Windows), hence best effort.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** Deletes the copy and meta of `id` (after an unsubscribe). Missing files are fine. */
export function removeListFiles(listsDir: string, id: string): void {
  rmSync(lastGoodListPath(listsDir, id), { force: true });
  rmSync(listMetaPath(listsDir, id), { force: true });
}

/** Writes the current time into the `.changed` stamp (atomically, so each touch is a new inode). */
export function touchListsChanged(dataDir: string, now: number = Date.now()): void {
  writeFileAtomically(listsChangedStampPath(dataDir), `${new Date(now).toISOString()}\n`);
}

/** A running {@link watchListsChanged} poller. */
export interface ListsChangedWatcher {
  stop(): void;
}

/**
 * Polls the `.changed` stamp (fs.stat every `intervalMs`, default 2 s) and calls `onChange` once per
 * new stamp written after the watcher started. Polling rather than fs.watch: it behaves the same on
 * every file system (SD cards, bind mounts, Docker volumes). The timer is unref'ed so it never
 * keeps the process alive; `onChange` is awaited and never overlapped.
 */
export function watchListsChanged(options: {
  dataDir: string;
  intervalMs?: number;
  onChange: () => void | Promise<void>;
  /** Called when `onChange` throws or rejects (default: ignored; the next stamp tries again). */
  onError?: (err: unknown) => void;
}): ListsChangedWatcher {
  const file = listsChangedStampPath(options.dataDir);
  let last: string | undefined;
  let busy = false;
  let stopped = false;
  const signature = async (): Promise<string> => {
    try {
      const st = await stat(file);
      return `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return 'missing';
    }
  };
  const ready = signature().then((s) => {
    last ??= s;
  });
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      await ready;
      const now = await signature();
      if (now !== last) {
        last = now;
        if (now !== 'missing' && !stopped) await options.onChange();
      }
    } catch (err) {
      options.onError?.(err);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 2000);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
