import { createServer, connect, type Server, type Socket } from 'node:net';

export type TcpProxy = {
  readonly port: number;
  /** Accepts connections again and forwards them. */
  open(): Promise<void>;
  /** Refuses new connections and cuts every open one: the target looks down. */
  cut(): Promise<void>;
  /**
   * Keeps every connection open but carries nothing either way, and accepts new ones that never
   * reach the target: the target hangs (a query in flight never answers, a connect times out).
   */
  freeze(): void;
};

/** A TCP forwarder on a free local port to 127.0.0.1:`targetPort`: a dependency outage on demand. */
export const tcpProxy = async (targetPort: number, options: { open?: boolean } = {}): Promise<TcpProxy> => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let frozen = false;
  const pairs = new Set<[Socket, Socket]>();
  // Pick a port once, then keep it across cut/open.
  const probe = createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    }),
  );
  const open = async () => {
    frozen = false;
    if (server !== undefined) return;
    const s = createServer((client) => {
      if (frozen) {
        sockets.add(client);
        client.on('close', () => sockets.delete(client));
        client.on('error', () => undefined);
        client.pause();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      pairs.add([client, upstream]);
      client.on('close', () => pairs.forEach((p) => p[0] === client && pairs.delete(p)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
  };
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  const freeze = () => {
    frozen = true;
    for (const [client, upstream] of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  };
  if (options.open ?? true) await open();
  return { port, open, cut, freeze };
};
