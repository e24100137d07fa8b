import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { StoreLogger } from '../../src/store/store-logger.js';

/** A fresh temp directory per test, removed afterwards. Returns a getter. */
export function useTempDir(prefix = 'vigie-store-'): () => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** A logger that records what it is given. */
export function recordingLogger(): StoreLogger & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** A blocked attempt with defaults. */
export function attempt(i: number, over: Partial<Record<string, unknown>> = {}) {
  return {
    time: 1_700_000_000_000 + i,
    client: '192.168.1.10',
    name: `n${i}.omegle.example`,
    qtype: 'A',
    category: 'random-video-chat',
    list: 'vigie-core',
    rule: 'omegle.example',
    ...over,
  };
}
