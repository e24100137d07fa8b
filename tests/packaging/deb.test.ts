/**
 * The Debian package, built for real by scripts/package-deb.mjs into a temp dir and inspected
 * with dpkg-deb (control fields, file list, modes, conffiles, maintainer scripts' syntax). It is
 * not installed here: .ci/run installs it, serves from it and purges it, as root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = join(process.cwd(), 'scripts/package-deb.mjs');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const arch = process.arch === 'arm64' ? 'arm64' : 'amd64';
const otherArch = arch === 'amd64' ? 'arm64' : 'amd64';
const hasDpkg = spawnSync('dpkg-deb', ['--version']).status === 0;

function run(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
}

describe.skipIf(!hasDpkg)('npm run package (Debian package)', () => {
  let out: string;
  let deb: string;
  let build: ReturnType<typeof run>;
  let files: Map<string, string>; // path → mode string (drwxr-xr-x, -rw-r--r--, …)
  let control: string;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'vigie-deb-test-'));
    build = run(process.execPath, [SCRIPT, '--no-build', '--compress', 'none', '--out', out]);
    deb = join(out, `vigie_${version}_${arch}.deb`);
    const listing = run('dpkg-deb', ['--contents', deb]).stdout;
    files = new Map(listing.split('\n').filter(Boolean).map((line) => {
      const fields = line.split(/\s+/);
      return [fields[5]!.replace(/^\.\//, '/'), fields[0]!];
    }));
    control = join(out, 'control');
    run('dpkg-deb', ['--control', deb, control]);
  }, 300_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds vigie_<version>_<native arch>.deb and says how to get the other architecture', () => {
    expect(build.status, build.stderr).toBe(0);
    expect(build.stdout).toContain(`vigie_${version}_${arch}.deb`);
    expect(build.stdout).toContain(`not built: the ${otherArch} package`);
    expect(build.stdout).toContain(`--arch ${otherArch} --addon`);
  });

  it('declares the package: name, version, architecture, Node of the addon, section', () => {
    const info = run('dpkg-deb', ['--field', deb]).stdout;
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(info)?.[1];
    expect(field('Package')).toBe('vigie');
    expect(field('Version')).toBe(version);
    expect(field('Architecture')).toBe(arch);
    const major = Number(process.versions.node.split('.')[0]);
    expect(field('Depends')).toContain(`nodejs (>= ${major}), nodejs (<< ${major + 1})`);
    expect(field('Depends')).toContain('passwd'); // useradd, userdel in the maintainer scripts
    expect(field('Section')).toBe('net');
    expect(Number(field('Installed-Size'))).toBeGreaterThan(1000);
  });

  it('holds the app, the command, the unit, the settings file, the guides', () => {
    for (const path of [
      '/usr/lib/vigie/dist/cli.js', '/usr/lib/vigie/package.json', '/usr/lib/vigie/lists/catalog.json',
      '/usr/lib/vigie/node_modules/fastify/package.json', '/usr/lib/vigie/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      '/usr/bin/vigie', '/lib/systemd/system/vigie.service', '/etc/vigie/vigie.env',
      '/usr/share/doc/vigie/copyright', '/usr/share/doc/vigie/install.md', '/usr/share/man/man1/vigie.1.gz',
    ]) expect(files.has(path), path).toBe(true);
    expect(files.get('/usr/bin/vigie')).toBe('-rwxr-xr-x');
    expect(files.get('/usr/lib/vigie/dist/cli.js')).toBe('-rwxr-xr-x');
    expect(files.get('/etc/vigie/vigie.env')).toBe('-rw-r-----');
    expect(files.get('/usr/lib/vigie/node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe('-rw-r--r--');
  });

  it('ships production dependencies only, and no native build leftovers', () => {
    const paths = [...files.keys()];
    for (const dev of ['typescript', 'vitest', 'vite', 'playwright-core', '@types']) {
      expect(paths.some((p) => p.startsWith(`/usr/lib/vigie/node_modules/${dev}/`)), dev).toBe(false);
    }
    expect(paths.some((p) => p.startsWith('/usr/lib/vigie/node_modules/better-sqlite3/deps/'))).toBe(false);
    expect(paths.some((p) => p.includes('/obj.target/'))).toBe(false);
    expect(paths.some((p) => p.startsWith('/usr/lib/vigie/src/') || p.startsWith('/usr/lib/vigie/tests/'))).toBe(false);
  });

  it('keeps the settings file as a conffile', () => {
    expect(readFileSync(join(control, 'conffiles'), 'utf8')).toBe('/etc/vigie/vigie.env\n');
  });

  it('has maintainer scripts that are valid sh with set -e, and purge deletes data, settings and user', () => {
    for (const script of ['postinst', 'prerm', 'postrm']) {
      const text = readFileSync(join(control, script), 'utf8');
      expect(text.startsWith('#!/bin/sh\n'), script).toBe(true);
      expect(text).toMatch(/^set -e$/m);
      const check = run('sh', ['-n', join(control, script)]);
      expect(check.status, `${script}: ${check.stderr}`).toBe(0);
    }
    const postinst = readFileSync(join(control, 'postinst'), 'utf8');
    expect(postinst).toContain('useradd --system');
    expect(postinst).toContain('[ -d /run/systemd/system ]'); // no systemd (CI, containers): no start, no failure
    const postrm = readFileSync(join(control, 'postrm'), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
    const purge = postrm.slice(postrm.indexOf('if [ "$1" = purge ]'));
    expect(purge).toContain('rm -rf /var/lib/vigie /etc/vigie');
    expect(purge).toContain('userdel vigie');
    expect(postrm.slice(0, postrm.indexOf('if [ "$1" = purge ]'))).not.toContain('/var/lib/vigie');
  });

  it('installs the hardened unit with the package paths and the port-53 capability', () => {
    const unit = run('sh', ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -xOf - ./lib/systemd/system/vigie.service`]).stdout;
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/usr\/lib\/vigie\/dist\/cli\.js serve$/m);
    expect(unit).toMatch(/^WorkingDirectory=\/usr\/lib\/vigie$/m);
    expect(unit).toMatch(/^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m);
    expect(unit).toMatch(/^User=vigie$/m);
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/vigie\/vigie.env$/m);
    expect(unit).not.toContain('/opt/vigie');
    const wrapper = join(out, 'vigie-wrapper');
    writeFileSync(wrapper, run('sh', ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -xOf - ./usr/bin/vigie`]).stdout);
    expect(run('sh', ['-n', wrapper]).status).toBe(0);
    expect(readFileSync(wrapper, 'utf8')).toContain('/usr/lib/vigie/dist/cli.js');
  });

  it(`refuses a ${otherArch} package without an addon built there, or with this machine's addon`, () => {
    const bare = run(process.execPath, [SCRIPT, '--no-build', '--arch', otherArch, '--out', out]);
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain(`refusing to build the ${otherArch} package`);
    const wrong = run(process.execPath, [SCRIPT, '--no-build', '--arch', otherArch, '--out', out,
      '--addon', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(`is not built for ${otherArch}`);
    const notElf = run(process.execPath, [SCRIPT, '--no-build', '--arch', otherArch, '--out', out, '--addon', 'package.json']);
    expect(notElf.status).toBe(1);
    expect(notElf.stderr).toContain('is not an ELF binary');
  });

  it(`builds the ${otherArch} package when given an addon of that CPU type, and ships that file`, () => {
    // An ELF header claiming the other CPU (64-bit little-endian, e_machine at byte 18).
    const header = Buffer.alloc(64);
    header.writeUInt32BE(0x7f454c46, 0);
    header[4] = 2;
    header[5] = 1;
    header.writeUInt16LE(otherArch === 'arm64' ? 0xb7 : 0x3e, 18);
    const addon = join(out, 'foreign.node');
    writeFileSync(addon, header);
    const res = run(process.execPath, [SCRIPT, '--no-build', '--compress', 'none', '--arch', otherArch, '--addon', addon, '--out', out]);
    expect(res.status, res.stderr).toBe(0);
    const foreign = join(out, `vigie_${version}_${otherArch}.deb`);
    expect(run('dpkg-deb', ['--field', foreign, 'Architecture']).stdout.trim()).toBe(otherArch);
    const shipped = run('sh', ['-c', `dpkg-deb --fsys-tarfile "${foreign}" | tar -xOf - ./usr/lib/vigie/node_modules/better-sqlite3/build/Release/better_sqlite3.node | od -v -An -tx1 | tr -d ' \\n'`]).stdout;
    expect(shipped).toBe(header.toString('hex'));
  }, 300_000);
});

describe('French guides (docs/fr)', () => {
  const guides = readdirSync('docs/fr').filter((f) => f.endsWith('.md')).map((f) => join('docs/fr', f));
  const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
  const anchors = (file: string) => new Set([...readFileSync(file, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!)));

  it('has the install, box and first-steps guides, linked from the README and docs/install.md', () => {
    expect(guides.sort()).toEqual(['docs/fr/box.md', 'docs/fr/installation.md', 'docs/fr/premiers-pas.md']);
    const readme = readFileSync('README.md', 'utf8');
    for (const g of guides) expect(readme).toContain(`](${g})`);
    expect(readFileSync('docs/install.md', 'utf8')).toContain('](fr/installation.md)');
  });

  it('every relative link leads to an existing file, and every #anchor to a heading there', () => {
    for (const file of [...guides, 'README.md', 'docs/install.md']) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
        const [target, anchor] = m[1]!.split('#') as [string, string | undefined];
        if (/^[a-z]+:/i.test(target)) continue;
        const path = target === '' ? file : join(dirname(file), target);
        expect(existsSync(path), `${file} → ${m[1]}`).toBe(true);
        if (anchor !== undefined && path.endsWith('.md')) expect(anchors(path).has(anchor), `${file} → ${m[1]}`).toBe(true);
      }
    }
  });

  it('leads the parent through the package and the setup code, and keeps the boxes honest', () => {
    const install = readFileSync('docs/fr/installation.md', 'utf8');
    for (const needle of ['sudo apt install ./vigie_', 'sudo vigie setup-code', 'sudo vigie passwd', 'sudo apt purge vigie', 'box.md']) {
      expect(install, needle).toContain(needle);
    }
    const box = readFileSync('docs/fr/box.md', 'utf8');
    for (const needle of ['Freebox', 'Livebox', 'SFR Box', 'Bbox', 'IPv6', 'ne permettent pas', 'non documenté']) expect(box, needle).toContain(needle);
    const first = readFileSync('docs/fr/premiers-pas.md', 'utf8');
    for (const needle of ['mot de passe', 'Appareils', 'Profils', 'Mettre en pause', 'Tout bloquer', 'Bilan de la semaine']) expect(first, needle).toContain(needle);
  });
});
