import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { SessionEventFeed, streamToWebSocket } from '@streamscribe/router-core';
import { LiveConnectionLimiter, tenantOf } from '@streamscribe/quotas';

/** WebSocket close code 1013, "try again later": a live-connection limit refused this one. */
const WS_TRY_AGAIN_LATER = 1013;

/** Live results over WebSocket: `ws://router/v1/live?sessionId=<id>&lastEventId=<seq>`. */
@WebSocketGateway({ path: '/v1/live' })
export class LiveResultsGateway implements OnGatewayConnection {
  constructor(
    private readonly feed: SessionEventFeed,
    private readonly liveConnections: LiveConnectionLimiter,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): Promise<void> {
    // Nest drops this promise: a rejection here would be unhandled and end the process.
    return this.stream(socket, request).catch(() => socket.terminate());
  }

  private async stream(socket: WebSocket, request: IncomingMessage): Promise<void> {
    const admission = await this.liveConnections.acquire(tenantOf(request));
    if (!admission.admitted) return socket.close(WS_TRY_AGAIN_LATER, admission.refusal.message.slice(0, 120));
    try {
      await streamToWebSocket(this.feed, socket, request.url);
    } finally {
      await admission.lease.release();
    }
  }
}
