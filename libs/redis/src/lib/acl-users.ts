/**
 * The Redis ACL users streamscribe's apps connect as, written once: docs/security.md quotes the lines
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
  /**
   * Commands allowed on narrower key patterns only (Redis 7 selectors, `(~pattern +name)`): a
   * command the user may send to these keys and no others.
   */
  selectors?: readonly RedisAclSelector[];
}

export interface RedisAclSelector {
  keys: readonly string[];
  commands: readonly string[];
}

/** AUTH, HELLO are always allowed; these are what every connection sends besides its work. */
const CONNECTION_COMMANDS = [
  // /health/ready
  'ping',
  // ioredis' ready check (waits while Redis loads its data after a restart), the startup
  // maxmemory-policy warning (INFO memory, instead of the admin command CONFIG GET) and the
  // router's admission control (INFO memory: used_memory against maxmemory)
  'info',
  // connection names in CLIENT LIST (`<consumer>:reader`, `router:results-watcher`)
  'client|setname',
  // a clean close: pending replies first
  'quit',
  // Redis Cluster (REDIS_CLUSTER_NODES): ioredis' Cluster client learns which node serves which
  // slot (CLUSTER SLOTS, again after MOVED or a failover) and checks the cluster is up (CLUSTER INFO)
  'cluster|slots',
  'cluster|info',
] as const;

/** EVALSHA, with EVAL when Redis lost its script cache; the scripts' own calls are checked too. */
const SCRIPT_COMMANDS = ['evalsha', 'eval'] as const;

const ROUTER_USER: RedisAclUser = {
  app: 'router',
  username: 'streamscribe-router',
  // The router owns every key: sessions, provider streams, results, costs, consensus, health,
  // API keys, temporary tokens, failure counters and the audit stream (streamscribe:auth:*,
  // streamscribe:audit), tenant settings and quota state (streamscribe:tenant:*).
  keys: ['audio:stream:*', 'transcription:*', 'streamscribe:*'],
  commands: [
    ...CONNECTION_COMMANDS,
    ...SCRIPT_COMMANDS,
    // chunks in (ingest script, hedges), consensus records, dead-letter views and re-drive,
    // the audit stream (XADD MAXLEN ~); XDEL also erases a session's entries (its trail)
    'xadd',
    'xrange',
    'xrevrange',
    'xdel',
    'xlen',
    // the shared results reader behind transcripts' waits and live feeds (XREAD BLOCK)
    'xread',
    // fleet load (routing, admission control), /metrics lag and the re-drive target check
    'xinfo|groups',
    'xinfo|consumers',
    // live consumers per fleet (heartbeat sorted sets)
    'zcount',
    // session meta (cancellation: HSET/HEXISTS), chunk index, result index, costs (per session,
    // per tenant and month), consensus detail, provider health, API keys, tenant settings
    // (HDEL: a setting back on its default), the token bucket (HMGET in its script)
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
    // quota scripts: the token bucket's and live leases' expiry in ms
    'pexpire',
    // quota scripts read Redis' clock, so every router charges against the same time
    'time',
    // session trails (ingest script, hedges, re-drive script), the API key id set
    'sadd',
    'smembers',
    'scard',
    // per-partition session index (ingest script: ZADD; retention sweep: ZRANGE, ZREM; DELETE:
    // ZREM) and a tenant's live leases (scripts: ZADD, ZCARD, ZREMRANGEBYSCORE; close: ZREM)
    'zadd',
    'zrange',
    'zrem',
    'zcard',
    'zremrangebyscore',
    // temporary tokens (SET EX, consumed with GETDEL), the development key's marker (SET NX),
    // consensus claims (SET PX NX), failure throttle (GET, PTTL, INCR + EXPIRE NX), audio-day
    // usage (GET; the charge script's INCRBY; a refund's DECRBY)
    'set',
    'get',
    'getdel',
    'pttl',
    'incr',
    'incrby',
    'decrby',
    'multi',
    'exec',
    // REDIS_DURABILITY=replica: an ingest is acknowledged once WAIT saw it on the replicas
    'wait',
  ],
  // DEL only where something is deleted whole: a session's own keys (DELETE /v1/sessions, the
  // retention sweep) and a tenant's setting overrides (DELETE /v1/admin/tenants); never a shared
  // stream, a heartbeat set or an API key.
  selectors: [
    {
      keys: [
        'streamscribe:session:*',
        'transcription:results:*',
        'streamscribe:tenant:*:settings',
        // a live session's own keys (not the live jobs streams)
        'streamscribe:live:*:audio',
        'streamscribe:live:*:events',
        'streamscribe:live:*:state',
        'streamscribe:live:*:lease',
      ],
      commands: ['del'],
    },
  ],
};

const WORKER_USER: RedisAclUser = {
  app: 'worker',
  username: 'streamscribe-worker',
  // Provider streams, results/failures/dead letters, sessions' keys (result index, cost, trail,
  // meta for cancellation), the per-partition session index (the result script's activity mark),
  // cost totals (providers, tenants), heartbeats and provider health; not the router's other keys
  // (consensus requests and claims, API keys, tokens, audit, tenant settings and quotas).
  keys: [
    'audio:stream:*',
    'transcription:*',
    'streamscribe:session:*',
    'streamscribe:sessions',
    'streamscribe:sessions:*',
    'streamscribe:cost:*',
    'streamscribe:heartbeats:*',
    'streamscribe:provider:*',
    // live sessions: their jobs streams, state, lease, audio log and events
    'streamscribe:live:*',
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
    // results, failures, dead letters; acknowledged-entry trimming; the result index's check
    'xadd',
    'xrange',
    'xtrim',
    // the fleet's own lag on /metrics
    'xlen',
    'xinfo|groups',
    'xinfo|consumers',
    // heartbeats: announce, leave, forget stale ones; the session index (result script)
    'zadd',
    'zrem',
    'zremrangebyscore',
    'zcount',
    // reclaim: whether a pending entry's owner still beats (its batch is claimed when not)
    'zmscore',
    // session result index and cost, provider health and breaker outcome; a cancelled session
    // (HEXISTS on its meta) is not transcribed
    'hget',
    'hexists',
    'hset',
    'hsetnx',
    'hdel',
    'hmget',
    'hincrby',
    'hincrbyfloat',
    'expire',
    // session trails: results, failures and dead letters it writes (result and move scripts,
    // failures)
    'sadd',
    // live sessions: following the audio log (XREAD BLOCK); the lease scripts (GET, SET PX,
    // PEXPIRE); event and final scripts keep the events stream's and log's TTLs on the state's (PTTL)
    'xread',
    'get',
    'set',
    'pexpire',
    'pttl',
  ],
  // DEL only on a live session's lease (its release script), never anything shared.
  selectors: [{ keys: ['streamscribe:live:*:lease'], commands: ['del'] }],
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
 * older rule behind), no pub/sub channels, the key patterns, nothing but the listed commands, then
 * each selector as one argument `(~pattern … +command …)` (Redis 7; ACL SETUSER joins its words back
 * when a line is split on spaces, as redis-cli and ACL files do).
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
    ...(user.selectors ?? []).map(
      (selector) =>
        `(${[...selector.keys.map((pattern) => `~${pattern}`), ...selector.commands.map((c) => `+${c}`)].join(' ')})`,
    ),
  ];
}

/** The `ACL SETUSER …` line an operator runs (docs/security.md, securing Redis). */
export function aclSetUserLine(user: RedisAclUser, password: string): string {
  return ['ACL', 'SETUSER', ...aclSetUserArgs(user, password)].join(' ');
}
