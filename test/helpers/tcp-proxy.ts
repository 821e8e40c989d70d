import { connect, createServer, type Socket } from 'node:net';
import { freePort } from './processes.js';

export interface TcpProxy {
  port: number;
  /**
   * From now on, new connections are accepted and never answered (a database that hangs). Open ones are left to
   * finish: wrangler's local Hyperdrive proxy exits on a reset connection.
   */
  hang(): void;
  /** Forward again. */
  resume(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target`, that a test can make hang: the database "unreachable" without stopping it. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let hanging = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (hanging) return; // accepted, never answered
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    hang() {
      hanging = true;
    },
    resume() {
      hanging = false;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
