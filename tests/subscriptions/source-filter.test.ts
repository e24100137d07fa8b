import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyExclusions, readExclusions } from '../../src/blocklists/subscriptions/source-filter.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('a source refresh goes through its reviewed exclusions', () => {
  it('drops exactly the excluded entries, in plain, hosts and adblock lines, and nothing under them', () => {
    const body = Buffer.from('# header\nteams.microsoft.us\n0.0.0.0 Skype.NET.\n||filter.msn.com^\nfc2.com\nadult.fc2.com\ncoco.gg # keep\n');
    const { body: out, dropped } = applyExclusions(body, new Set(['teams.microsoft.us', 'skype.net', 'filter.msn.com', 'fc2.com']));
    expect(dropped).toBe(4);
    expect(text(out)).toBe('# header\nadult.fc2.com\ncoco.gg # keep\n');
  });

  it('returns the same bytes when nothing is excluded', () => {
    const body = Buffer.from('coco.gg\n');
    expect(applyExclusions(body, new Set()).body).toBe(body);
    expect(applyExclusions(body, new Set(['other.example'])).body).toBe(body);
  });

  it('reads an exclusion file with reasons, and a missing one as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-excl-'));
    try {
      writeFileSync(join(dir, 'x.txt'), '# why\nskype.net   # Microsoft\n\nlync.cn # Microsoft\n');
      expect([...readExclusions(join(dir, 'x.txt'))].sort()).toEqual(['lync.cn', 'skype.net']);
      expect(readExclusions(join(dir, 'missing.txt')).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the shipped snapshots hold none of their exclusions', async () => {
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'lists/snapshots/manifest.json'), 'utf8')) as Array<{ file: string; exclude?: string }>;
    for (const entry of manifest.filter((e) => e.exclude !== undefined)) {
      const excluded = readExclusions(join(process.cwd(), 'lists', entry.exclude!));
      expect(excluded.size, entry.exclude).toBeGreaterThan(0);
      expect(applyExclusions(readFileSync(join(process.cwd(), 'lists', entry.file)), excluded).dropped, entry.file).toBe(0);
    }
  });
});
