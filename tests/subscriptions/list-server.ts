/** A real HTTP server on 127.0.0.1 (port 0) for the subscription tests: loopback only. */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
