/** `vigie pause`: reward time, block now, end, and the overrides in force. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeEach(async () => {
  cli = await createCliHarness();
  cli.seed([{ ip: '192.168.1.20', mac: '02:11:22:33:44:55', name: 'Léa tablet' }, { ip: '192.168.1.30' }]);
});
afterEach(async () => {
  await cli.close();
});

// Each test spawns the real binary a few times (about 1 s each on a busy 2-core machine).
describe('vigie pause', { timeout: 60_000 }, () => {
  it('pauses filtering for a device, lists it with the time left, and ends it', () => {
    expect(cli.run(['pause']).stdout).toBe('no device is paused or blocked\n');
    let r = cli.run(['pause', 'léa tablet', '--minutes', '30']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Léa tablet: paused \(schedules and optional groups lifted; risky services, adult and bypass stay blocked\), 30 min left \(until \d{4}-\d\d-\d\d \d\d:\d\d\)\n$/);
    r = cli.run(['pause']);
    expect(r.stdout).toMatch(/^DEVICE\s+ID\s+OVERRIDE\s+UNTIL\s+LEFT\nLéa tablet\s+mac:02:11:22:33:44:55\s+paused \(schedules and optional groups lifted; risky services, adult and bypass stay blocked\)\s+\S+ \S+\s+(30|29) min left\n$/);
    expect(cli.run(['devices']).stdout).toMatch(/Léa tablet .* paused \(schedules and optional groups lifted; risky services, adult and bypass stay blocked\), (30|29) min left\n/);
    const [json] = JSON.parse(cli.run(['pause', '--json']).stdout);
    expect(json).toMatchObject({ deviceId: 'mac:02:11:22:33:44:55', deviceName: 'Léa tablet', kind: 'pause', minutesLeft: 30 });
    r = cli.run(['pause', '02:11:22:33:44:55', '--end']);
    expect(r.stdout).toBe('Léa tablet: override ended, its profile applies again\n');
    expect(cli.run(['pause']).stdout).toBe('no device is paused or blocked\n');
    r = cli.run(['pause', '02:11:22:33:44:55', '--end']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('vigie pause: Léa tablet has no pause or block in force\n');
  });

  it('blocks everything for a device, replacing a pause', () => {
    cli.run(['pause', '192.168.1.30', '--minutes', '10']);
    const r = cli.run(['pause', '192.168.1.30', '--block', '--minutes', '90']);
    expect(r.stdout).toMatch(/^192\.168\.1\.30: everything blocked, 1 h 30 min left \(until .+\)\n$/);
    expect(JSON.parse(cli.run(['pause', '--json']).stdout)).toEqual([expect.objectContaining({ deviceId: 'ip:192.168.1.30', kind: 'block', minutesLeft: 90 })]);
  });

  it.each([
    [['Léa tablet', '--minutes', '0'], 2, "vigie pause: --minutes must be a whole number from 1 to 10080, not '0'\n"],
    [['Léa tablet', '--minutes', 'half an hour'], 2, "vigie pause: --minutes must be a whole number from 1 to 10080, not 'half an hour'\n"],
    [['Léa tablet'], 2, 'vigie pause: needs --minutes N (or --end)\n'],
    [['Léa tablet', '--end', '--minutes', '5'], 2, 'vigie pause: --end takes no --minutes, --block or --everything\n'],
    [['--minutes', '5'], 2, 'vigie pause: which device? (vigie pause REF ...)\n'],
    [['192.168.1.99', '--minutes', '5'], 1, "vigie pause: no device '192.168.1.99' (give an id, MAC, address or name from 'vigie devices')\n"],
  ])('refuses %j (exit %i)', (args, status, stderr) => {
    const r = cli.run(['pause', ...args]);
    expect(r.status).toBe(status);
    expect(r.stderr).toBe(stderr);
  });
});
