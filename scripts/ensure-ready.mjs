// Makes a fresh clone runnable: installs npm dependencies when node_modules is missing or older
// than package-lock.json, then (with --build) compiles src/ to dist/ when dist/ is missing or stale.
// Node built-ins only: this runs before any dependency exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (mtime('node_modules/.package-lock.json') < mtime('package-lock.json')) {
  console.error('vigie: installing dependencies (npm ci)…');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
if (process.argv.includes('--build') && (mtime('dist/cli.js') === 0 || newest('src') > mtime('dist/cli.js'))) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
