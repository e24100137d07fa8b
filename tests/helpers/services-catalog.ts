/**
 * A small catalog v2 (lists + services) in a temp lists directory, for tests of the service
 * features while the shipped lists/catalog.json is still version 1. Categories: teen-meetup and
 * messaging are on for children, social-media and video-streaming are off.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The fixture's services (id → category and domains). */
export const FIXTURE_SERVICES = [
  { id: 'tiktok', name: { en: 'TikTok', fr: 'TikTok' }, category: 'social-media', domains: ['tiktok.com', 'tiktokv.com', 'tiktokcdn.com'] },
  { id: 'snapchat', name: { en: 'Snapchat', fr: 'Snapchat' }, category: 'social-media', domains: ['snapchat.com', 'sc-cdn.net'] },
  { id: 'yubo', name: { en: 'Yubo', fr: 'Yubo' }, category: 'teen-meetup', domains: ['yubo.live', 'yellw.co'] },
  { id: 'discord', name: { en: 'Discord', fr: 'Discord' }, category: 'messaging', domains: ['discord.com', 'discord.gg', 'discordapp.com'] },
  { id: 'youtube', name: { en: 'YouTube', fr: 'YouTube' }, category: 'video-streaming', domains: ['youtube.com', 'ytimg.com'] },
] as const;

const CATEGORIES: Record<string, { child: boolean; title: { en: string; fr: string } }> = {
  'teen-meetup': { child: true, title: { en: 'Teen meetup apps', fr: 'Applis de rencontre ados' } },
  messaging: { child: true, title: { en: 'Messaging', fr: 'Messageries' } },
  'social-media': { child: false, title: { en: 'Social media', fr: 'Réseaux sociaux' } },
  'video-streaming': { child: false, title: { en: 'Video streaming', fr: 'Vidéo en ligne' } },
};

/** A temp lists directory holding the fixture catalog; `close()` removes it. */
export interface FixtureLists {
  readonly dir: string;
  close(): void;
}

/** Writes catalog.json (version 2), one file per category and an empty never-block.txt. */
export function createFixtureLists(): FixtureLists {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-lists-v2-'));
  const lists = Object.entries(CATEGORIES).map(([id, c]) => {
    const lines = FIXTURE_SERVICES.filter((s) => s.category === id).flatMap((s) => s.domains.map((d) => `${d}  # ${s.name.en} — confirmed — fixture`));
    writeFileSync(join(dir, `${id}.txt`), `${lines.join('\n')}\n`);
    return {
      id, category: id, file: `${id}.txt`, action: 'sinkhole', kind: 'services', title: c.title, description: c.title,
      defaultOn: { child: c.child, teen: false, adult: false, unfiltered: false }, sources: ['fixture'],
    };
  });
  const services = FIXTURE_SERVICES.map((s) => ({ ...s, domains: [...s.domains], reviewed: '2026-12-01', sources: ['fixture'] }));
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ version: 2, lists, services }, null, 2));
  writeFileSync(join(dir, 'never-block.txt'), '# nothing\n');
  return { dir, close: () => rmSync(dir, { recursive: true, force: true }) };
}
