/**
 * A real dnsmasq (Debian dnsmasq-base, /usr/sbin/dnsmasq) on loopback, as a home router's DNS
 * relay: it listens on one 127.x address and port and forwards everything to one server (Vigie),
 * from its own listening address (`server=IP#PORT@SOURCE`), with the EDNS0 options given
 * (`--add-mac`, `--add-subnet=32,128`, `--strip-mac` …). No config file, hosts or resolv.conf is
 * read; nothing is cached; it logs each query to stderr (kept for failure messages).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DNSMASQ = '/usr/sbin/dnsmasq';
export const hasDnsmasq = existsSync(DNSMASQ);

export interface Dnsmasq {
  readonly address: string;
  readonly port: number;
  /** What dnsmasq printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A UDP port free on `address` now (dnsmasq binds it a moment later). */
export function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket('udp4');
    s.on('error', reject);
    s.bind({ address, port: 0 }, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts dnsmasq on address:port forwarding to upstream (127.0.0.1:upstreamPort); resolves once it listens. */
export async function startDnsmasq(opts: { address: string; port: number; upstreamPort: number; options: readonly string[] }): Promise<Dnsmasq> {
  const dir = mkdtempSync(join(tmpdir(), 'vigie-dnsmasq-'));
  const args = [
    '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll', '--bind-interfaces',
    `--listen-address=${opts.address}`, `--port=${opts.port}`, `--server=127.0.0.1#${opts.upstreamPort}@${opts.address}`,
    '--cache-size=0', '--log-queries=extra', '--log-facility=-', `--pid-file=${join(dir, 'pid')}`, ...opts.options,
  ];
  const child: ChildProcess = spawn(DNSMASQ, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dnsmasq did not start:\n${output}`)), 10_000);
    const poll = setInterval(() => {
      if (/started, version/.test(output)) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`dnsmasq exited with ${code}:\n${output}`));
    });
  });
  return {
    address: opts.address,
    port: opts.port,
    log: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
