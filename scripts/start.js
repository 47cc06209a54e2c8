#!/usr/bin/env node
// `npm start`: the router plus a worker for every configured provider, against REDIS_URL
// (default redis://127.0.0.1:6379). When nothing answers there and redis-server is on the PATH,
// starts one with its data in ./.data. Ctrl-C (or SIGTERM) drains every app, then stops.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.join(__dirname, '..');
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A worker app runs when its provider is configured; the variable says how. */
const WORKERS = [
  { app: 'worker-deepgram', configured: () => Boolean(process.env.DEEPGRAM_API_KEY), hint: 'DEEPGRAM_API_KEY' },
  { app: 'worker-assemblyai', configured: () => Boolean(process.env.ASSEMBLYAI_API_KEY), hint: 'ASSEMBLYAI_API_KEY' },
  { app: 'worker-whisper', configured: () => Boolean(process.env.WHISPER_MODEL_DIR), hint: 'WHISPER_MODEL_DIR' },
  { app: 'worker-parakeet', configured: () => Boolean(process.env.PARAKEET_MODEL_DIR), hint: 'PARAKEET_MODEL_DIR' },
].filter(({ app }) => existsSync(path.join(root, 'apps', app, 'src/main.ts')));

function say(message) {
  process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), component: 'npm-start', msg: message })}\n`);
}

function ping(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // -NOAUTH also proves a Redis answers; the apps will use the URL's credentials.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

async function ensureRedis() {
  if (await ping(redisUrl)) return undefined;
  const { hostname, port } = new URL(redisUrl);
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(hostname);
  if (!local || spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error(`nothing answers at ${redisUrl}: start Redis 7 there, or install redis-server and leave REDIS_URL unset`);
  }
  const dataDir = path.join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  const server = spawn('redis-server', ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !(await ping(redisUrl)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await ping(redisUrl))) throw new Error('redis-server did not start; run it by hand to see why');
  say(`no Redis answered at ${redisUrl}: started redis-server (AOF on) with its data in ./.data`);
  return server;
}

function startApp(app) {
  const env = { ...process.env, REDIS_URL: redisUrl, STREAMSCRIBE_APP: app };
  // PORT is the router's; each worker keeps its own default port for /metrics and /health.
  if (app !== 'router') delete env.PORT;
  return spawn(process.execPath, [path.join(__dirname, 'run-ts.js'), path.join(root, 'apps', app, 'src/main.ts')], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
}

async function main() {
  const redis = await ensureRedis();
  const workers = WORKERS.filter((w) => w.configured());
  for (const w of WORKERS.filter((w) => !w.configured())) say(`${w.app} not started: set ${w.hint} to enable it`);
  if (workers.length === 0) say('no provider is configured: the router will answer 503 until a worker runs');
  const children = [startApp('router'), ...workers.map((w) => startApp(w.app))];
  let stopping = false;

  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    if (redis) {
      await new Promise((resolve) => {
        redis.once('exit', resolve);
        redis.kill('SIGTERM');
      });
    }
    process.exit(code);
  };

  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        say(`an app exited (code ${code}); stopping the others`);
        void stopAll(code === 0 ? 1 : code ?? 1);
      }
    });
  }
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
}

main().catch((error) => {
  process.stderr.write(`npm start: ${error.message}\n`);
  process.exit(1);
});
