#!/usr/bin/env node
// `npm run package`: builds dist-deb/vigie_<version>_<arch>.deb with dpkg-deb from a staging tree
// (no fpm, nothing downloaded: the app, its production node_modules as installed in this
// checkout, the files in deploy/debian/ and the systemd unit adapted from deploy/vigie.service).
//
//   node scripts/package-deb.mjs [--arch amd64|arm64|all-native] [--addon FILE] [--out DIR] [--no-build]
//
// better-sqlite3 is machine code for one CPU and one Node major (its ABI): the package for this
// machine's architecture ships the addon built here and depends on this Node major. A package for
// the other architecture needs an addon built there (`npm ci` on the Raspberry Pi itself, or on a
// CI machine of that architecture, with the same Node major), given with --addon FILE; without
// it the build is refused rather than shipping a binary that cannot load. `all-native` builds
// this machine's package, and the other one too when --addon is given.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const DEBIAN = join(ROOT, 'deploy/debian');
/** dpkg architecture → ELF e_machine of a matching addon, and Node's process.arch. */
const ARCHES = { amd64: { elf: 0x3e, node: 'x64' }, arm64: { elf: 0xb7, node: 'arm64' } };
const ADDON = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
/** What npm packages carry for their developers only (lintian flags it; nothing loads it). */
const NOT_SHIPPED = /^(\.gitattributes|\.npmignore|\.eslintrc.*|\.github|\.travis\.yml|\.editorconfig|benchmarks?|integration|test|\.husky|.*\.html|.*\.sh)$/;

function fail(message) {
  console.error(`package-deb: ${message}`);
  process.exit(1);
}

const { values: opts } = parseArgs({
  options: {
    arch: { type: 'string', default: 'all-native' },
    addon: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'dist-deb') },
    'no-build': { type: 'boolean', default: false },
    // xz (small, the default) or none (fast: the tests inspect the package, nobody downloads it).
    compress: { type: 'string', default: 'xz' },
  },
});
const nativeArch = Object.keys(ARCHES).find((a) => ARCHES[a].node === process.arch);
if (nativeArch === undefined) fail(`no Debian package for ${process.arch}: amd64 and arm64 only`);
const otherArch = nativeArch === 'amd64' ? 'arm64' : 'amd64';
if (opts.arch !== 'all-native' && !(opts.arch in ARCHES)) fail(`--arch must be amd64, arm64 or all-native, not ${opts.arch}`);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
// Debian's usual variables name who signs the package; the fallback is not a real address (lintian says so).
const MAINTAINER = `${process.env.DEBFULLNAME ?? 'Vigie maintainers'} <${process.env.DEBEMAIL ?? 'vigie@localhost.localdomain'}>`;
const nodeMajor = Number(process.versions.node.split('.')[0]);

/** How to get an addon for `arch` (printed when it is missing). */
function addonHowTo(arch) {
  return [
    `the ${arch} package needs better-sqlite3 built on ${arch} with Node ${nodeMajor}. On a ${arch} machine`,
    `(the Raspberry Pi itself, or a CI machine of that architecture), in a clone of Vigie: npm ci, then`,
    `either run npm run package there, or copy ${ADDON} here and run`,
    `  node scripts/package-deb.mjs --arch ${arch} --addon /path/to/better_sqlite3.node`,
  ].join('\n');
}

/** Refuses an addon that is not an ELF shared object for `arch`. */
function checkAddon(file, arch) {
  if (!existsSync(file)) fail(`--addon ${file}: no such file`);
  const head = readFileSync(file).subarray(0, 20);
  if (head.length < 20 || head.readUInt32BE(0) !== 0x7f454c46) fail(`--addon ${file} is not an ELF binary`);
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  if (machine !== ARCHES[arch].elf) fail(`--addon ${file} is not built for ${arch} (ELF machine 0x${machine.toString(16)})`);
}

/** Production packages installed in this checkout, as paths relative to it (npm ls, offline). */
function productionPackages() {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  return out.split('\n').filter((p) => p !== '' && resolve(p) !== ROOT).map((p) => relative(ROOT, p));
}

