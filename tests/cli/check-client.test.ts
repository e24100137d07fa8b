/**
 * `vigie check NAME --client IP [--mac MAC]`: the decision for one device now, built like the
 * server builds it — profile, override, schedule windows active now, every matching rule.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeEach(async () => {
  cli = await createCliHarness();
  cli.seed([
    { ip: '192.168.1.20', mac: '02:11:22:33:44:55', name: 'Léa tablet', profileId: 'child' },
    { ip: '192.168.1.30', name: 'Dad laptop', profileId: 'adult' },
  ]);
});
afterEach(async () => {
  await cli.close();
});

// Each test spawns the real binary a few times (about 1 s each on a busy 2-core machine).
describe('vigie check --client', { timeout: 60_000 }, () => {
  it('blocks a dating site for the child device and not for the adult one', () => {
    let r = cli.run(['check', 'www.tinder.com', '--client', '192.168.1.20']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      'device: Léa tablet (mac:02:11:22:33:44:55)',
      'profile: child "Child", SafeSearch on',
      'override: none',
      'service: Tinder (tinder)',
      'schedule: no window active now',
      'www.tinder.com: BLOCKED — answer 0.0.0.0 / ::',
      '  category dating, list dating, rule tinder.com',
      'every matching rule:',
      '  category dating, list dating, rule tinder.com',
      '  category dating, list ut1-dating, rule tinder.com',
      '  category dating, list sw-dating, rule tinder.com',
      '',
    ].join('\n'));
    r = cli.run(['check', 'www.tinder.com', '--client', '192.168.1.30']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      'device: Dad laptop (ip:192.168.1.30)',
      'profile: adult "Adult", SafeSearch off',
      'override: none',
      'service: Tinder (tinder)',
      'schedule: no window active now',
      'www.tinder.com: not blocked — forwarded upstream',
      '',
    ].join('\n'));
  });

  it('finds the device by MAC, and gives an unknown device the default profile', () => {
    expect(cli.run(['check', 'tinder.com', '--client', '10.0.0.5', '--mac', '02-11-22-33-44-55']).stdout).toMatch(/^device: Léa tablet \(mac:02:11:22:33:44:55\)\nprofile: child /);
    cli.run(['profiles', 'default', 'teen']);
    const r = cli.run(['check', 'tinder.com', '--client', '192.168.1.77']);
    expect(r.stdout).toMatch(/^device: unknown device \(192\.168\.1\.77\) → default profile\nprofile: teen "Teen", SafeSearch on\n/);
    expect(r.stdout).toContain('tinder.com: BLOCKED');
  });

  it('shows a schedule window active now blocking social media, with its reason, for the child only', () => {
    // 00:00 to 00:00 every day is a 24-hour window: active whenever the test runs.
    expect(cli.run(['schedules', 'add', 'child', '--days', 'all', '--from', '00:00', '--to', '00:00', '--block', 'social-media']).status).toBe(0);
    expect(cli.run(['check', 'tiktok.com', '--client', '192.168.1.20']).stdout).toBe([
      'device: Léa tablet (mac:02:11:22:33:44:55)',
      'profile: child "Child", SafeSearch on',
      'override: none',
      'service: TikTok (tiktok)',
      'schedule: active now: window 1, Every day all day: block social-media',
      'tiktok.com: BLOCKED — answer 0.0.0.0 / ::',
      '  category social-media, list social-media, rule tiktok.com',
      '  reason: schedule: Every day all day: block social-media',
      'every matching rule:',
      '  category social-media, list social-media, rule tiktok.com (schedule: Every day all day: block social-media)',
      '',
    ].join('\n'));
    expect(cli.run(['check', 'tiktok.com', '--client', '192.168.1.30']).stdout).toContain('tiktok.com: not blocked — forwarded upstream\n');
    // Without --client the output is today's: the child preset's lists, no device, no schedule.
    expect(cli.run(['check', 'tiktok.com']).stdout).toBe('tiktok.com: not blocked — forwarded upstream\n  service TikTok (tiktok, category social-media)\n');
  });

  it('a bedtime window blocks everything but its allowed names', () => {
    cli.run(['schedules', 'add', 'child', '--days', 'all', '--from', '00:00', '--to', '00:00', '--bedtime', '--allow', 'wikipedia.org']);
    const r = cli.run(['check', 'ok.example.test', '--client', '192.168.1.20']);
    expect(r.stdout).toContain('ok.example.test: BLOCKED — answer 0.0.0.0 / ::\n  category bedtime, list schedule-1, rule *\n  reason: schedule: Every day all day: bedtime (1 allowed)\n');
    expect(cli.run(['check', 'fr.wikipedia.org', '--client', '192.168.1.20']).stdout).toContain('fr.wikipedia.org: not blocked — forwarded upstream\n');
  });

  it('follows the overrides: a pause keeps dating blocked, turning everything off lets it through, a block stops everything', () => {
    cli.run(['pause', 'Léa tablet', '--minutes', '30']);
    let r = cli.run(['check', 'tinder.com', '--client', '192.168.1.20']);
    expect(r.stdout).toMatch(/\noverride: paused \(schedules and optional groups lifted; risky services, adult and bypass stay blocked\) by a parent, (30|29) min left\n/);
    expect(r.stdout).toContain('profile: child "Child", SafeSearch on\n');
    expect(r.stdout).toContain('tinder.com: BLOCKED');
    cli.run(['pause', 'Léa tablet', '--everything', '--minutes', '30']);
    r = cli.run(['check', 'tinder.com', '--client', '192.168.1.20']);
    expect(r.stdout).toMatch(/\noverride: filtering turned off by a parent, (30|29) min left\n/);
    expect(r.stdout).toContain('profile: child "Child", SafeSearch off\n');
    expect(r.stdout).toContain('tinder.com: not blocked — forwarded upstream (filtering off)\nmatching rules (not applied now):\n  category dating, list dating, rule tinder.com\n');
    cli.run(['pause', 'Dad laptop', '--block', '--minutes', '60']);
    r = cli.run(['check', 'wikipedia.org', '--client', '192.168.1.30']);
    expect(r.stdout).toMatch(/\noverride: everything blocked by a parent, (1 h 00|60|59) min left\n/);
    expect(r.stdout).toMatch(/wikipedia\.org: BLOCKED — answer 0\.0\.0\.0 \/ ::\n {2}category block-now, list override, rule \*\n {2}reason: everything blocked by a parent until /);
  });

  it('reports JSON with the device, profile, override, windows, decision and matches', () => {
    cli.run(['schedules', 'add', 'child', '--days', 'all', '--from', '00:00', '--to', '00:00', '--block', 'social-media']);
    const json = JSON.parse(cli.run(['check', 'tiktok.com', '--client', '192.168.1.20', '--json']).stdout);
    expect(json).toMatchObject({
      name: 'tiktok.com',
      client: { ip: '192.168.1.20', mac: null },
      device: { id: 'mac:02:11:22:33:44:55', name: 'Léa tablet', profileId: 'child' },
      profile: { id: 'child', safeSearch: true, isDefault: true },
      override: null,
      windows: [{ id: 1, mode: 'block', categories: ['social-media'], description: 'Every day all day: block social-media' }],
      blocked: true,
      answer: '0.0.0.0 / ::',
      decision: { category: 'social-media', reason: 'schedule: Every day all day: block social-media' },
      matches: [{ category: 'social-media', list: 'social-media', rule: 'tiktok.com' }],
    });
  });

  it('refuses a client that is not an address, a bad MAC and --mac alone (exit 2)', () => {
    let r = cli.run(['check', 'tinder.com', '--client', 'lea-tablet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie check: --client needs an IP address, not 'lea-tablet'\n");
    r = cli.run(['check', 'tinder.com', '--client', '192.168.1.20', '--mac', '02:11']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie check: --mac needs a MAC address such as aa:bb:cc:dd:ee:ff, not '02:11'\n");
    r = cli.run(['check', 'tinder.com', '--mac', '02:11:22:33:44:55']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('Usage: vigie check NAME [--client IP [--mac MAC]] [--json]\n');
  });
});
