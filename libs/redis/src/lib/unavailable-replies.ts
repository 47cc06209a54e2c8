import { ReplyError } from 'ioredis';

/**
 * Error replies by which Redis refuses a command because it cannot serve it now, not because the
 * command is wrong: a Cluster mid-failover (CLUSTERDOWN, TRYAGAIN) or whose slot moved under a
 * pipeline (MOVED, ASK: ioredis follows them for single commands, not inside a pipeline), a node
 * still loading its data (LOADING), a replica whose primary is gone or a demoted primary
 * (MASTERDOWN, READONLY), a primary short of replicas under min-replicas-to-write (NOREPLICAS),
 * memory full (OOM), a script still running (BUSY), or a failing disk (MISCONF). Redis ran none of
 * the refused command, so the caller may retry it; any other reply error is a bug.
 */
const UNAVAILABLE_CODES = [
  'MOVED',
  'ASK',
  'OOM',
  'CLUSTERDOWN',
  'TRYAGAIN',
  'LOADING',
  'MASTERDOWN',
  'READONLY',
  'NOREPLICAS',
  'BUSY',
  'MISCONF',
];
const UNAVAILABLE = new RegExp(`^(${UNAVAILABLE_CODES.join('|')})\\b`);

export function isUnavailableReply(error: unknown): boolean {
  return error instanceof ReplyError && UNAVAILABLE.test((error as Error).message);
}
