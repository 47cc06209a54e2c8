import { freePort } from '../redis-harness';
import { MonitoringProcess } from './monitoring-process';

/**
 * oliver006/redis_exporter as Debian packages it (`prometheus-redis-exporter`; REDIS_EXPORTER_BIN
 * points at another), scraping one Redis for Prometheus, with the per-stream and per-group series
 * of the streams matching `checkStreams` (XINFO STREAM / GROUPS / CONSUMERS), as
 * docker/compose.yaml runs it (REDIS_EXPORTER_CHECK_STREAMS).
 */
export class RedisExporter {
  private constructor(
    /** `127.0.0.1:<port>`: the address Prometheus scrapes. */
    readonly address: string,
    private readonly process: MonitoringProcess,
  ) {}

  static async start(redisUrl: string, options: { checkStreams: string }): Promise<RedisExporter> {
    const port = await freePort();
    const child = MonitoringProcess.spawn(
      'prometheus-redis-exporter',
      process.env['REDIS_EXPORTER_BIN'] ?? 'prometheus-redis-exporter',
      [
        `-redis.addr=${redisUrl}`,
        `-web.listen-address=127.0.0.1:${port}`,
        `-check-streams=${options.checkStreams}`,
      ],
    );
    const exporter = new RedisExporter(`127.0.0.1:${port}`, child);
    try {
      await child.waitForHttp(`http://${exporter.address}/metrics`);
    } catch (error) {
      await child.stop();
      throw error;
    }
    return exporter;
  }

  get logs(): string {
    return this.process.logs;
  }

  close(): Promise<void> {
    return this.process.stop();
  }
}
