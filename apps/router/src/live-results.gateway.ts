import { OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { KeyScheme } from '@streamscribe/contracts';
import {
  AuthenticatedRequest,
  SessionEventFeed,
  streamToWebSocket,
  tenantOfRequest,
} from '@streamscribe/router-core';

/** Live results over WebSocket: `ws://router/v1/live?sessionId=<id>&lastEventId=<seq>`. */
@WebSocketGateway({ path: '/v1/live' })
export class LiveResultsGateway implements OnGatewayConnection {
  constructor(
    private readonly feed: SessionEventFeed,
    private readonly keys: KeyScheme,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage & AuthenticatedRequest): Promise<void> {
    // The tenant as the authentication guard left it on the upgrade request (default when none).
    const tenant = tenantOfRequest(request);
    // Nest drops this promise: a rejection here would be unhandled and end the process.
    return streamToWebSocket(this.feed, this.keys, tenant, socket, request.url).catch(() =>
      socket.terminate(),
    );
  }
}
