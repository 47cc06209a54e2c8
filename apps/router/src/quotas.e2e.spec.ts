import { INestApplication } from '@nestjs/common';
import type Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { KeyScheme, providerGroup, providerHeartbeatKey } from '@streamscribe/contracts';
import { ManagementServer } from '@streamscribe/observability';
import {
  RedisHarness,
  TEST_ADMIN_API_KEY,
  parsePrometheusText,
  sampleValue,
  speechWav,
  until,
} from '@streamscribe/testing';

// Two routers on one Redis, as behind a load balancer. Chunks for deepgram are queued without a
// worker: the test makes a deepgram fleet look live for every tenant (its consumer group and a
// heartbeat) and nothing consumes, so nothing is paid; quotas act before anything is transcribed.
const ENV = {
  ADMIN_API_KEY: TEST_ADMIN_API_KEY,
  LOAD_CACHE_MS: '0',
  // Every router reads settings and spend afresh: the test changes them between requests.
  TENANT_SETTINGS_CACHE_MS: '0',
  SPEND_CACHE_MS: '0',
};

interface Router {
  app: INestApplication;
  base: string;
  /** The management server (/metrics, /health/*), on a port of its own. */
  management: ManagementServer;
}

/** Each test tenant gets a real API key (scopes transcribe and read), minted through the admin API. */
const TENANTS = ['acme', 'frugal', 'other', 'rated', 'spender', 'streamer', 'talker', 'watcher'];

async function startRouter(): Promise<Router> {
  const { createRouterApp } = await import('./create-router-app');
  const app = await createRouterApp();
  await app.listen(0, '127.0.0.1');
  const management = await ManagementServer.start(app, { port: 0, host: '127.0.0.1' });
  return {
    app,
    base: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    management,
  };
}

