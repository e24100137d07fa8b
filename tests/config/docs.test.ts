import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, describeConfig, renderConfigDocs } from '../../src/config.js';

const DOCS = new URL('../../docs/configuration.md', import.meta.url);

describe('configuration docs', () => {
  it('docs/configuration.md matches renderConfigDocs() (regenerate: UPDATE_CONFIG_DOCS=1 npx vitest run tests/config/docs.test.ts)', () => {
    const expected = renderConfigDocs();
    if (process.env.UPDATE_CONFIG_DOCS === '1') writeFileSync(DOCS, expected);
    expect(readFileSync(DOCS, 'utf8')).toBe(expected);
  });

  it('describes every field with an env variable, a default and a description', () => {
    const rows = describeConfig();
    expect(rows.length).toBe(37);
    for (const r of rows) {
      expect(r.env, r.key).toMatch(/^VIGIE_[A-Z0-9_]+$/);
      expect(r.description.length, r.key).toBeGreaterThan(10);
    }
    expect(new Set(rows.map((r) => r.env)).size).toBe(rows.length);
    expect(rows.find((r) => r.key === 'dns.port')).toEqual({
      env: 'VIGIE_DNS_PORT', key: 'dns.port', default: '53', description: expect.stringContaining('port'),
    });
    expect(rows.find((r) => r.key === 'extraLists')?.default).toBe('');
  });

  it('lists every leaf of the schema (nothing undocumented)', () => {
    const defaults = configSchema.parse({}) as Record<string, unknown>;
    const leaves = Object.entries(defaults).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((n) => `${k}.${n}`) : [k],
    );
    expect(describeConfig().map((r) => r.key).sort()).toEqual(leaves.sort());
  });
});
