/** A real HTTP server on 127.0.0.1 (port 0) for the subscription tests: loopback only. */
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface ListServer {
  /** Absolute URL of `path` on this server. */
  url(path: string): string;
  /** Every request seen, in order. */
  readonly requests: { path: string; headers: IncomingHttpHeaders }[];
  /** Replaces the handler. */
  handle(handler: (req: IncomingMessage, res: ServerResponse) => void): void;
  close(): Promise<void>;
}

export async function startListServer(handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => res.end()): Promise<ListServer> {
  let current = handler;
  const requests: ListServer['requests'] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    current(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    handle(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A plain-text list answer. */
export function sendList(res: ServerResponse, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/**
 * Runs `node dist/cli.js lists …` asynchronously (spawnSync would block the in-process HTTP
 * server), with automatic list updates off and the given data and lists folders.
 */
export function runListsCli(args: string[], dirs: { dataDir: string; listsDir: string }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), 'dist/cli.js'), 'lists', ...args], { env: { PATH: process.env.PATH ?? '', VIGIE_DATA_DIR: dirs.dataDir, VIGIE_LIST_UPDATES: 'off', VIGIE_LISTS_DIR: dirs.listsDir, VIGIE_TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
