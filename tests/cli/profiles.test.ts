/** `vigie profiles`: list, add, set (categories checked against the catalog), rules, default, remove. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliHarness, type CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeEach(async () => {
  cli = await createCliHarness();
});
afterEach(async () => {
  await cli.close();
});

// Each test spawns the real binary a few times (about 1 s each on a busy 2-core machine).
describe('vigie profiles', { timeout: 60_000 }, () => {
  it('lists the built-in profiles with their blocked categories and which one is the default', () => {
    cli.seed([{ ip: '192.168.1.20' }]);
    const r = cli.run(['profiles']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+BASE\s+SAFESEARCH\s+DEVICES\s+WINDOWS\s+RULES\s+DEFAULT\s+BLOCKED CATEGORIES$/);
    expect(lines.find((l) => l.startsWith('child '))).toMatch(/^child\s+Child\s+child\s+on\s+1\s+0\s+0\s+yes\s+adult, anonymous-chat, bypass, dating, random-video-chat, teen-meetup$/);
    expect(lines.find((l) => l.startsWith('unfiltered '))).toMatch(/^unfiltered\s+Unfiltered\s+unfiltered\s+off\s+0\s+0\s+0\s+\(none\)$/);
    const json = JSON.parse(cli.run(['profiles', '--json']).stdout);
    expect(json.find((p: { id: string }) => p.id === 'adult')).toMatchObject({ base: 'adult', safeSearch: false, isDefault: false, devices: 0, blockedCategories: ['bypass'] });
  });

  it('adds a profile copied from another, then changes its categories and SafeSearch', () => {
    let r = cli.run(['profiles', 'add', 'lea', '--name', 'Léa', '--from', 'teen']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('added profile lea "Léa" (a copy of teen, base teen)\n');
    r = cli.run(['profiles', 'set', 'lea', '--block', 'social-media,gaming', '--allow-category', 'dating', '--safe-search', 'off']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('profile lea "Léa": SafeSearch off; blocks adult, anonymous-chat, bypass, gaming, random-video-chat, social-media\n');
    r = cli.run(['profiles', 'set', 'lea', '--reset', 'dating,gaming', '--name', 'Léa (12)']);
    expect(r.stdout).toBe('profile lea "Léa (12)": SafeSearch off; blocks adult, anonymous-chat, bypass, dating, random-video-chat, social-media\n');
    const lea = JSON.parse(cli.run(['profiles', '--json']).stdout).find((p: { id: string }) => p.id === 'lea');
    expect(lea).toMatchObject({ categories: { 'social-media': true }, safeSearch: false, base: 'teen', builtIn: false });
  });

  it('refuses an unknown category listing the valid ones, a taken id, a bad id and a bad switch', () => {
    let r = cli.run(['profiles', 'set', 'child', '--block', 'socail-media']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: --block: unknown category or service 'socail-media' (did you mean: social-media?)\n");
    r = cli.run(['profiles', 'add', 'child', '--name', 'Again']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vigie profiles: a profile 'child' already exists\n");
    r = cli.run(['profiles', 'add', 'Léa', '--name', 'Léa']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: profile id 'Léa' must be 1-40 lower-case letters, digits or dashes\n");
    r = cli.run(['profiles', 'set', 'child', '--safe-search', 'maybe']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: --safe-search must be on or off, not 'maybe'\n");
    r = cli.run(['profiles', 'set', 'nobody', '--safe-search', 'on']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vigie profiles: no profile 'nobody' (profiles: adult, child, teen, unfiltered)\n");
  });

  it("adds and removes a profile's own rules", () => {
    let r = cli.run(['profiles', 'rule', 'child', 'allow', 'Vikidia.org']);
    expect(r.stdout).toBe('profile child: allow vikidia.org and its subdomains\n');
    r = cli.run(['profiles', 'rule', 'child', 'block', 'games.example', '--exact']);
    expect(r.stdout).toBe('profile child: block games.example (exact name)\n');
    expect(cli.run(['profiles']).stdout).toContain('Profile rules:\n  child  allow  vikidia.org (and subdomains)\n  child  block  games.example (exact)\n');
    r = cli.run(['profiles', 'unrule', 'child', 'vikidia.org']);
    expect(r.stdout).toBe('profile child: removed 1 rule(s) for vikidia.org\n');
    r = cli.run(['profiles', 'unrule', 'child', 'vikidia.org']);
    expect(r.status).toBe(1);
    expect(cli.run(['profiles', 'rule', 'child', 'allow', 'not a name']).status).toBe(2);
  });

  it('shows and sets the default profile; removes a profile, its devices falling back to the default', () => {
    expect(cli.run(['profiles', 'default']).stdout).toBe('unknown devices get profile child ("Child")\n');
    expect(cli.run(['profiles', 'default', 'teen']).stdout).toBe('unknown devices now get profile teen ("Teen")\n');
    cli.seed([{ ip: '192.168.1.20' }]);
    cli.run(['profiles', 'add', 'lea', '--name', 'Léa']);
    cli.run(['devices', 'set', '192.168.1.20', '--profile', 'lea']);
    let r = cli.run(['profiles', 'remove', 'lea']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('removed profile lea and its schedule windows; 1 device(s) now get the default profile (teen)\n');
    expect(JSON.parse(cli.run(['devices', '--json']).stdout)[0]).toMatchObject({ profileId: null, effectiveProfileId: 'teen' });
    r = cli.run(['profiles', 'remove', 'adult']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("vigie profiles: 'adult' is a built-in profile: it can be edited, not removed\n");
  });
});
