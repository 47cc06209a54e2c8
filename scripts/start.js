#!/usr/bin/env node
// `npm start`: the router plus a worker for every configured provider, against REDIS_URL
// (default redis://127.0.0.1:6379). When nothing answers there and redis-server is on the PATH,
// starts one with its data in ./.data. With no provider configured, runs local Whisper on the default
// model: already downloaded, or downloaded now (asked first on a terminal; without one, straight
// away), each file checked against its checksum; when the hub cannot be reached, says which files to
// fetch by hand and where they go. Log lines are human one-liners on a terminal and JSON otherwise
// (LOG_FORMAT overrides). Ctrl-C (or SIGTERM) drains every app, then stops.
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const root = path.join(__dirname, '..');
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A worker app runs when its provider is configured; the variable says how. */
const WORKERS = [
  {
    app: 'worker-deepgram',
    configured: () => Boolean(process.env.DEEPGRAM_API_KEY),
    hint: 'DEEPGRAM_API_KEY',
  },
  {
    app: 'worker-assemblyai',
    configured: () => Boolean(process.env.ASSEMBLYAI_API_KEY),
    hint: 'ASSEMBLYAI_API_KEY',
  },
  {
    app: 'worker-whisper',
    configured: () => Boolean(process.env.WHISPER_MODEL_DIR),
    hint: 'WHISPER_MODEL_DIR',
  },
  {
    app: 'worker-parakeet',
    configured: () => Boolean(process.env.PARAKEET_MODEL_DIR),
    hint: 'PARAKEET_MODEL_DIR',
  },
].filter(({ app }) => existsSync(path.join(root, 'apps', app, 'src/main.ts')));

/** As libs/observability's logger decides: LOG_FORMAT=pretty|json, else pretty on a terminal. */
const logFormat = (process.env.LOG_FORMAT || '').trim().toLowerCase();
const prettyLogs = logFormat === 'pretty' || (logFormat !== 'json' && Boolean(process.stdout.isTTY));

function say(message) {
  const time = new Date().toISOString();
  process.stdout.write(
    prettyLogs
      ? `${time.slice(11, 19)} INFO  npm-start: ${message}\n`
      : `${JSON.stringify({ level: 'info', time, component: 'npm-start', msg: message })}\n`,
  );
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
    throw new Error(
      `nothing answers at ${redisUrl}: start Redis 7 there, or install redis-server and leave REDIS_URL unset`,
    );
  }
  const dataDir = path.join(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  const server = spawn(
    'redis-server',
    ['--port', port || '6379', '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100 && !(await ping(redisUrl)); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await ping(redisUrl))) throw new Error('redis-server did not start; run it by hand to see why');
  say(`no Redis answered at ${redisUrl}: started redis-server (AOF on) with its data in ./.data`);
  return server;
}

function startApp(app) {
  const env = { ...process.env, REDIS_URL: redisUrl, STREAMSCRIBE_APP: app };
  // PORT is the router's; each worker keeps its own default port for /metrics and /health.
  if (app !== 'router') delete env.PORT;
  // First run: with no ADMIN_API_KEY and no key in Redis, the router mints a development key and
  // prints it once (DevelopmentKeyMinter). Production deployments do not set this.
  if (app === 'router') env.MINT_DEV_KEY ??= 'true';
  return spawn(
    process.execPath,
    [path.join(__dirname, 'run-ts.js'), path.join(root, 'apps', app, 'src/main.ts')],
    {
      cwd: root,
      env,
      stdio: 'inherit',
    },
  );
}

/** The files that make a downloaded Whisper export usable (as worker-whisper checks them). */
const LOCAL_MODEL = {
  name: 'whisper-base',
  megabytes: 290,
  files: ['config.json', 'tokenizer.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'],
};

/** Where `npm run models:download` puts a model by default (defaultModelDir in libs/inference). */
function defaultModelDir(name) {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(process.env.STREAMSCRIBE_MODELS_DIR || path.join(cache, 'streamscribe', 'models'), name);
}

function ask(question) {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer))));
}

/**
 * With no cloud key and no local model configured, a local Whisper is the way to a working
 * system: use the default model when it is already downloaded, else download it (asking first on
 * a terminal). The downloader verifies checksums and, when the hub is unreachable, prints which
 * files to fetch by hand and where to put them.
 */
async function offerLocalModel() {
  const dir = defaultModelDir(LOCAL_MODEL.name);
  if (LOCAL_MODEL.files.every((file) => existsSync(path.join(dir, file)))) {
    process.env.WHISPER_MODEL_DIR = dir;
    say(`no provider is configured: running worker-whisper on the ${LOCAL_MODEL.name} already in ${dir}`);
    return;
  }
  const hint = `set a cloud key, or run \`npm run models:download -- ${LOCAL_MODEL.name}\` and set WHISPER_MODEL_DIR`;
  if (process.stdin.isTTY) {
    const answer = await ask(
      `No provider is configured. Download ${LOCAL_MODEL.name} (about ${LOCAL_MODEL.megabytes} MB) from the Hugging Face hub into ${dir} and transcribe locally? [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim())) return say(`not downloading: ${hint}`);
  } else {
    // No one to ask (a container, CI, a service manager): the local model is the way to a router
    // that answers, so fetch it. Set a provider's variable to skip this.
    say(
      `no provider is configured and no terminal to ask on: downloading ${LOCAL_MODEL.name} (about ${LOCAL_MODEL.megabytes} MB) into ${dir} to transcribe locally`,
    );
  }
  const download = spawnSync(
    process.execPath,
    [
      path.join(__dirname, 'run-ts.js'),
      path.join(__dirname, 'models-download.ts'),
      LOCAL_MODEL.name,
      '--dir',
      dir,
    ],
    {
      cwd: root,
      // stdout is the variable to set (set here instead); progress and errors go to stderr.
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (download.status === 0) {
    process.env.WHISPER_MODEL_DIR = dir;
    say(`${LOCAL_MODEL.name} downloaded and verified: running worker-whisper on ${dir}`);
  } else {
    say(`${LOCAL_MODEL.name} could not be downloaded (see above): ${hint}`);
  }
}

async function main() {
  const redis = await ensureRedis();
  if (!WORKERS.some((w) => w.configured())) await offerLocalModel();
  const workers = WORKERS.filter((w) => w.configured());
  for (const w of WORKERS.filter((w) => !w.configured()))
    say(`${w.app} not started: set ${w.hint} to enable it`);
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
        void stopAll(code === 0 ? 1 : (code ?? 1));
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
