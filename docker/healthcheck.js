// Docker HEALTHCHECK for the shared image: GET /health/live on the app's management port: the
// router's MANAGEMENT_PORT (default 9464), a worker's PORT (its only server), else the default of
// the app named by APP (the same defaults the apps use).
'use strict';
const http = require('node:http');

const DEFAULT_PORTS = {
  router: 9464,
  'worker-deepgram': 9101,
  'worker-whisper': 9102,
  'worker-parakeet': 9103,
  'worker-assemblyai': 9104,
};

const managementPort = process.env.APP === 'router' ? process.env.MANAGEMENT_PORT : process.env.PORT;
const port = Number(managementPort) || DEFAULT_PORTS[process.env.APP] || 9464;

const request = http.get({ host: '127.0.0.1', port, path: '/health/live', timeout: 2500 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  process.stderr.write(`healthcheck: http://127.0.0.1:${port}/health/live: ${error.message}\n`);
  process.exit(1);
});
