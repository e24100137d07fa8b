/**
 * Network safety of the test suite: every place in tests/ that builds a Vigie environment of its
 * own (VIGIE_DATA_DIR: …) also turns automatic list downloads off, so no test ever fetches the
 * shipped public lists from the Internet. A new spawn site without it fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const TESTS = join(process.cwd(), 'tests');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

/** Lines that set VIGIE_DATA_DIR in an env object without VIGIE_LIST_UPDATES: 'off' beside it. */
export function unsafeEnvLines(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (/VIGIE_DATA_DIR['"]?\s*:/.test(line) && !/VIGIE_LIST_UPDATES['"]?\s*:\s*['"]off['"]/.test(line) ? [i + 1] : []));
}

describe('test spawn sites', () => {
  it('the check itself catches a site without the setting and accepts one with it', () => {
    expect(unsafeEnvLines("env: { VIGIE_DATA_DIR: dir, VIGIE_TZ: 'UTC' }")).toEqual([1]);
    expect(unsafeEnvLines("ok\nenv: { 'VIGIE_DATA_DIR': dir, VIGIE_LIST_UPDATES: 'on' }")).toEqual([2]);
    expect(unsafeEnvLines("env: { VIGIE_DATA_DIR: dir, VIGIE_LIST_UPDATES: 'off' }")).toEqual([]);
  });

  it('every env in tests/ that sets VIGIE_DATA_DIR also sets VIGIE_LIST_UPDATES=off', () => {
    const files = sourceFiles(TESTS);
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) => unsafeEnvLines(readFileSync(file, 'utf8')).map((line) => `${relative(process.cwd(), file)}:${line}`));
    // This file's own examples are strings inside a test, not an env: the first test covers them.
    expect(offenders.filter((o) => !o.startsWith('tests/subscriptions/test-env-guard.test.ts'))).toEqual([]);
  });
});
