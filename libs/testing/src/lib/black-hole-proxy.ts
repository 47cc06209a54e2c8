import { Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of a server (Redis) that can turn into a black hole: connections stay open
 * and new ones are accepted, but no byte goes either way — a network partition as a client sees
 * it (no ECONNREFUSED, no reset, only silence), which a killed server does not reproduce.
 */
export class BlackHoleProxy {
  private readonly sockets = new Set<Socket>();
  private swallowing = false;
  private readonly server = createServer((client) => this.accept(client));
  private port = 0;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<BlackHoleProxy> {
    const proxy = new BlackHoleProxy(targetPort, targetHost);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** `redis://127.0.0.1:<proxy port>` */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** From now on nothing passes, either way; open sockets stay open and new ones are accepted. */
  blackHole(): void {
    this.swallowing = true;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.swallowing) return void client.resume();
    const upstream = this.track(connect(this.targetPort, this.targetHost));
    client.on('data', (data) => this.swallowing || upstream.write(data));
    upstream.on('data', (data) => this.swallowing || client.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => this.swallowing || client.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}
