/** The real `vigie serve` (dist/cli.js) in a child process, on loopback, with a temp data dir. */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist/cli.js');

/** A UDP port free on 127.0.0.1 right now (also free for TCP in practice). */
export async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `vigie serve` with `env` over safe test defaults (loopback DNS on a free port, admin on
 * port 0, automatic list downloads off) and resolves once it logged that it answers DNS.
 * VIGIE_DATA_DIR and VIGIE_UPSTREAMS (a loopback upstream) must be given.
 */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  if (!env.VIGIE_DATA_DIR || !/127\.0\.0\.\d+|\[::1\]/.test(env.VIGIE_UPSTREAMS ?? '')) throw new Error('needs VIGIE_DATA_DIR and a loopback VIGIE_UPSTREAMS');
  const port = await freePort();
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '', VIGIE_DNS_HOST: '127.0.0.1', VIGIE_DNS_PORT: String(port), VIGIE_ADMIN_HOST: '127.0.0.1', VIGIE_ADMIN_PORT: '0', VIGIE_ADMIN_HTTPS_PORT: '0',
      VIGIE_LOG_LEVEL: 'info', VIGIE_LIST_UPDATES: 'off', VIGIE_TZ: 'Europe/Paris', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    const poll = setInterval(() => {
      if (out.includes('vigie is answering DNS')) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`serve exited ${code}: ${out}`));
    });
  });
  return {
    child,
    port,
    output: () => out,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
