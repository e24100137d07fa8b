/**
 * scripts/lists-check.mjs on small fixture lists: which snapshot names it shows a maintainer for
 * each service, in both service sources (catalog.json v2 and lists/services/*.json).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

const script = fileURLToPath(new URL('../../scripts/lists-check.mjs', import.meta.url));
const reportSchema = z.object({
  from: z.string(),
  summary: z.object({ services: z.number(), snapshots: z.array(z.string()), servicesWithCandidates: z.number() }),
  report: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      category: z.string(),
      candidates: z.array(z.object({ domain: z.string(), snapshots: z.array(z.string()).min(1), kind: z.enum(['brand', 'in-name', 'parent', 'sibling']), reason: z.string() })),
    }),
  ),
});

let lists: string;
beforeEach(() => {
  lists = mkdtempSync(join(tmpdir(), 'vigie-lists-check-'));
  mkdirSync(join(lists, 'snapshots'));
  writeFileSync(join(lists, 'never-block.txt'), 'app.link\nradio.fr\n');
  writeFileSync(
    join(lists, 'snapshots', 'one.txt'),
    ['# header', 'yubo.fr', 'api.yubo.live', 'chatroulettefr.com', 'nrj.fr', 'radio.nrj.fr', 'hinge.app.link', 'other.app.link', 'unrelated.example', 'videochat.example'].join('\n'),
  );
  writeFileSync(join(lists, 'snapshots', 'two.txt'), 'yubo.fr\nchat.org\n');
  writeFileSync(join(lists, 'snapshots', 'manifest.json'), JSON.stringify([{ id: 'one', file: 'snapshots/one.txt' }, { id: 'two', file: 'snapshots/two.txt' }]));
});
afterEach(() => rmSync(lists, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, [script, '--lists', lists, ...args], { encoding: 'utf8' });
const json = () => {
  const out = run('--json');
  expect(out.status, out.stderr).toBe(0);
  return reportSchema.parse(JSON.parse(out.stdout));
};
const service = (id: string, domains: unknown[]) => ({ id, name: { en: id, fr: id }, category: 'test', reviewed: '2026-12-08', domains });

describe('lists-check', () => {
  it('reads lists/services/*.json and reports brand matches, parents, siblings and look-alikes, never a covered name', () => {
    mkdirSync(join(lists, 'services'));
    const d = (name: string) => ({ name, role: 'website', confidence: 'seen-article', sources: ['https://example.org'] });
    const services = [service('yubo', [d('yubo.live')]), service('roulette', [d('chatroulette.com')]), service('nrj', [d('chat.nrj.fr')]), service('hinge', [d('hinge.app.link')]), service('radio-chat', [d('chat.radio.fr')])];
    writeFileSync(join(lists, 'services', 'test.json'), JSON.stringify(services));
    const { from, summary, report } = json();
    expect(from).toContain('services/*.json');
    expect(summary).toEqual({ services: 5, snapshots: ['one', 'two'], servicesWithCandidates: 3 });
    const found = Object.fromEntries(report.map((r) => [r.id, r.candidates.map((c) => `${c.domain} ${c.kind} ${c.snapshots.join('+')}`)]));
    // api.yubo.live is covered by the service's yubo.live rule: not a finding.
    // One line for yubo.fr, held by both snapshots; nrj.fr is a parent before it is a brand match.
    expect(found).toEqual({
      yubo: ['yubo.fr brand one+two'],
      roulette: ['chatroulettefr.com in-name one'],
      nrj: ['nrj.fr parent one', 'radio.nrj.fr sibling one'],
    });
    // hinge.app.link sits on a shared deep-link host: other.app.link is not Hinge's sibling.
    // chat.radio.fr sits under a never-block name, and "chat" is no brand: chat.org is not flagged.
    expect(found['hinge']).toBeUndefined();
    expect(found['radio-chat']).toBeUndefined();
  });

  it('prefers the services of a v2 catalog.json, and prints a readable report', () => {
    mkdirSync(join(lists, 'services'));
    writeFileSync(join(lists, 'services', 'ignored.json'), JSON.stringify([service('ignored', [{ name: 'yubo.live' }])]));
    writeFileSync(join(lists, 'catalog.json'), JSON.stringify({ version: 2, lists: [], services: [{ id: 'yubo', name: { en: 'Yubo', fr: 'Yubo' }, category: 'teen-meetup', domains: ['yubo.live'], reviewed: '2026-12-08', sources: ['x'] }] }));
    expect(json().from).toBe('catalog.json');
    const text = run();
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('yubo (Yubo, teen-meetup): 1 name(s) to review');
    expect(text.stdout).toMatch(/yubo\.fr\s+brand\s+in one, two: brand "yubo"/);
    expect(text.stdout).not.toContain('ignored');
  });

  it('says so when there is nothing to review, and fails clearly on unreadable input', () => {
    const empty = run();
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('Nothing to review');
    mkdirSync(join(lists, 'services'));
    writeFileSync(join(lists, 'services', 'bad.json'), '{ not json');
    const bad = run();
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lists-check: cannot read .*bad\.json/);
    writeFileSync(join(lists, 'services', 'bad.json'), JSON.stringify([{ id: 'x', domains: [{ name: 42 }] }]));
    expect(run().stderr).toContain('service x has a domain that is not a name');
  });
});
