/** `vigie devices`: list (table and JSON), set name/profile by IP, MAC or name, forget. */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listsChangedStampPath } from '../../src/blocklists/subscriptions/list-files.js';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeEach(async () => {
  cli = await createCliHarness();
});
afterEach(async () => {
  await cli.close();
});

// Each test spawns the real binary a few times (about 1 s each on a busy 2-core machine).
describe('vigie devices', { timeout: 60_000 }, () => {
  it('says when no device was seen yet', () => {
    const r = cli.run(['devices']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('no devices seen yet (a device appears once it asks Vigie for a name)\n');
  });

  it('lists devices with profile, relative last-seen time, addresses and a private-MAC flag', () => {
    cli.seed([{ ip: '192.168.1.20', mac: '02:11:22:33:44:55', minutesAgo: 3 }, { ip: '192.168.1.30', minutesAgo: 125 }]);
    const r = cli.run(['devices']);
    expect(r.status).toBe(0);
    const [header, first, second] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+HOSTNAME\s+PROFILE\s+LAST SEEN\s+ADDRESSES\s+MAC\s+OVERRIDE$/);
    expect(first).toMatch(/^mac:02:11:22:33:44:55\s+-\s+-\s+default \(child\)\s+3 min ago\s+192\.168\.1\.20\s+02:11:22:33:44:55 \(private\/random\)$/);
    expect(second).toMatch(/^ip:192\.168\.1\.30\s+-\s+-\s+default \(child\)\s+2 h 05 min ago\s+192\.168\.1\.30\s+-$/);
  });

  it('names a device and assigns a profile by IP, then by name; --profile default and --name \'\' undo it', () => {
    const [id] = cli.seed([{ ip: '192.168.1.20', mac: '02:11:22:33:44:55' }]);
    const stamp = listsChangedStampPath(cli.dataDir);
    expect(existsSync(stamp)).toBe(false);
    let r = cli.run(['devices', 'set', '192.168.1.20', '--name', "Léa's tablet", '--profile', 'teen']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${id}: name Léa's tablet, profile teen\n`);
    // The stamp a running `vigie serve` watches, to rebuild its policy within seconds.
    expect(Date.parse(readFileSync(stamp, 'utf8').trim())).toBeGreaterThan(Date.now() - 60_000);
    r = cli.run(['devices', 'set', "léa's TABLET", '--profile', 'adult']);
    expect(r.stdout).toBe(`${id}: name Léa's tablet, profile adult\n`);
    const [device] = JSON.parse(cli.run(['devices', '--json']).stdout);
    expect(device).toMatchObject({ id, name: "Léa's tablet", profileId: 'adult', effectiveProfileId: 'adult', randomizedMac: true, override: null });
    r = cli.run(['devices', 'set', '02-11-22-33-44-55', '--name', '', '--profile', 'default']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${id}: name (none), profile default (child)\n`);
  });

  it('refuses an unknown device (exit 1), an unknown profile (exit 1, listing them) and a bare set (exit 2)', () => {
    cli.seed([{ ip: '192.168.1.20' }]);
    let r = cli.run(['devices', 'set', '192.168.1.99', '--profile', 'teen']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vigie devices: no device '192.168.1.99' (give an id, MAC, address or name from 'vigie devices')\n");
    r = cli.run(['devices', 'set', '192.168.1.20', '--profile', 'grandma']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vigie devices: no profile 'grandma' (profiles: adult, child, teen, unfiltered)\n");
    r = cli.run(['devices', 'set', '192.168.1.20']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('needs one device and --name and/or --profile');
    r = cli.run(['devices', 'rename']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown sub-command 'rename'");
  });

  it('forgets a device', () => {
    cli.seed([{ ip: '192.168.1.20' }, { ip: '192.168.1.30', name: 'Dad laptop' }]);
    const r = cli.run(['devices', 'forget', 'dad laptop']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('forgot Dad laptop (ip:192.168.1.30); if it asks again it comes back under the default profile\n');
    expect(JSON.parse(cli.run(['devices', '--json']).stdout).map((d: { id: string }) => d.id)).toEqual(['ip:192.168.1.20']);
    expect(cli.run(['devices', 'forget', 'dad laptop']).status).toBe(1);
  });
});
