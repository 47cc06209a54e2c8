import { performance } from 'node:perf_hooks';
import { Controller, DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { waitUntilReady, SINGLE_REDIS } from '@streamscribe/redis';
import { ServerRedisStreams, StreamEntry, StreamProducer } from '@streamscribe/streams';
import { SENT_AT_FIELD } from './audio-payloads';
import {
  BENCH_GROUP,
  BENCH_STREAM,
  BenchRun,
  RunResult,
  allAcknowledgedAt,
  produceInBatches,
  runResult,
} from './bench-run';
import { DeliveryTally } from './delivery-tally';

/** A handler that does nothing beyond noting that it ran: what remains is the transport's cost. */
@Controller()
class NoOpAudioHandler {
  constructor(private readonly tally: DeliveryTally) {}

  @EventPattern(BENCH_STREAM)
  handle(@Payload() entry: StreamEntry): void {
    this.tally.record(entry.fields.get(SENT_AT_FIELD));
  }
}

@Module({})
class NoOpAudioModule {
  static forTally(tally: DeliveryTally): DynamicModule {
    return {
      module: NoOpAudioModule,
      controllers: [NoOpAudioHandler],
      providers: [{ provide: DeliveryTally, useValue: tally }],
    };
  }
}

/** Our path: StreamProducer.appendMany into a Nest microservice on ServerRedisStreams. */
export async function runServerRedisStreams(run: BenchRun, timeoutMs: number): Promise<RunResult> {
  const tally = new DeliveryTally(run.entries);
  const server = new ServerRedisStreams({
    url: run.url,
    tls: undefined,
    topology: SINGLE_REDIS,
    groupFor: () => BENCH_GROUP,
    consumer: 'bench-server-redis-streams',
    concurrency: run.concurrency,
    blockMs: run.blockMs,
    logger: createLogger('bench'),
  });
  const app = await NestFactory.createMicroservice(NoOpAudioModule.forTally(tally), {
    strategy: server,
    logger: false,
  });
  await app.listen();
  try {
    const { readers } = server.unwrap<{ readers: Redis[] }>();
    await Promise.all(readers.map((reader) => waitUntilReady(reader, 5000)));
    const producer = new StreamProducer(run.producer);
    const startedAt = performance.now();
    const [, finishedAt] = await Promise.all([
      produceInBatches(run, (batch) =>
        producer.appendMany(batch.map((fields) => ({ stream: BENCH_STREAM, fields }))),
      ),
      allAcknowledgedAt(run, tally, timeoutMs),
    ]);
    return runResult(run.entries, startedAt, finishedAt, tally);
  } finally {
    await app.close();
  }
}
