import { INestApplicationContext } from '@nestjs/common';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { READINESS_CHECKS, ReadinessCheck } from '../health/readiness-check';
import { createLogger } from '../logger';
import { metricsRegistry } from '../metrics';
import { liveReport, readyReport } from './health-report';

export interface ManagementEndpoint {
  /** MANAGEMENT_PORT (the router) or PORT (a worker); 0 picks a free one. */
  port: number;
  /** MANAGEMENT_HOST: where Prometheus and the kubelet reach it, never the public address by default. */
  host: string;
}

/**
 * `/metrics` (Prometheus) and `/health/live` + `/health/ready` on a port of their own, apart from
 * the public API: what they tell (fleet state, error counts, readiness reasons) is for operators,
 * and a port is something a NetworkPolicy, a firewall or a bind address can keep off the internet.
 * Plain node:http: it must answer while the app's own server is busy, draining or not yet up.
 */
export class ManagementServer {
  private readonly log = createLogger('management');

  private constructor(
    private readonly server: Server,
    private readonly readinessChecks: () => readonly ReadinessCheck[],
  ) {}

  /** Listens for `app`, whose READINESS_CHECKS (when it provides any) decide /health/ready. */
  static async start(app: INestApplicationContext, endpoint: ManagementEndpoint): Promise<ManagementServer> {
    const checks = readinessChecksOf(app);
    const server = createServer();
    const managed = new ManagementServer(server, () => checks);
    server.on(
      'request',
      (request: IncomingMessage, response: ServerResponse) => void managed.handle(request, response),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint.port, endpoint.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return managed;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://<host>:<port>`, with 127.0.0.1 standing in for a wildcard bind. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Idempotent: a second call resolves at once. */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('Cache-Control', 'no-store');
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return answer(response, 405, { code: 'method_not_allowed' });
      const path = (request.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        response.writeHead(200, { 'Content-Type': metricsRegistry.contentType });
        response.end(await metricsRegistry.metrics());
      } else if (path === '/health/live') {
        answer(response, 200, liveReport());
      } else if (path === '/health/ready') {
        const report = await readyReport(this.readinessChecks());
        answer(response, report.status === 'ok' ? 200 : 503, report);
      } else {
        answer(response, 404, { code: 'not_found' });
      }
    } catch (error) {
      this.log.error(
        { err: error instanceof Error ? error.message : String(error) },
        'management request failed',
      );
      if (!response.headersSent) answer(response, 500, { code: 'internal_error' });
      else response.end();
    }
  }
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** The app provides READINESS_CHECKS in one of its modules; none means "ready once it answers". */
function readinessChecksOf(app: INestApplicationContext): readonly ReadinessCheck[] {
  try {
    return app.get<ReadinessCheck[]>(READINESS_CHECKS, { strict: false });
  } catch {
    return [];
  }
}
