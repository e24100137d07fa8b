/**
 * DNS over TCP (RFC 7766) with the limits a home resolver needs against slow or greedy clients:
 * a cap on connections in total and per client, an idle timeout, a deadline for each message once
 * it has started, a cap on queries per connection, and pipelining with a bounded number of
 * answers pending per connection.
 *
 * When the slots are full, a new connection is not refused if an idle one (no answer pending) can
 * make room: the least recently active idle connection is closed instead (RFC 7766 §6.2.3 lets a
 * server close idle connections; clients reconnect). A client at its own cap loses its own oldest
 * idle connection; otherwise the oldest idle connection of anyone goes. So one host holding every
 * slot with idle connections (many addresses × maxPerClient) cannot keep other clients out; only
 * connections all busy with queries are a reason to refuse.
 */
import net from 'node:net';

export interface TcpLimits {
  readonly maxConnections: number;
  readonly maxPerClient: number;
  readonly idleMs: number;
  readonly messageMs: number;
  readonly maxQueriesPerConnection?: number;
  readonly maxPendingPerConnection?: number;
}

/** Handles one framed message; resolves with the framed-less answer bytes, or null for none. */
export type TcpMessageHandler = (message: Buffer, client: { ip: string; port: number }) => Promise<Buffer | null>;

/** A listening DNS-over-TCP server; closeAllConnections() ends open connections at shutdown. */
export type TcpListener = net.Server & { closeAllConnections(): void };

/** One open connection, as the slot accounting sees it. */
interface Conn {
  readonly socket: net.Socket;
  readonly ip: string;
  /** Answers not yet written; 0 means idle (may be closed to make room). */
  pending: number;
  /** Still counted in `open` and `perClient` (cleared once, by close or eviction). */
  counted: boolean;
}

/** Creates a net.Server that speaks DNS over TCP with the given limits. */
export function createTcpListener(limits: TcpLimits, handle: TcpMessageHandler, hooks: { onConnection(): void; onRejected(): void; unmap(ip: string): string }): TcpListener {
  const perClient = new Map<string, number>();
  /** Open connections, least recently active first (a Map keeps insertion order; touch re-inserts). */
  const conns = new Map<net.Socket, Conn>();
  let open = 0;
  const maxQueries = limits.maxQueriesPerConnection ?? 100;
  const maxPending = limits.maxPendingPerConnection ?? 16;

  const touch = (c: Conn): void => {
    if (!c.counted) return;
    conns.delete(c.socket);
    conns.set(c.socket, c);
  };
  /** Frees the connection's slot (once, whichever of close and eviction comes first). */
  const uncount = (c: Conn): void => {
    if (!c.counted) return;
    c.counted = false;
    conns.delete(c.socket);
    open--;
    const left = (perClient.get(c.ip) ?? 1) - 1;
    if (left <= 0) perClient.delete(c.ip);
    else perClient.set(c.ip, left);
  };
  /** The least recently active idle connection (of `ip` when given), or null: at most one scan of ≤ maxConnections. */
  const oldestIdle = (ip: string | null): Conn | null => {
    for (const c of conns.values()) if (c.pending === 0 && (ip === null || c.ip === ip)) return c;
    return null;
  };

  // allowHalfOpen: a client may send its queries and then shut down its sending side (RFC 7766
  // §6.2.1 lets it); the answers still pending must go out before we close (see stopReading).
  const server = net.createServer({ noDelay: true, pauseOnConnect: false, allowHalfOpen: true }, (socket) => {
    const ip = hooks.unmap(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    const atClientCap = (perClient.get(ip) ?? 0) >= limits.maxPerClient;
    if (atClientCap || open >= limits.maxConnections) {
      const victim = oldestIdle(atClientCap ? ip : null);
      if (victim === null) {
        hooks.onRejected();
        socket.destroy();
        return;
      }
      uncount(victim);
      victim.socket.destroy();
    }
    const conn: Conn = { socket, ip, pending: 0, counted: true };
    open++;
    perClient.set(ip, (perClient.get(ip) ?? 0) + 1);
    conns.set(socket, conn);
    hooks.onConnection();
    serveConnection(conn, port);
    socket.once('close', () => uncount(conn));
  });

  function serveConnection(conn: Conn, port: number): void {
    const { socket, ip } = conn;
    let chunks: Buffer[] = [];
    let size = 0;
    let served = 0;
    /** No more queries are read (query cap reached or the client half-closed): finish and close. */
    let closing = false;
    let messageTimer: NodeJS.Timeout | null = null;
    const clearMessageTimer = (): void => {
      if (messageTimer) clearTimeout(messageTimer);
      messageTimer = null;
    };
    /**
     * Accepts no more queries; ends the connection once every pending answer is written. Bytes
     * still arriving are read and discarded (not buffered), so the client's close is seen and no
     * RST cuts off the last answers; a client that keeps sending is cut off after idleMs.
     */
    const stopReading = (): void => {
      if (closing) return;
      closing = true;
      chunks = [];
      size = 0;
      clearMessageTimer();
      socket.resume();
      setTimeout(() => socket.destroy(), limits.idleMs).unref();
      if (conn.pending === 0) socket.end();
    };
    // Idle means no query outstanding either (RFC 7766 §6.2.3): a slow upstream answer is not
    // cut off; writing it is activity and re-arms the timer.
    socket.setTimeout(limits.idleMs, () => {
      if (conn.pending === 0) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', clearMessageTimer);
    socket.on('end', stopReading);
    socket.on('data', (chunk) => {
      if (closing) return;
      // Chunks are joined only once a whole message is in (at most one copy per message), so a
      // 64 KB message trickled in small segments costs O(n), not O(n²).
      chunks.push(chunk);
      size += chunk.length;
      while (size >= 2) {
        if (chunks[0]!.length < 2) chunks = [Buffer.concat(chunks, size)];
        const len = chunks[0]!.readUInt16BE(0);
        if (size < 2 + len) break;
        const joined = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        const message = Buffer.from(joined.subarray(2, 2 + len));
        const rest = joined.subarray(2 + len);
        chunks = rest.length > 0 ? [rest] : [];
        size = rest.length;
        clearMessageTimer();
        if (served >= maxQueries) {
          // Past the per-connection cap: answer what was accepted, read nothing more.
          stopReading();
          return;
        }
        served++;
        conn.pending++;
        touch(conn);
        if (conn.pending >= maxPending) socket.pause();
        handle(message, { ip, port }).then(
          (answer) => {
            conn.pending--;
            touch(conn);
            if (!closing && socket.isPaused() && conn.pending < maxPending) socket.resume();
            if (socket.destroyed || socket.writableEnded) return;
            if (answer !== null) {
              const prefix = Buffer.allocUnsafe(2);
              prefix.writeUInt16BE(answer.length, 0);
              socket.write(Buffer.concat([prefix, answer]));
            }
            if (conn.pending === 0 && (closing || served >= maxQueries)) socket.end();
          },
          () => socket.destroy(),
        );
      }
      // A message has started: it must complete within messageMs (slowloris defence).
      if (size > 0 && messageTimer === null) messageTimer = setTimeout(() => socket.destroy(), limits.messageMs);
    });
  }

  server.on('error', () => {
    /* listen errors are reported by the caller's listen() promise */
  });
  return Object.assign(server, {
    closeAllConnections(): void {
      for (const socket of [...conns.keys()]) socket.destroy();
    },
  });
}