/** Copies the production node_modules into `dest`, better-sqlite3 without its build leftovers. */
function copyNodeModules(dest, addon) {
  for (const rel of productionPackages()) {
    cpSync(join(ROOT, rel), join(dest, rel), {
      recursive: true,
      // Nested node_modules are listed (and copied) on their own when they are production ones.
      filter: (src) => {
        const parts = relative(join(ROOT, rel), src).split('/');
        return !parts.includes('node_modules') && !parts.some((part) => NOT_SHIPPED.test(part));
      },
    });
  }
  const sqlite = join(dest, 'node_modules/better-sqlite3');
  for (const leftover of ['build', 'deps', 'src', 'binding.gyp']) rmSync(join(sqlite, leftover), { recursive: true, force: true });
  mkdirSync(join(sqlite, 'build/Release'), { recursive: true });
  const shipped = join(sqlite, 'build/Release/better_sqlite3.node');
  cpSync(addon, shipped);
  try {
    execFileSync('strip', ['--strip-unneeded', shipped], { stdio: 'ignore' });
  } catch {
    console.log('note: strip could not handle the addon (another architecture?); shipped unstripped');
  }
}

/** The systemd unit of deploy/vigie.service with the package's paths. */
function packagedUnit() {
  let unit = readFileSync(join(ROOT, 'deploy/vigie.service'), 'utf8');
  const body = unit.slice(unit.indexOf('[Unit]'));
  unit = `# Vigie, the family DNS filter (Debian package). Settings: /etc/vigie/vigie.env.\n# Logs: journalctl -u vigie. Local changes: sudo systemctl edit vigie (a drop-in).\n\n${body}`;
  for (const [from, to] of [
    ['Documentation=file:///opt/vigie/docs/install.md', 'Documentation=file:///usr/share/doc/vigie/install.md'],
    ['WorkingDirectory=/opt/vigie', 'WorkingDirectory=/usr/lib/vigie'],
    ['ExecStart=/usr/bin/node /opt/vigie/dist/cli.js serve', 'ExecStart=/usr/bin/node /usr/lib/vigie/dist/cli.js serve'],
  ]) {
    if (!unit.includes(from)) fail(`deploy/vigie.service no longer has '${from}': update scripts/package-deb.mjs`);
    unit = unit.replace(from, to);
  }
  if (unit.includes('/opt/vigie')) fail('deploy/vigie.service names /opt/vigie where the package does not expect it');
  return unit;
}

/** Sizes in KiB of every file under `dir` (Installed-Size). */
function kib(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) total += kib(p);
    else if (entry.isFile()) total += Math.ceil(statSync(p).size / 1024);
  }
  return total;
}

/** Directories 0755, files 0644, scripts (`#!`) 0755, as Debian expects. */
function normalizeModes(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      chmodSync(p, 0o755);
      normalizeModes(p);
    } else if (entry.isFile()) chmodSync(p, readFileSync(p).subarray(0, 2).toString() === '#!' ? 0o755 : 0o644);
  }
}

/** A short manual page: the command's own help text. */
function manPage() {
  const help = execFileSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'help'], { encoding: 'utf8' });
  const escaped = help.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1');
  return `.TH VIGIE 1 "" "vigie ${pkg.version}" "User Commands"\n.SH NAME\nvigie \\- family DNS filter for the home network\n.SH SYNOPSIS\n.nf\n${escaped}.fi\n.SH FILES\n/etc/vigie/vigie.env (settings), /var/lib/vigie (data), /usr/share/doc/vigie (guides)\n`;
}

function write(file, text, mode = 0o644) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

