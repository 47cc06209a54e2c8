import type Redis from 'ioredis';

/** Which connection an event came from: the one for acks and group management, or a group's blocking reader. */
export type RedisStreamsConnection = 'commands' | 'reader';

/** The transport's connection status, in the words of Nest's own `RedisStatus`. */
export type RedisStreamsStatus = 'connected' | 'reconnecting' | 'disconnected';

type Listener<Args extends unknown[] = []> = (connection: RedisStreamsConnection, ...args: Args) => void;

/** The ioredis events `on()` accepts, as Nest's `RedisEvents`, with the connection in place of 'pub' | 'sub'. */
export type RedisStreamsEvents = {
  connect: Listener;
  ready: Listener;
  error: Listener<[Error]>;
  close: Listener;
  reconnecting: Listener;
  end: Listener;
  warning: Listener<[unknown]>;
};

type ConnectionState = 'connecting' | RedisStreamsStatus;

/**
 * The server's connections as Nest 11's transports expose theirs: listeners registered with `on()`
 * hear every connection (those opened later too), and one status for all of them: connected once
 * every connection is ready, reconnecting while any is, disconnected when any ended on its own.
 * Once the server is closing, its connections ending are its own doing, not news.
 */
export class ConnectionEvents {
  private readonly listeners: Array<{ event: keyof RedisStreamsEvents; listener: Listener<unknown[]> }> = [];
  private readonly connections = new Map<Redis, { role: RedisStreamsConnection; state: ConnectionState }>();
  private closing = false;

  constructor(private readonly publish: (status: RedisStreamsStatus) => void) {}

  on<Event extends keyof RedisStreamsEvents>(event: Event, listener: RedisStreamsEvents[Event]): void {
    const entry = { event, listener: listener as Listener<unknown[]> };
    this.listeners.push(entry);
    for (const [client, { role }] of this.connections) this.attach(client, role, entry);
  }

  /** Watches a connection the server just opened. */
  watch(client: Redis, role: RedisStreamsConnection): Redis {
    this.connections.set(client, { role, state: client.status === 'ready' ? 'connected' : 'connecting' });
    client.on('ready', () => this.update(client, 'connected'));
    client.on('reconnecting', () => this.update(client, 'reconnecting'));
    client.on('end', () => this.update(client, 'disconnected'));
    for (const entry of this.listeners) this.attach(client, role, entry);
    return client;
  }

  close(): void {
    this.closing = true;
  }

  private attach(
    client: Redis,
    role: RedisStreamsConnection,
    { event, listener }: (typeof this.listeners)[number],
  ): void {
    client.on(event, (...args: unknown[]) => listener(role, ...args));
  }

  private update(client: Redis, state: ConnectionState): void {
    const connection = this.connections.get(client);
    if (connection) connection.state = state;
    if (this.closing) return;
    const states = [...this.connections.values()].map((c) => c.state);
    if (states.includes('disconnected')) this.publish('disconnected');
    else if (states.includes('reconnecting')) this.publish('reconnecting');
    else if (states.every((s) => s === 'connected')) this.publish('connected');
  }
}
