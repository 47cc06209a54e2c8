import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { ConnectionOptions, connect as connectTls } from 'node:tls';
import { aclSetUserArgs, redisAclUser, redisAclUsers } from '@streamscribe/redis';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  loggedPort,
  speechPcm,
  speechWav,
  startDeepgramWorker,
  until,
} from '@streamscribe/testing';
import { KEYED, TEST_ADMIN_API_KEY, TestRouter, startTestRouter } from './testing/router-stack';

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(30_000);

/** The name the refusal checks' clients carry, so ACL LOG tells their denials from the apps'. */
const REFUSAL_CLIENT = 'refusal-check';

const password = () => randomBytes(18).toString('base64url');

/** A client that gives up at once: refused logins and connections are what these tests look for. */
function oneShotClient(url: string, tls?: object): Redis {
  return new Redis(url, {
    tls,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    connectionName: REFUSAL_CLIENT,
  });
}

async function refusal(
  url: string,
  tls?: object,
  command: (c: Redis) => Promise<unknown> = (c) => c.ping(),
): Promise<string> {
  const client = oneShotClient(url, tls);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return `answered ${await command(client)}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.disconnect();
  }
}

/**
 * What one command line gets back on a fresh connection, in plain TCP or over TLS, with no client
 * library in between: a plain PING never PONG (the server drops the connection), a TLS one NOAUTH
 * (the default user is off), a wrong AUTH WRONGPASS.
 */
function rawReply(port: number, line: string, tls?: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls
      ? connectTls({ host: '127.0.0.1', port, ...tls })
      : connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.endsWith('\r\n')) socket.destroy();
    });
    socket.once('close', () => resolve(reply));
  });
}

describe('router + worker on Redis with TLS only and least-privilege ACL users', () => {
  const passwords = { router: password(), worker: password() };
  let harness: RedisHarness;
  let admin: Redis;
  let deepgram: FakeDeepgramServer;
  let worker: AppProcess;
  let router: TestRouter;
  let port: number;
  const urlOf = (app: 'router' | 'worker') => harness.urlFor(redisAclUser(app).username, passwords[app]);

  beforeAll(async () => {
    harness = await RedisHarness.start({
      secure: { users: redisAclUsers().map((user) => aclSetUserArgs(user, passwords[user.app])) },
    });
    port = Number(new URL(harness.url).port);
    admin = harness.client();
    // So the worker's startup check has something to say, read with INFO (its user has no CONFIG).
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    deepgram = await FakeDeepgramServer.start();
    worker = await startDeepgramWorker(urlOf('worker'), deepgram, {
      ...harness.tlsSettings(),
      HEARTBEAT_INTERVAL_MS: '200',
      // Long blocked reads: a drain that ends quickly ended them with CLIENT UNBLOCK.
      WORKER_BLOCK_MS: '10000',
      // Every loop of the transport runs during the test, so each one's commands meet the ACL.
      RECLAIM_INTERVAL_MS: '300',
      RECLAIM_MIN_IDLE_MS: '1000',
      STREAM_MAINTENANCE_INTERVAL_MS: '300',
    });
    router = await startTestRouter({
      REDIS_URL: urlOf('router'),
      ...harness.tlsSettings(),
      LOAD_CACHE_MS: '0',
      // Every read of keys and tenant settings goes to Redis, under the ACL.
      AUTH_CACHE_MS: '0',
      TENANT_SETTINGS_CACHE_MS: '0',
    });
  }, 60_000);

  afterAll(async () => {
    await router?.close();
    await worker?.stop();
    await deepgram?.close();
    admin?.disconnect();
    await harness?.close();
  });

  it('transcribes a file, each app logged in as its own user over TLS', async () => {
    const file = Buffer.concat(['one', 'two'].map((word) => speechPcm(word, { durationSeconds: 1 })));
    const response = await fetch(
      `${router.base}/v1/transcriptions?wait=true&chunkSeconds=1&sessionId=tls-1`,
      {
        method: 'POST',
        headers: { ...KEYED, 'content-type': 'audio/l16; rate=16000' },
        body: file,
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ transcript: { complete: true, text: 'one two' } });

    const clients = (await admin.client('LIST')) as string;
    const userOf = (name: RegExp) =>
      /user=(\S+)/.exec(clients.split('\n').find((line) => name.test(line)) ?? '')?.[1];
    expect(userOf(/name=router /)).toBe('streamscribe-router');
    expect(userOf(/name=router:results-watcher /)).toBe('streamscribe-router');
    expect(userOf(/name=deepgram-\S+:reader /)).toBe('streamscribe-worker');
    expect(userOf(/name=deepgram-\S+:commands /)).toBe('streamscribe-worker');
    expect(userOf(/name=deepgram-\S+:results /)).toBe('streamscribe-worker');
  });

  it('dead-letters a rejected chunk, lists it and re-drives it: the failure paths under the ACL', async () => {
    deepgram.failNext(1, { status: 400 });
    const posted = await fetch(`${router.base}/v1/sessions/tls-2/chunks?provider=deepgram`, {
      method: 'POST',
      headers: { ...KEYED, 'content-type': 'audio/wav' },
      body: speechWav('second chance'),
    });
    expect(posted.status).toBe(202);
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(`${router.base}${path}`, {
        ...init,
        headers: { ...KEYED, 'content-type': 'application/json' },
      });
    const page = await until(
      async () => (await (await admin('/v1/dead-letters')).json()) as { letters: Array<{ id: string }> },
      (p) => p.letters?.length === 1,
      20_000,
    );
    const redrive = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ ids: [page.letters[0].id] }),
    });
    expect(await redrive.json()).toMatchObject({ requeued: 1 });
    const healed = await until(
      async () =>
        (await (await fetch(`${router.base}/v1/sessions/tls-2/transcript`, { headers: KEYED })).json()) as {
          text: string;
        },
      (t) => t.text === 'second chance',
      20_000,
    );
    expect(healed.text).toBe('second chance');
    for (const path of ['/v1/providers', '/v1/costs'])
      expect([path, (await fetch(`${router.base}${path}`, { headers: KEYED })).status]).toEqual([path, 200]);
    expect((await fetch(`${router.managementUrl}/metrics`)).status).toBe(200);
    const workerMetrics = await fetch(`http://127.0.0.1:${loggedPort(worker.logs)}/metrics`);
    expect(await workerMetrics.text()).toMatch(/^streamscribe_stream_\w+\{/m);
  });

  it("a tenant's own key, a temporary token's live feed, costs, tenant settings and DELETE: auth and quotas under the ACL", async () => {
    type Body = Record<string, unknown>;
    const call = async (key: string, path: string, init: RequestInit = {}) => {
      const response = await fetch(`${router.base}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Body };
    };
    // An API key minted through the admin API (HSETNX, HSET + SADD, audit XADD), listed (SMEMBERS).
    const minted = await call(TEST_ADMIN_API_KEY, '/v1/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ tenant: 'acme', scopes: ['transcribe', 'read'], name: 'tls-acl' }),
    });
    expect(minted.status).toBe(201);
    const key = String(minted.body['key']);
    expect((await call(TEST_ADMIN_API_KEY, '/v1/admin/keys?tenant=acme')).status).toBe(200);
    // A wrong key counts a failure (GET before every check, INCR + EXPIRE NX; PTTL only past the
    // limit, not reached here).
    expect((await call(`${key.slice(0, -4)}AAAA`, '/v1/costs')).status).toBe(401);

    // Tenant settings (HSET, HGETALL, DEL of the overrides) with their audit entries.
    const put = await call(TEST_ADMIN_API_KEY, '/v1/admin/tenants/acme', {
      method: 'PUT',
      body: JSON.stringify({ burst: 50 }),
    });
    expect([put.status, put.body['overrides']]).toEqual([200, { burst: 50 }]);

    // The tenant's chunk: token bucket, audio-day charge and the ingest script's trail and index.
    const posted = await fetch(`${router.base}/v1/sessions/tls-3/chunks?provider=deepgram`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'audio/wav' },
      body: speechWav('acme speaks'),
    });
    expect(posted.status).toBe(202);
    const transcript = await until(
      () => call(key, '/v1/sessions/tls-3/transcript'),
      (t) => t.body['text'] === 'acme speaks',
      20_000,
    );
    expect(transcript.body['text']).toBe('acme speaks');

    // A temporary token (SET EX, GETDEL) opens the session's SSE feed: a live lease, the reader.
    const token = await call(key, '/v1/auth/tokens', { method: 'POST', body: JSON.stringify({}) });
    expect(token.status).toBe(201);
    const feed = new AbortController();
    const sse = await fetch(`${router.base}/v1/sessions/tls-3/events?token=${String(token.body['token'])}`, {
      signal: feed.signal,
    });
    expect(sse.status).toBe(200);
    // The feed may send its `retry:` line in a write of its own before the first event.
    const reader = sse.body?.getReader();
    let received = '';
    for (let reads = 0; reads < 10 && !/acme speaks|event:/.test(received); reads += 1) {
      const next = await reader?.read();
      if (!next || next.done) break;
      received += Buffer.from(next.value).toString();
    }
    expect(received).toMatch(/acme speaks|event:/);
    feed.abort();

    // Per-tenant costs (the month's cost hashes), then DELETE: the trail's entries, the session's
    // keys (DEL), its index member; and the overrides reset (DEL).
    expect((await call(key, '/v1/costs')).status).toBe(200);
    expect((await call(key, '/v1/sessions/tls-3', { method: 'DELETE' })).status).toBe(200);
    expect((await call(key, '/v1/sessions/tls-3/transcript')).status).toBe(404);
    expect((await call(TEST_ADMIN_API_KEY, '/v1/admin/tenants/acme', { method: 'DELETE' })).status).toBe(200);
    expect(
      await admin.exists('streamscribe:tenant:acme:settings', 'streamscribe:session:t:acme:tls-3:meta'),
    ).toBe(0);
    expect(await admin.xlen('streamscribe:audit')).toBeGreaterThanOrEqual(3);
  });

  it("passes both apps' ready checks, and warns of eviction from INFO under the ACL", async () => {
    expect((await fetch(`${router.managementUrl}/health/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${loggedPort(worker.logs)}/health/ready`)).status).toBe(200);
    expect(worker.logs).toContain('Redis may evict provider streams');
    expect(worker.logs).not.toContain('maxmemory-policy check skipped');
  });

  it('refuses plain TCP, the default user, a wrong password and a client without a certificate', async () => {
    expect(await rawReply(port, 'PING')).not.toContain('PONG');
    expect(await refusal(`redis://127.0.0.1:${port}`)).not.toMatch(/^answered/);
    const tls = harness.clientTls;
    expect(await rawReply(port, 'PING', tls)).toMatch(/^-NOAUTH/);
    expect(await rawReply(port, 'AUTH default anything', tls)).toMatch(/^-WRONGPASS/);
    expect(await rawReply(port, 'AUTH streamscribe-worker guess', tls)).toMatch(/^-WRONGPASS/);
    expect(await rawReply(port, `AUTH streamscribe-worker ${passwords.worker}`, tls)).toBe('+OK\r\n');
    // Without the client certificate the handshake fails: no reply at all.
    expect(await rawReply(port, `AUTH streamscribe-worker ${passwords.worker}`, { ca: tls.ca })).toBe('');
  });

  it("refuses the worker's user anything outside its set, the router's too", async () => {
    const tls = harness.clientTls;
    const outside: Array<[string, (c: Redis) => Promise<unknown>]> = [
      ['FLUSHALL', (c) => c.flushall()],
      ['CONFIG SET', (c) => c.config('SET', 'maxmemory-policy', 'noeviction')],
      ['KEYS', (c) => c.keys('*')],
      ['ACL SETUSER', (c) => c.call('ACL', 'SETUSER', 'streamscribe-worker', '+@all')],
      ['DEL', (c) => c.del('audio:stream:deepgram')],
      ['SET outside the key patterns', (c) => c.set('elsewhere', '1')],
    ];
    for (const app of ['worker', 'router'] as const)
      for (const [name, command] of outside)
        expect([app, name, await refusal(urlOf(app), tls, command)]).toEqual([
          app,
          name,
          expect.stringMatching(/NOPERM/),
        ]);
    expect(
      await refusal(urlOf('worker'), tls, (c) => c.hget('streamscribe:consensus:claim:1-0', 'x')),
    ).toMatch(/NOPERM/);
  });

  it('drains the worker on SIGTERM, and no command either app ran was refused', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(worker.logs).toContain('stopped consuming');
    await fetch(`${router.base}/v1/sessions/tls-1/transcript`, { headers: KEYED });
    // Every command or key the server refused is in ACL LOG, from any connection of either app.
    // Left out: the refusal checks' own (named so), and failed logins (the apps' all succeeded,
    // or nothing above would have worked).
    const entries = ((await admin.call('ACL', 'LOG', '128')) as unknown[][]).map((entry) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i < entry.length; i += 2) fields[String(entry[i])] = String(entry[i + 1]);
      return fields;
    });
    const fromTheApps = entries
      .filter((e) => e['reason'] !== 'auth' && !e['client-info'].includes(`name=${REFUSAL_CLIENT} `))
      .map((e) => `${e['username']}: ${e['reason']} ${e['object']} (${e['context']})`);
    expect(fromTheApps).toEqual([]);
    expect(entries.length).toBeGreaterThan(0);
  });
});
