/**
 * The key of one (stream, group) pair in this process's maps: acks batched, cursors swept, leases
 * renewed per pair. NUL separates them, since a Redis key or group name may hold ':' but the
 * names this system makes never hold NUL.
 */
export function streamGroupKey(stream: string, group: string): string {
  return `${stream}\u0000${group}`;
}
