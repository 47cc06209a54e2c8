import { counter, gauge } from '@streamscribe/observability';

export const liveRouterMetrics = {
  sockets: gauge({
    name: 'streamscribe_live_sockets',
    help: 'Live sessions this router supervises for a /v1/listen socket (open, or its client away within the resume window)',
  }),
  sessions: counter({
    name: 'streamscribe_live_sessions_total',
    help: 'Live sessions started or resumed on this router, by kind (new, resumed)',
    labelNames: ['kind'] as const,
  }),
  failovers: counter({
    name: 'streamscribe_live_failovers_total',
    help: 'Live session reassignments by this router, by provider left, provider taken and cause',
    labelNames: ['from', 'to', 'code'] as const,
  }),
  terminal: counter({
    name: 'streamscribe_live_sessions_failed_total',
    help: 'Live sessions ended with an error because no provider could serve them, by last cause',
    labelNames: ['code'] as const,
  }),
  idleClosed: counter({
    name: 'streamscribe_live_idle_closed_total',
    help: 'Live sockets closed for silence (no audio or text message within LIVE_IDLE_TIMEOUT_MS; 1011 NET-0001)',
  }),
};
