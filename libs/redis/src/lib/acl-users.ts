/**
 * The Redis ACL users streamscribe's apps connect as, written once: the README quotes the lines
 * `aclSetUserLine` prints, and the TLS + ACL end-to-end suite creates its users from the same
 * definitions, so what operators are told to run is what the suite ran.
 *
 * Commands are the ones the apps send, no categories: a command added to the code that is missing
 * here fails with NOPERM and shows in `ACL LOG` (the end-to-end suite asserts that log is empty).
 * Key patterns cover the key scheme (contracts' `KeyScheme`): the classic names, other tenants'
 * `t:<tenant>:` session keys and the `{k}`-tagged partition keys all start with these prefixes.
 */
export interface RedisAclUser {
  /** Which app connects as this user. */
  app: 'router' | 'worker';
  username: string;
  /** Key patterns (`~pattern`). */
  keys: readonly string[];
  /** Commands and `command|subcommand`s allowed (`+name`); everything else is refused. */
  commands: readonly string[];
}

/** AUTH, HELLO are always allowed; these are what every connection sends besides its work. */
const CONNECTION_COMMANDS = [
  // /health/ready
  'ping',
  // ioredis' ready check (waits while Redis loads its data after a restart), and the startup
  // maxmemory-policy warning (INFO memory, instead of the admin command CONFIG GET)
  'info',
  // connection names in CLIENT LIST (`<consumer>:reader`, `router:results-watcher`)
  'client|setname',
  // a clean close: pending replies first
  'quit',
] as const;

/** EVALSHA, with EVAL when Redis lost its script cache; the scripts' own calls are checked too. */
const SCRIPT_COMMANDS = ['evalsha', 'eval'] as const;

const ROUTER_USER: RedisAclUser = {
  app: 'router',
  username: 'streamscribe-router',
  // The router owns every key: sessions, provider streams, results, costs, consensus, health.
  keys: ['audio:stream:*', 'transcription:*', 'streamscribe:*'],
  commands: [
    ...CONNECTION_COMMANDS,
    ...SCRIPT_COMMANDS,
    // chunks in (ingest script, hedges), consensus records, dead-letter views and re-drive
    'xadd',
    'xrange',
    'xrevrange',
    'xdel',
    'xlen',
    // the shared results reader behind transcripts' waits and live feeds (XREAD BLOCK)
    'xread',
    // fleet load (routing) and /metrics lag
    'xinfo|groups',
    'xinfo|consumers',
    // live consumers per fleet (heartbeat sorted sets)
    'zcount',
    // session meta, chunk index, result index, costs, consensus detail, provider health
    'hget',
    'hgetall',
    'hexists',
    'hset',
    'hsetnx',
    'hdel',
    'hmget',
    'hincrby',
    'hincrbyfloat',
    'exists',
    'expire',
    'multi',
    'exec',
  ],
};

const WORKER_USER: RedisAclUser = {
  app: 'worker',
  username: 'streamscribe-worker',
  // Provider streams, results/failures/dead letters, sessions' result index and cost, cost
  // totals, heartbeats and provider health; not the router's other keys (consensus requests and
  // anything later kept under streamscribe: by the router alone).
  keys: [
    'audio:stream:*',
    'transcription:*',
    'streamscribe:session:*',
    'streamscribe:cost:*',
    'streamscribe:heartbeats:*',
    'streamscribe:provider:*',
  ],
  commands: [
    ...CONNECTION_COMMANDS,
    // ends a blocked XREADGROUP at once on drain and when reclaimed entries wait for its slots;
    // without them, drain drops the reader's connection and reclaimed entries wait up to blockMs
    'client|id',
    'client|unblock',
    ...SCRIPT_COMMANDS,
    // the consumer group: join, read, acknowledge, leases, reclaim, leave
    'xgroup|create',
    'xgroup|delconsumer',
    'xreadgroup',
    'xack',
    'xpending',
    'xclaim',
    'xautoclaim',
    // results, failures, dead letters; acknowledged-entry trimming; the result index's check
    'xadd',
    'xrange',
    'xtrim',
    // the fleet's own lag on /metrics
    'xlen',
    'xinfo|groups',
    'xinfo|consumers',
    // heartbeats: announce, leave, forget stale ones
    'zadd',
    'zrem',
    'zremrangebyscore',
    'zcount',
    // session result index and cost, provider health and breaker outcome
    'hget',
    'hset',
    'hsetnx',
    'hdel',
    'hmget',
    'hincrby',
    'hincrbyfloat',
    'expire',
  ],
};

/** The users of a deployment: one for the routers, one for every provider worker fleet. */
export function redisAclUsers(): readonly RedisAclUser[] {
  return [ROUTER_USER, WORKER_USER];
}

export function redisAclUser(app: RedisAclUser['app']): RedisAclUser {
  return app === 'router' ? ROUTER_USER : WORKER_USER;
}

/**
 * The arguments of `ACL SETUSER` after the word SETUSER (the username first; an ACL file's
 * `user` line takes the same) for `user` with `password`: from a reset (so running it again leaves no
 * older rule behind), no pub/sub channels, the key patterns, nothing but the listed commands.
 */
export function aclSetUserArgs(user: RedisAclUser, password: string): string[] {
  return [
    user.username,
    'reset',
    'on',
    `>${password}`,
    'resetchannels',
    ...user.keys.map((pattern) => `~${pattern}`),
    '-@all',
    ...user.commands.map((command) => `+${command}`),
  ];
}

/** The `ACL SETUSER …` line an operator runs (README, securing Redis). */
export function aclSetUserLine(user: RedisAclUser, password: string): string {
  return ['ACL', 'SETUSER', ...aclSetUserArgs(user, password)].join(' ');
}
