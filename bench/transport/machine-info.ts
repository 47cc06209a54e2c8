import os from 'node:os';
import type Redis from 'ioredis';

export async function machineInfo(redis: Redis): Promise<string[]> {
  const info = await redis.info('server');
  const redisVersion = /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
  const cpus = os.cpus();
  return [
    `cpu:    ${cpus[0]?.model ?? 'unknown'} (${os.availableParallelism()} cores available)`,
    `memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `os:     ${os.type()} ${os.release()} ${os.arch()}`,
    `node:   ${process.version}`,
    `redis:  ${redisVersion}`,
  ];
}
