/**
 * Review-by-test of what CI cannot run here (no Docker engine): the Dockerfile copies files that
 * exist and runs the same build the CI runs; compose uses host networking and the data volume;
 * package.json pins what must be pinned.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

describe('Dockerfile', () => {
  it('builds on Node 22 and runs the compiled CLI', () => {
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "dist\/cli.js"\]/);
    expect(dockerfile).toContain('RUN npm run build');
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
  });

  it('copies only files that exist in the repository', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) expect(existsSync(src), src).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Record<string, unknown>> };
  const vigie = compose.services.vigie!;
  it('uses host networking so each device keeps its own address', () => {
    expect(vigie.network_mode).toBe('host');
  });
  it('keeps data in a volume at /data, read-only elsewhere, with only NET_BIND_SERVICE', () => {
    expect(vigie.volumes).toContain('vigie-data:/data');
    expect(vigie.read_only).toBe(true);
    expect(vigie.cap_drop).toEqual(['ALL']);
    expect(vigie.cap_add).toEqual(['NET_BIND_SERVICE']);
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
