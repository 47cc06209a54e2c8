/**
 * `npm run dead-letters -- <command>`: the operator's view of `transcription:dead-letters`,
 * straight on Redis (REDIS_URL), for when the router's endpoints are off or the router is down.
 *
 *   list [--count N] [--after ID]      letters, oldest first (no audio)
 *   show ID                            one letter in full
 *   redrive ID... [--provider P]       put letters back on a provider stream
 *   redrive --all [--provider P] [--limit N]
 */
import { validateEnvironment } from '@streamscribe/config';
import { PROVIDERS, ProviderName, chunkWireFrom, keySchemeFrom } from '@streamscribe/contracts';
import { DeadLetterStore } from '@streamscribe/fleet';
import { createRedisConnection, redisTlsFrom, redisTopologyFrom, waitUntilReady } from '@streamscribe/redis';
import { createLogger } from '@streamscribe/observability';
import { RouterEnvironment } from '@streamscribe/router-core';
import { CommandLine, parseCommandLine, printJson, runCli, wholeNumberFlag } from './cli-support';

function providerFlag(flags: CommandLine['flags']): ProviderName | undefined {
  const value = flags.get('provider');
  if (value === undefined) return undefined;
  if (!PROVIDERS.includes(value as ProviderName))
    throw new Error(`--provider must be one of: ${PROVIDERS.join(', ')}`);
  return value as ProviderName;
}

async function main(): Promise<number> {
  const { command, ids, flags } = parseCommandLine(process.argv.slice(2), ['all']);
  if (command === 'help' || !['list', 'show', 'redrive'].includes(command)) {
    process.stdout.write(
      'usage: npm run dead-letters -- list [--count N] [--after ID] | show ID | redrive (ID... | --all [--limit N]) [--provider P]\n',
    );
    return command === 'help' ? 0 : 2;
  }
  const env = validateEnvironment(RouterEnvironment, process.env);
  const redis = createRedisConnection(env.REDIS_URL, {
    name: 'dead-letters-cli',
    logger: createLogger('redis'),
    failFastWhenDisconnected: true,
    tls: redisTlsFrom(env),
    topology: redisTopologyFrom(env),
  });
  try {
    await waitUntilReady(redis, 5000);
    // Re-drives write audio as the target fleet reads it (CHUNK_AUDIO_FIELDS, CLASSIC_FLEETS), and
    // only to a provider with a consumer group and a live worker (CONSUMER_LIVENESS_MS).
    const store = new DeadLetterStore(redis, keySchemeFrom(env), chunkWireFrom(env), {
      livenessMs: env.CONSUMER_LIVENESS_MS,
    });
    if (command === 'list') {
      const page = await store.list({
        count: wholeNumberFlag(flags, 'count'),
        after: flags.get('after'),
      });
      printJson(page);
    } else if (command === 'show') {
      if (ids.length !== 1) throw new Error('show takes one dead-letter id');
      const letter = await store.get(ids[0]);
      if (!letter) throw new Error(`no dead letter ${ids[0]}`);
      printJson(letter);
    } else {
      const provider = providerFlag(flags);
      if (flags.has('all') === ids.length > 0) throw new Error('redrive takes either ids or --all');
      const outcomes = flags.has('all')
        ? await store.redriveAll({ provider, limit: wholeNumberFlag(flags, 'limit') })
        : await store.redrive(ids, provider);
      printJson({ requeued: outcomes.filter((o) => o.status === 'requeued').length, outcomes });
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

runCli('dead-letters', main);
