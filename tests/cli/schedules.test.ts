/** `vigie schedules`: add (overnight school nights, bedtime with allowed names), list, toggle, remove, bad input. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeEach(async () => {
  cli = await createCliHarness();
});
afterEach(async () => {
  await cli.close();
});

const SCHOOL_NIGHTS = ['--days', 'school-nights', '--from', '21:00', '--to', '07:00'];

// Each test spawns the real binary a few times (about 1 s each on a busy 2-core machine).
describe('vigie schedules', { timeout: 60_000 }, () => {
  it('adds an overnight school-nights window blocking categories, and a bedtime window with allowed names', () => {
    let r = cli.run(['schedules', 'add', 'child', ...SCHOOL_NIGHTS, '--block', 'social-media,gaming']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('added window 1 to child: Sun-Thu 21:00-07:00 (overnight): block social-media, gaming\n');
    r = cli.run(['schedules', 'add', 'teen', '--days', 'lun-ven', '--from', '22:30', '--to', '06:30', '--bedtime', '--allow', 'Wikipedia.org,vikidia.org', '--label', 'Bedtime']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('added window 2 to teen: "Bedtime" Mon-Fri 22:30-06:30 (overnight): bedtime (2 allowed)\n');

    r = cli.run(['schedules']);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^ID\s+PROFILE\s+ENABLED\s+WINDOW$/),
      expect.stringMatching(/^1\s+child\s+yes\s+Sun-Thu 21:00-07:00 \(overnight\): block social-media, gaming$/),
      expect.stringMatching(/^2\s+teen\s+yes\s+"Bedtime" Mon-Fri 22:30-06:30 \(overnight\): bedtime \(2 allowed\)$/),
    ]);
    const [bedtime] = JSON.parse(cli.run(['schedules', 'teen', '--json']).stdout);
    expect(bedtime).toMatchObject({ id: 2, profileId: 'teen', mode: 'bedtime', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: 22 * 60 + 30, end: 6 * 60 + 30, allow: ['wikipedia.org', 'vikidia.org'], enabled: true });
    expect(JSON.parse(cli.run(['profiles', '--json']).stdout).find((p: { id: string }) => p.id === 'teen')).toMatchObject({ windows: 1 });
  });

  it('disables, enables and removes a window', () => {
    cli.run(['schedules', 'add', 'child', ...SCHOOL_NIGHTS, '--bedtime']);
    expect(cli.run(['schedules', 'disable', '1']).stdout).toBe('disabled window 1 of child: Sun-Thu 21:00-07:00 (overnight): bedtime (disabled)\n');
    expect(cli.run(['schedules', 'child']).stdout).toMatch(/\n1\s+child\s+no\s+Sun-Thu 21:00-07:00 \(overnight\): bedtime \(disabled\)\n$/);
    expect(cli.run(['schedules', 'enable', '1']).stdout).toBe('enabled window 1 of child: Sun-Thu 21:00-07:00 (overnight): bedtime\n');
    expect(cli.run(['schedules', 'remove', '1']).stdout).toBe('removed window 1\n');
    const r = cli.run(['schedules', 'remove', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('vigie schedules: no schedule window 1\n');
    expect(cli.run(['schedules']).stdout).toContain('no schedule windows');
  });

  it.each([
    [['child', '--days', 'mon-fri', '--from', '25:00', '--to', '07:00', '--bedtime'], 2, 'vigie schedules: --from: must be a time HH:MM between 00:00 and 23:59\n'],
    [['child', '--days', 'mon-fri', '--from', '21:00', '--to', '7h', '--bedtime'], 2, 'vigie schedules: --to: must be a time HH:MM between 00:00 and 24:00\n'],
    [['child', '--days', 'blursday', '--from', '21:00', '--to', '07:00', '--bedtime'], 2, "vigie schedules: --days: cannot read 'blursday' (try mon-fri, sun-thu, weekend, all or mon,wed)\n"],
    [['child', ...SCHOOL_NIGHTS, '--block', 'no-such-app'], 2, "vigie schedules: --block: unknown category or service 'no-such-app' (see vigie services)\n"],
    [['child', ...SCHOOL_NIGHTS], 2, 'vigie schedules: needs --block ID,... (categories or services to block) or --bedtime (block everything)\n'],
    [['child', ...SCHOOL_NIGHTS, '--block', 'gaming', '--bedtime'], 2, 'vigie schedules: choose --block CAT,... or --bedtime, not both\n'],
    [['child', ...SCHOOL_NIGHTS, '--block', 'gaming', '--allow', 'wikipedia.org'], 2, 'vigie schedules: --allow goes with --bedtime (a --block window only adds categories)\n'],
    [['child', '--from', '21:00', '--bedtime'], 2, 'vigie schedules: needs --days, --to\n'],
    [['grandma', ...SCHOOL_NIGHTS, '--bedtime'], 1, "vigie schedules: no profile 'grandma' (profiles: adult, child, teen, unfiltered)\n"],
  ])('refuses add %j (exit %i)', (args, status, stderr) => {
    const r = cli.run(['schedules', 'add', ...args]);
    expect(r.status).toBe(status);
    expect(r.stderr).toBe(stderr);
    expect(r.stdout).toBe('');
  });

  it('refuses a window id that is not a number, and an unknown profile to list', () => {
    let r = cli.run(['schedules', 'enable', 'one']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie schedules: 'one' is not a window ID (see vigie schedules)\n");
    r = cli.run(['schedules', 'grandma']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("no profile 'grandma'");
  });
});
