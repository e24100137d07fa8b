/**
 * Services from the command line, against a fixture catalog v2: `vigie services`, per-service
 * choices in `vigie profiles set`, services in schedule windows, and a device's own rules.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFixtureLists, type FixtureLists } from '../helpers/services-catalog.js';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
let lists: FixtureLists;
let run: (args: string[]) => ReturnType<CliHarness['run']>;
beforeEach(async () => {
  cli = await createCliHarness();
  lists = createFixtureLists();
  run = (args) => cli.run(args, { VIGIE_LISTS_DIR: lists.dir });
});
afterEach(async () => {
  await cli.close();
  lists.close();
});

describe('vigie services', { timeout: 60_000 }, () => {
  it('lists the services, searches by name or domain, filters by category, and says what a profile does with each', () => {
    let r = run(['services']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+CATEGORY\s+DOMAINS$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['discord', 'snapchat', 'tiktok', 'youtube', 'yubo']);
    expect(lines.find((l) => l.startsWith('tiktok'))).toMatch(/^tiktok\s+TikTok\s+social-media\s+3$/);
    r = run(['services', 'yellw.co', '--json']);
    expect(JSON.parse(r.stdout)).toEqual([{ id: 'yubo', name: { en: 'Yubo', fr: 'Yubo' }, category: 'teen-meetup', domains: 2, reviewed: '2026-12-01' }]);
    r = run(['services', 'cdn.tiktokv.com', '--json']);
    expect(JSON.parse(r.stdout).map((s: { id: string }) => s.id)).toEqual(['tiktok']);
    r = run(['services', '--category', 'social-media', '--json']);
    expect(JSON.parse(r.stdout).map((s: { id: string }) => s.id)).toEqual(['snapchat', 'tiktok']);
    r = run(['services', '--category', 'social-medai']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie services: --category: unknown category 'social-medai' (did you mean: social-media?)\n");
    r = run(['services', '--profile', 'child']);
    expect(r.stdout).toMatch(/\ntiktok\s+TikTok\s+social-media\s+3\s+allowed \(its category\)\n/);
    expect(r.stdout).toMatch(/\nyubo\s+Yubo\s+teen-meetup\s+2\s+blocked \(its category\)\n/);
  });

  it('blocks, allows and resets single services in a profile; an unknown one is refused with close ids', () => {
    let r = run(['profiles', 'set', 'child', '--block', 'tiktok', '--allow', 'discord', '--block', 'snapchat']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('profile child "Child": SafeSearch on; blocks messaging, teen-meetup; services: discord allowed, snapchat blocked, tiktok blocked\n');
    r = run(['services', '--profile', 'child', '--json']);
    const state = Object.fromEntries(JSON.parse(r.stdout).map((s: { id: string; blocked: boolean; why: string }) => [s.id, `${s.blocked} ${s.why}`]));
    expect(state).toEqual({ discord: 'false explicit', snapchat: 'true explicit', tiktok: 'true explicit', youtube: 'false category', yubo: 'true category' });
    r = run(['profiles', 'set', 'child', '--default', 'snapchat,tiktok']);
    expect(r.stdout).toBe('profile child "Child": SafeSearch on; blocks messaging, teen-meetup; services: discord allowed\n');
    expect(run(['profiles']).stdout).toContain('\nService choices (over their category):\n  child  discord allowed\n');
    r = run(['profiles', 'set', 'child', '--block', 'tiktk']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: --block: unknown category or service 'tiktk' (did you mean: tiktok?)\n");
    r = run(['profiles', 'set', 'child', '--block', 'tiktok', '--allow', 'tiktok']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: 'tiktok' is named twice (--block and --allow)\n");
  });

  it('accepts services in schedule windows: --block in a block window, --allow in bedtime', () => {
    let r = run(['schedules', 'add', 'child', '--days', 'mon-fri', '--from', '08:00', '--to', '16:00', '--block', 'tiktok,video-streaming']);
    expect(r.status).toBe(0);
    expect(JSON.parse(run(['schedules', '--json']).stdout)[0]).toMatchObject({ mode: 'block', categories: ['tiktok', 'video-streaming'] });
    r = run(['schedules', 'add', 'child', '--days', 'all', '--from', '21:00', '--to', '07:00', '--bedtime', '--allow', 'discord,school.example']);
    expect(r.status).toBe(0);
    expect(JSON.parse(run(['schedules', '--json']).stdout)[1]).toMatchObject({ mode: 'bedtime', allow: ['discord', 'school.example'] });
    r = run(['schedules', 'add', 'child', '--days', 'all', '--from', '21:00', '--to', '07:00', '--bedtime', '--allow', 'discrod']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie schedules: --allow: unknown service 'discrod' (did you mean: discord?)\n");
    r = run(['schedules', 'add', 'child', '--days', 'all', '--from', '08:00', '--to', '09:00', '--block', 'tiktoc']);
    expect(r.stderr).toBe("vigie schedules: --block: unknown category or service 'tiktoc' (did you mean: tiktok?)\n");
  });

  it("sets, lists and removes a device's own rules", () => {
    cli.seed([{ ip: '192.168.1.30', mac: '02:00:00:00:00:30', name: 'laptop' }]);
    let r = run(['devices', 'allow', 'laptop', '--service', 'discord']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('laptop: allowed Discord (3 domains) for this device only\n');
    r = run(['devices', 'block', 'laptop', '--name', 'games.example', '--exact']);
    expect(r.stdout).toBe('laptop: blocked games.example (exact name) for this device only\n');
    r = run(['devices', 'rules', 'laptop']);
    expect(r.stdout).toBe('block name games.example (exact)\nallow service discord (Discord)\n');
    expect(JSON.parse(run(['devices', 'rules', 'laptop', '--json']).stdout)).toEqual([
      { deviceId: 'mac:02:00:00:00:00:30', kind: 'block', targetType: 'name', target: 'games.example', subdomains: false },
      { deviceId: 'mac:02:00:00:00:00:30', kind: 'allow', targetType: 'service', target: 'discord', subdomains: true },
    ]);
    r = run(['devices', 'allow', 'laptop', '--service', 'dicsord']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie devices: --service: unknown service 'dicsord' (did you mean: discord?)\n");
    r = run(['devices', 'allow', 'laptop', '--service', 'discord', '--name', 'x.example']);
    expect(r.status).toBe(2);
    r = run(['devices', 'unrule', 'laptop', '--service', 'discord']);
    expect(r.stdout).toBe('laptop: removed its rule for service discord\n');
    r = run(['devices', 'unrule', 'laptop', '--service', 'discord']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('vigie devices: laptop has no rule for service discord\n');
    expect(run(['devices', 'rules', 'laptop', '--json']).stdout).toBe('[{"deviceId":"mac:02:00:00:00:00:30","kind":"block","targetType":"name","target":"games.example","subdomains":false}]\n');
  });
});
