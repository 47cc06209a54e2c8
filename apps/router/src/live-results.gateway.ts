import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { authenticatedGateway } from '@streamscribe/auth';
import { KeyScheme } from '@streamscribe/contracts';
import {
  AuthenticatedRequest,
  LIVE_WS_MAX_PAYLOAD_BYTES,
  SessionEventFeed,
  streamToWebSocket,
  tenantOfRequest,
} from '@streamscribe/router-core';
import { LiveConnectionLimiter } from '@streamscribe/quotas';

/**
 * Live results over WebSocket: `ws://router/v1/live?sessionId=<id>&lastEventId=<seq>`. The upgrade
 * needs a key with scope `read` (header, `Sec-WebSocket-Protocol: token, <key>` or `?token=`),
 * checked by AuthenticatingWsAdapter before it completes; `request.auth` says whose it is. Clients
 * send only small control messages here, so a larger message is refused (close 1009) before it is read.
 */
@WebSocketGateway({ ...authenticatedGateway('/v1/live', 'read'), maxPayload: LIVE_WS_MAX_PAYLOAD_BYTES })
export class LiveResultsGateway implements OnGatewayConnection {
  constructor(
    private readonly feed: SessionEventFeed,
    private readonly keys: KeyScheme,
    private readonly liveConnections: LiveConnectionLimiter,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage & AuthenticatedRequest): Promise<void> {
    // The tenant as the authentication guard left it on the upgrade request (default when none).
    const tenant = tenantOfRequest(request);
    // Nest drops this promise: a rejection here would be unhandled and end the process.
    // The tenant's live-connection lease is taken inside, once the socket's listeners are set.
    const quota = () =>
      this.liveConnections
        .acquire(tenant)
        .then((admission) => (admission.admitted ? admission.lease : { refused: admission.refusal.message }));
    return streamToWebSocket(this.feed, this.keys, tenant, socket, request, quota).catch(() =>
      socket.terminate(),
    );
  }
}
