/** The 503 when Redis cannot be asked about a key (worded like the router's other Redis 503s). */
export const AUTH_UNAVAILABLE =
  'Redis is unreachable; nothing was stored (the API key could not be checked); retry shortly';
