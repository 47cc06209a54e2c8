/**
 * `npm run keys -- <command>`: API keys, straight on Redis (REDIS_URL), as the admin API manages
 * them. Works without a router and without any key, so it is also the way back in when every
 * admin key is lost. Every change goes to the audit stream with actor `cli:<user>`.
 *
 *   create --tenant T --scopes transcribe,read [--name N] [--expires-in SECONDS]
 *   list [--tenant T]
 *   rotate ID [--grace SECONDS]
 *   revoke ID
 */
import { userInfo } from 'node:os';
import { ApiKeyStore, AuditLog, AuthEnvironment, viewOf } from '@streamscribe/auth';
import { CommonEnvironment, validateEnvironment } from '@streamscribe/config';
import { RequestAuth, SCOPES, Scope } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { createRedisConnection, redisTlsFrom, redisTopologyFrom, waitUntilReady } from '@streamscribe/redis';
import { CommandLine, parseCommandLine, printJson, runCli, wholeNumberFlag } from './cli-support';

const USAGE =
  'usage: npm run keys -- create --tenant T --scopes transcribe,read[,admin] [--name N] [--expires-in SECONDS]\n' +
  '                     | list [--tenant T] | rotate ID [--grace SECONDS] | revoke ID\n';

function scopesFlag(flags: CommandLine['flags']): Scope[] {
  const scopes = (flags.get('scopes') ?? '').split(',').filter(Boolean);
  const unknown = scopes.filter((s) => !SCOPES.includes(s as Scope));
  if (scopes.length === 0 || unknown.length > 0)
    throw new Error(`--scopes must be a comma list of ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

function oneId(ids: string[], command: string): string {
  if (ids.length !== 1) throw new Error(`${command} takes one key id`);
  return ids[0];
}

/** Who ran the CLI, for the audit stream (a container may have no passwd entry). */
function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

async function main(): Promise<number> {
  const { command, ids, flags } = parseCommandLine(process.argv.slice(2));
  if (!['create', 'list', 'rotate', 'revoke'].includes(command)) {
    process.stdout.write(USAGE);
    return command === 'help' ? 0 : 2;
  }
  const env = validateEnvironment(AuthEnvironment, process.env);
  const common = validateEnvironment(CommonEnvironment, process.env);
  const redis = createRedisConnection(common.REDIS_URL, {
    name: 'keys-cli',
    logger: createLogger('redis'),
    failFastWhenDisconnected: true,
    tls: redisTlsFrom(common),
    topology: redisTopologyFrom(common),
  });
  // The CLI's own cache is off: every command reads Redis.
  const store = new ApiKeyStore(redis, 0);
  const audit = new AuditLog(redis, env.AUDIT_MAX_ENTRIES);
  const actor: RequestAuth = { tenant: '', keyId: `cli:${operatorName()}`, scopes: [] };
  try {
    await waitUntilReady(redis, 5000);
    if (command === 'create') {
      const { key, record } = await store.create({
        tenant: flags.get('tenant') ?? '',
        scopes: scopesFlag(flags),
        name: flags.get('name') ?? '',
        expiresInSeconds: wholeNumberFlag(flags, 'expires-in', 'seconds'),
      });
      await audit.record(actor, 'keys.create', {
        keyId: record.id,
        tenant: record.tenant,
        scopes: record.scopes,
      });
      printJson({ key, note: 'shown only now and stored as a hash: keep it', ...viewOf(record) });
    } else if (command === 'list') {
      printJson({ keys: (await store.list(flags.get('tenant'))).map((record) => viewOf(record)) });
    } else if (command === 'rotate') {
      const id = oneId(ids, command);
      const grace = wholeNumberFlag(flags, 'grace', 'seconds') ?? 0;
      const rotated = await store.rotate(id, grace);
      if (!rotated) throw new Error(`no active API key ${id}`);
      await audit.record(actor, 'keys.rotate', {
        keyId: id,
        newKeyId: rotated.created.record.id,
        graceSeconds: grace,
      });
      printJson({
        key: rotated.created.key,
        ...viewOf(rotated.created.record),
        replaced: viewOf(rotated.old),
      });
    } else {
      const id = oneId(ids, command);
      const revoked = await store.revoke(id);
      if (!revoked) throw new Error(`no API key ${id}`);
      await audit.record(actor, 'keys.revoke', { keyId: id, tenant: revoked.tenant });
      printJson(viewOf(revoked));
    }
    return 0;
  } finally {
    redis.disconnect();
  }
}

runCli('keys', main);