describe('quotas across two routers on one Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let routers: Router[];
  let heartbeat: NodeJS.Timeout | undefined;
  const apiKeys = new Map<string, string>();

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    // A live deepgram fleet as far as routing can tell, for every tenant; nothing consumes.
    const keys = new KeyScheme();
    await redis.xgroup('CREATE', keys.providerStream('deepgram'), providerGroup('deepgram'), '$', 'MKSTREAM');
    const beat = () => redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-quotas-test');
    await beat();
    heartbeat = setInterval(() => void beat(), 1000);
    Object.assign(process.env, { REDIS_URL: harness.url, ...ENV });
    routers = [await startRouter(), await startRouter()];
    for (const tenant of TENANTS) {
      const created = await fetch(`${routers[0].base}/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant, scopes: ['transcribe', 'read'], name: 'quotas-e2e' }),
      });
      apiKeys.set(tenant, ((await created.json()) as { key: string }).key);
    }
  }, 120_000);
  afterAll(async () => {
    clearInterval(heartbeat);
    for (const router of routers ?? []) {
      await router.app.close();
      await router.management.close();
    }
    for (const name of ['REDIS_URL', ...Object.keys(ENV)]) delete process.env[name];
    redis?.disconnect();
    await harness?.close();
  });

  const admin = (tenant: string, method: string, body?: unknown, router = 0) =>
    fetch(`${routers[router].base}/v1/admin/tenants/${tenant}`, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const as = (tenant: string) => ({ authorization: `Bearer ${apiKeys.get(tenant)}` });
  const postChunk = (tenant: string, session: string, seconds: number, query = '') =>
    fetch(`${routers[0].base}/v1/sessions/${session}/chunks${query}`, {
      method: 'POST',
      headers: { ...as(tenant), 'content-type': 'audio/wav' },
      body: speechWav('quota', { durationSeconds: seconds }),
    });

  it('admin API: effective settings, partial overrides, 400s that say what is wrong, reset', async () => {
    const initial = await (await admin('acme', 'GET')).json();
    expect(initial).toMatchObject({
      tenant: 'acme',
      settings: { requestsPerSecond: 100, burst: 200, allowConsensus: true, retentionSeconds: 86_400 },
      overrides: {},
      usage: { liveConnections: 0, audioSecondsToday: 0, spendMicroUsdThisMonth: 0 },
    });

    const put = await admin('acme', 'PUT', { burst: 50, allowHedging: false });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      settings: { burst: 50, allowHedging: false, requestsPerSecond: 100 },
      overrides: { burst: 50, allowHedging: false },
    });
    // Seen by the other router too; null puts one setting back on its default.
    await admin('acme', 'PUT', { allowHedging: null }, 1);
    expect(await (await admin('acme', 'GET', undefined, 1)).json()).toMatchObject({
      settings: { burst: 50, allowHedging: true },
      overrides: { burst: 50 },
    });

    const bad = await admin('acme', 'PUT', { burst: 0, allowConsensus: 'yes', bogus: 1 });
    expect(bad.status).toBe(400);
    const { message } = (await bad.json()) as { message: string };
    expect(message).toContain('burst must be at least 1');
    expect(message).toContain('allowConsensus must be true or false');
    expect(message).toContain('property bogus should not exist');
    expect((await admin('acme', 'PUT', {})).status).toBe(400);
    expect((await admin('Not_A_Tenant', 'GET')).status).toBe(400);
    const anonymous = await fetch(`${routers[0].base}/v1/admin/tenants/acme`);
    expect(anonymous.status).toBe(401);

    expect(await (await admin('acme', 'DELETE')).json()).toMatchObject({
      overrides: {},
      settings: { burst: 200 },
    });
    expect(await redis.exists('streamscribe:tenant:acme:settings')).toBe(0);
  });

  it('one request rate shared by both routers, 429 with Retry-After and RateLimit-* headers', async () => {
    // 6 requests at once, then one every 100 s: whatever the test's pace, 6 get through.
    await admin('rated', 'PUT', { requestsPerSecond: 0.01, burst: 6 });
    const answers: globalThis.Response[] = [];
    for (let i = 0; i < 20; i++)
      answers.push(await fetch(`${routers[i % 2].base}/v1/providers`, { headers: as('rated') }));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(14);
    expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);

    const ok = answers[0].headers;
    expect(ok.get('ratelimit-limit')).toBe('6');
    expect(ok.get('ratelimit-remaining')).toBe('5');
    expect(Number(ok.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect(ok.get('retry-after')).toBeNull();

    const refused = answers[19];
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ statusCode: 429, code: 'quota_rate' });

    // Both routers run in this process: one registry counts the refusals of both, and each
    // router's management server exposes it.
    for (const router of routers) {
      const metrics = parsePrometheusText(await (await fetch(`${router.management.url}/metrics`)).text());
      expect(
        sampleValue(metrics, 'streamscribe_quota_refusals_total', { reason: 'rate', tenant: 'rated' }),
      ).toBe(14);
    }

    // Another tenant has a bucket of its own: full (the default burst of 200) whatever 'rated' spent.
    const other = await fetch(`${routers[1].base}/v1/providers`, { headers: as('other') });
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-limit')).toBe('200');
    expect(other.headers.get('ratelimit-remaining')).toBe('199');
    // Health lives on the management port, outside /v1 and the buckets: no RateLimit-* headers there.
    const health = await fetch(`${routers[0].management.url}/health/live`);
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit-limit')).toBeNull();
  });

  it('audio seconds per day: charged per chunk, refused with 429 past the limit, duplicates refunded', async () => {
    await admin('talker', 'PUT', { audioSecondsPerDay: 5 });
    expect((await postChunk('talker', 's1', 2, '?chunkId=c1')).status).toBe(202);
    // A retry of an accepted chunk queues nothing, so its charge is refunded.
    expect((await postChunk('talker', 's1', 2, '?chunkId=c1')).status).toBe(200);
    expect((await postChunk('talker', 's1', 2, '?chunkId=c2')).status).toBe(202);
    const over = await postChunk('talker', 's1', 2, '?chunkId=c3');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await over.json()).toMatchObject({ code: 'quota_audio_seconds' });
    expect((await postChunk('talker', 's1', 1, '?chunkId=c4')).status).toBe(202);
    expect(await (await admin('talker', 'GET')).json()).toMatchObject({ usage: { audioSecondsToday: 5 } });
  });

  it('spend per month: refused with 402 once the cost hashes reach the budget', async () => {
    await admin('spender', 'PUT', { spendMicroUsdPerMonth: 5_000_000 });
    const month = new Date().toISOString().slice(0, 7);
    const costKey = new KeyScheme().tenantCostKey('spender', month);
    await redis.hset(costKey, 'total_micros', 4_999_999);
    expect((await postChunk('spender', 's1', 1)).status).toBe(202);
    await redis.hset(costKey, 'total_micros', 5_000_000);
    const refused = await postChunk('spender', 's1', 1);
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ code: 'quota_spend' });
    expect(await (await admin('spender', 'GET')).json()).toMatchObject({
      usage: { spendMicroUsdThisMonth: 5_000_000 },
    });
  });

  it('consensus only where the tenant allows it', async () => {
    await admin('frugal', 'PUT', { allowConsensus: false });
    const refused = await postChunk('frugal', 's1', 1, '?consensus=deepgram,whisper');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'consensus_not_allowed' });
    const file = await fetch(`${routers[1].base}/v1/transcriptions?consensus=deepgram,whisper`, {
      method: 'POST',
      headers: { ...as('frugal'), 'content-type': 'audio/wav' },
      body: speechWav('quota', { durationSeconds: 1 }),
    });
    expect(file.status).toBe(403);
  });

  it('live connections per tenant across routers: SSE refused with 429, freed on close', async () => {
    await admin('watcher', 'PUT', { maxLiveConnections: 1 });
    expect((await postChunk('watcher', 'live', 1)).status).toBe(202);
    const first = new AbortController();
    const open = await fetch(`${routers[0].base}/v1/sessions/live/events`, {
      headers: as('watcher'),
      signal: first.signal,
    });
    expect(open.status).toBe(200);
    const second = await fetch(`${routers[1].base}/v1/sessions/live/events`, { headers: as('watcher') });
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ code: 'quota_live_connections' });
    expect(await (await admin('watcher', 'GET')).json()).toMatchObject({ usage: { liveConnections: 1 } });

    first.abort();
    await until(
      () => redis.zcard('streamscribe:tenant:watcher:live'),
      (live) => live === 0,
      30_000,
    );
    const third = new AbortController();
    const again = await fetch(`${routers[1].base}/v1/sessions/live/events`, {
      headers: as('watcher'),
      signal: third.signal,
    });
    expect(again.status).toBe(200);
    third.abort();
  });

  it('live connections over WebSocket: refused with close code 1013 over the limit', async () => {
    // The upgrade carries the tenant's key: its connections count against that tenant, not the default one.
    await admin('streamer', 'PUT', { maxLiveConnections: 1 });
    expect((await postChunk('streamer', 'ws-live', 1)).status).toBe(202);
    const url = (router: number) => `${routers[router].base.replace('http', 'ws')}/v1/live?sessionId=ws-live`;
    const held = new WebSocket(url(0), { headers: as('streamer') });
    await new Promise((resolve, reject) => {
      held.once('open', resolve);
      held.once('error', reject);
    });
    await until(
      () => redis.zcard('streamscribe:tenant:streamer:live'),
      (live) => live === 1,
      30_000,
    );
    expect(await redis.zcard('streamscribe:tenant:default:live')).toBe(0);
    const refused = new WebSocket(url(1), { headers: as('streamer') });
    const [code] = await new Promise<[number, string]>((resolve, reject) => {
      refused.once('close', (closeCode, reason) => resolve([closeCode, reason.toString()]));
      refused.once('error', reject);
    });
    expect(code).toBe(1013);
    held.close();
    await until(
      () => redis.zcard('streamscribe:tenant:streamer:live'),
      (live) => live === 0,
      30_000,
    );
    await admin('streamer', 'DELETE');
  });
});