function build(arch, addon) {
  const stage = mkdtempSync(join(tmpdir(), `vigie-deb-${arch}-`));
  chmodSync(stage, 0o755);
  try {
    const app = join(stage, 'usr/lib/vigie');
    mkdirSync(app, { recursive: true });
    for (const part of ['dist', 'lists', 'public']) cpSync(join(ROOT, part), join(app, part), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    copyNodeModules(app, addon);
    const doc = join(stage, 'usr/share/doc/vigie');
    mkdirSync(join(doc, 'fr'), { recursive: true });
    cpSync(join(ROOT, 'README.md'), join(doc, 'README.md'));
    for (const f of ['install.md', 'router.md', 'configuration.md']) cpSync(join(ROOT, 'docs', f), join(doc, f));
    if (existsSync(join(ROOT, 'docs/fr'))) cpSync(join(ROOT, 'docs/fr'), join(doc, 'fr'), { recursive: true });
    write(join(doc, 'copyright'), copyright());
    write(join(doc, 'changelog.gz'), gzipSync(changelog(), { level: 9 }));
    write(join(stage, 'usr/share/man/man1/vigie.1.gz'), gzipSync(manPage(), { level: 9 }));
    normalizeModes(stage);
    chmodSync(join(app, 'dist/cli.js'), 0o755);
    write(join(stage, 'usr/bin/vigie'), readFileSync(join(DEBIAN, 'vigie')), 0o755);
    write(join(stage, 'lib/systemd/system/vigie.service'), packagedUnit());
    // 0640: an SMTP password for the weekly report may end up here. systemd reads it as root.
    write(join(stage, 'etc/vigie/vigie.env'), readFileSync(join(DEBIAN, 'vigie.env')), 0o640);
    chmodSync(join(stage, 'etc/vigie'), 0o755);
    const control = join(stage, 'DEBIAN');
    mkdirSync(control, { mode: 0o755 });
    for (const script of ['postinst', 'prerm', 'postrm']) write(join(control, script), readFileSync(join(DEBIAN, script)), 0o755);
    write(join(control, 'conffiles'), '/etc/vigie/vigie.env\n');
    write(join(control, 'control'), controlFile(arch, kib(stage)));
    mkdirSync(opts.out, { recursive: true });
    const deb = join(resolve(opts.out), `vigie_${pkg.version}_${arch}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${opts.compress === 'none' ? 'none' : 'xz'}`, '--build', stage, deb], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`built ${relative(process.cwd(), deb) || deb}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function controlFile(arch, installedSize) {
  return `Package: vigie
Version: ${pkg.version}
Architecture: ${arch}
Maintainer: ${MAINTAINER}
Installed-Size: ${installedSize}
Depends: nodejs (>= ${nodeMajor}), nodejs (<< ${nodeMajor + 1}), libc6, libgcc-s1, libstdc++6, passwd
Recommends: iproute2
Section: net
Priority: optional
Description: family DNS filter for the home network
 Vigie answers the home's DNS questions and blocks, per device profile and
 weekly schedule, anonymous chat sites, random video chats, teen meetup and
 dating apps, and the tricks used to get around a filter. Everything else is
 forwarded to upstream DNS servers. Parents manage it from an admin page
 (French and English) and get a weekly report of blocked attempts.
 .
 The better-sqlite3 addon inside is built for Node.js ${nodeMajor}.
`;
}

function copyright() {
  return `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: vigie
Comment: The block lists in /usr/lib/vigie/lists carry their own sources and licences
 (lists/README.md, lists/snapshots/manifest.json); npm modules in
 /usr/lib/vigie/node_modules carry theirs in their folders.

Files: *
Copyright: 2025-2026 Vigie contributors
License: AGPL-3.0-or-later
 This program is free software: you can redistribute it and/or modify it under
 the terms of the GNU Affero General Public License as published by the Free
 Software Foundation, either version 3 of the License, or (at your option) any
 later version.
 .
 This program is distributed in the hope that it will be useful, but WITHOUT
 ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS
 FOR A PARTICULAR PURPOSE. See the GNU Affero General Public License for more
 details: <https://www.gnu.org/licenses/agpl-3.0.html>.
`;
}

function changelog() {
  // A fixed date keeps the package reproducible; SOURCE_DATE_EPOCH wins when set.
  const seconds = Number(process.env.SOURCE_DATE_EPOCH ?? statSync(join(ROOT, 'package.json')).mtimeMs / 1000);
  const date = new Date(Math.floor(seconds) * 1000).toUTCString().replace('GMT', '+0000');
  return `vigie (${pkg.version}) unstable; urgency=medium\n\n  * Release ${pkg.version}.\n\n -- ${MAINTAINER}  ${date}\n`;
}

if (!opts['no-build']) execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
if (!existsSync(join(ROOT, 'dist/cli.js'))) fail('dist/cli.js is missing: run npm run build (or drop --no-build)');
if (!existsSync(join(ROOT, ADDON))) fail(`${ADDON} is missing: run npm ci first`);

const wanted = opts.arch === 'all-native' ? [nativeArch, ...(opts.addon ? [otherArch] : [])] : [opts.arch];
for (const arch of wanted) {
  if (arch === nativeArch) {
    build(arch, join(ROOT, ADDON));
  } else if (opts.addon === undefined) {
    fail(`refusing to build the ${arch} package with this ${nativeArch} machine's addon:\n${addonHowTo(arch)}`);
  } else {
    checkAddon(opts.addon, arch);
    build(arch, opts.addon);
  }
}
if (opts.arch === 'all-native' && !opts.addon) console.log(`not built: the ${otherArch} package (${addonHowTo(otherArch).replace(/\n/g, '\n  ')})`);
