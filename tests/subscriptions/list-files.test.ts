import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listsChangedStampPath, touchListsChanged, watchListsChanged, writeFileAtomically } from '../../src/blocklists/subscriptions/list-files.js';
import { useTempDir } from '../store/temp-dir.js';

const dir = useTempDir('vigie-listfiles-');
const waitFor = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('list files', () => {
  it('writes atomically and leaves no temp file behind', () => {
    const file = join(dir(), 'lists', 'abc.txt');
    writeFileAtomically(file, 'a.example\n');
    writeFileAtomically(file, new TextEncoder().encode('b.example\n'));
    expect(readFileSync(file, 'utf8')).toBe('b.example\n');
    expect(readdirSync(join(dir(), 'lists'))).toEqual(['abc.txt']);
  });

  it('touchListsChanged writes the time into $dataDir/lists/.changed', () => {
    touchListsChanged(dir(), Date.UTC(2026, 10, 28, 12));
    expect(listsChangedStampPath(dir())).toBe(join(dir(), 'lists', '.changed'));
    expect(readFileSync(listsChangedStampPath(dir()), 'utf8')).toBe('2026-11-28T12:00:00.000Z\n');
  });

  it('watchListsChanged calls onChange once per new stamp, not for the one already there', async () => {
    touchListsChanged(dir());
    let calls = 0;
    const watcher = watchListsChanged({ dataDir: dir(), intervalMs: 20, onChange: () => void calls++ });
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(0);
      touchListsChanged(dir());
      await waitFor(() => calls === 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(calls).toBe(1);
      touchListsChanged(dir());
      await waitFor(() => calls === 2);
    } finally {
      watcher.stop();
    }
  });

  it('watchListsChanged notices a stamp created after it started, and reports onChange errors', async () => {
    const errors: unknown[] = [];
    const watcher = watchListsChanged({ dataDir: dir(), intervalMs: 20, onChange: () => Promise.reject(new Error('reload failed')), onError: (e) => errors.push(e) });
    try {
      expect(existsSync(listsChangedStampPath(dir()))).toBe(false);
      await new Promise((r) => setTimeout(r, 60));
      touchListsChanged(dir());
      await waitFor(() => errors.length === 1);
    } finally {
      watcher.stop();
    }
  });
});
