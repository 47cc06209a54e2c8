import { Inject, OnApplicationShutdown } from '@nestjs/common';
import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type Redis from 'ioredis';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { UpgradeCheck, authenticatedGateway } from '@streamscribe/auth';
import { KeyScheme, tenantOfRequest } from '@streamscribe/contracts';
import { LiveRouterStore } from '@streamscribe/live';
import { createLogger } from '@streamscribe/observability';
import { LiveConnectionLimiter } from '@streamscribe/quotas';
import { createRedisConnection, redisTlsFrom, redisTopologyFrom } from '@streamscribe/redis';
import {
  AdmissionControl,
  AuthenticatedRequest,
  ProviderChooser,
  ROUTER_ENVIRONMENT,
  ROUTER_REDIS,
  RouterEnvironment,
} from '@streamscribe/router-core';
import { DeepgramListenRequest, parseDeepgramQuery } from './deepgram-query';
import { LiveListenConnection } from './live-listen.connection';

/** WebSocket close code "Try Again Later" (RFC 6455 registry): a new live session refused by admission control. */
export const TRY_AGAIN_LATER = 1013;

/** Largest binary frame a live client may send (Deepgram suggests 20-250 ms of audio per frame). */
export const LIVE_LISTEN_MAX_FRAME_BYTES = 4 * 1024 * 1024;

type ListenUpgradeRequest = IncomingMessage &
  AuthenticatedRequest & { listen?: DeepgramListenRequest; listenSessionId?: string };

/**
 * Before the upgrade completes (after authentication): Deepgram's query parameters parsed, or
 * 400 with Deepgram's error body (also in `dg-error`); the session id is the request id
 * (`dg-request-id` on the 101, `request_id` in every message), the one to resume with.
 */
export function checkListenUpgrade(request: ListenUpgradeRequest): UpgradeCheck {
  const parsed = parseDeepgramQuery(new URL(request.url ?? '/', 'http://router').searchParams);
  const sessionId = parsed.ok && parsed.request.resumeSession ? parsed.request.resumeSession : randomUUID();
  if (!parsed.ok) {
    const body = JSON.stringify({ err_code: 'Bad Request', err_msg: parsed.message, request_id: sessionId });
    return {
      ok: false,
      status: 400,
      body,
      headers: { 'Content-Type': 'application/json', 'dg-request-id': sessionId, 'dg-error': body },
    };
  }
  request.listen = parsed.request;
  request.listenSessionId = sessionId;
  return { ok: true, headers: { 'dg-request-id': sessionId } };
}

/**
 * Deepgram's live streaming API on the router: `ws(s)://router/v1/listen?<Deepgram params>` with
 * `Authorization: Token <key>` (or `Sec-WebSocket-Protocol: token, <key>`, or `?token=`), scope
 * transcribe. See docs/live-audio.md.
 */
@WebSocketGateway({
  ...authenticatedGateway('/v1/listen', 'transcribe'),
  checkUpgrade: checkListenUpgrade,
  maxPayload: LIVE_LISTEN_MAX_FRAME_BYTES,
})
export class DeepgramListenGateway implements OnGatewayConnection, OnApplicationShutdown {
  private readonly log = createLogger('deepgram-listen');
  private readonly store: LiveRouterStore;
  private readonly open = new Set<LiveListenConnection>();

  constructor(
    @Inject(ROUTER_REDIS) redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    keys: KeyScheme,
    private readonly chooser: ProviderChooser,
    private readonly liveConnections: LiveConnectionLimiter,
    private readonly admission: AdmissionControl,
  ) {
    this.store = new LiveRouterStore(redis, keys, env.LIVE_SESSION_TTL_SECONDS);
  }

  handleConnection(socket: WebSocket, request: ListenUpgradeRequest): void {
    const listen = request.listen;
    const sessionId = request.listenSessionId;
    if (!listen || !sessionId) {
      socket.close(1011, 'upgrade not checked');
      return;
    }
    // A new live session adds an audio log to Redis: refused while Redis memory is inside its
    // headroom (a resume is work already in the system). The chunk streams' backlog says nothing
    // of a live session's wait (its worker takes it through the live jobs stream), so only memory.
    const refusal = listen.resumeSession ? undefined : this.admission.memoryRefusal();
    if (refusal) {
      socket.close(
        TRY_AGAIN_LATER,
        `fabric_overloaded: Redis memory full; retry after ${refusal.retryAfterSeconds} s`,
      );
      return;
    }
    const tenant = tenantOfRequest(request);
    const connection = new LiveListenConnection(
      {
        store: this.store,
        // Admission was decided above, once per session: a failover is never refused.
        choose: (routing) => this.chooser.choose(routing, { admission: false }),
        blockingConnection: () =>
          createRedisConnection(this.env.REDIS_URL, {
            name: 'router:live-events',
            logger: this.log,
            tls: redisTlsFrom(this.env),
            topology: redisTopologyFrom(this.env),
          }),
        settings: {
          idleTimeoutMs: this.env.LIVE_IDLE_TIMEOUT_MS,
          leaseCheckMs: this.env.LIVE_LEASE_CHECK_MS,
          startTimeoutMs: this.env.LIVE_START_TIMEOUT_MS,
          resumeWindowMs: this.env.LIVE_RESUME_WINDOW_MS,
        },
        log: this.log,
      },
      socket,
      tenant,
      listen.resumeSession
        ? { kind: 'resume', sessionId, ...(listen.resumeAfter ? { resumeAfter: listen.resumeAfter } : {}) }
        : { kind: 'new', sessionId, options: listen.options },
      randomUUID(),
    );
    this.open.add(connection);
    const quota = () =>
      this.liveConnections
        .acquire(tenant)
        .then((admission) => (admission.admitted ? admission.lease : { refused: admission.refusal.message }));
    // Nest drops this promise; run() never rejects.
    void connection.run(quota).finally(() => this.open.delete(connection));
  }

  onApplicationShutdown(): void {
    for (const connection of this.open) connection.shutdown();
  }
}
