import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { MetricsController } from './metrics.controller';

/** `/metrics` (Prometheus) and `/health/live` + `/health/ready` for any app that imports it. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [MetricsController, HealthController],
})
export class ObservabilityModule {}
