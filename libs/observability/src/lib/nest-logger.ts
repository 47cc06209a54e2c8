import { LoggerService } from '@nestjs/common';
import { createLogger } from './logger';

/** Nest's own log lines (startup, routes, errors) as structured JSON through pino. */
export class NestJsonLogger implements LoggerService {
  private readonly logger = createLogger('nest');

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
