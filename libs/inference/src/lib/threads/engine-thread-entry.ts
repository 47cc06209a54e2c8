import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The file the app bundles (webpack.app.config.js) build from engine-thread.main.ts, beside main.js. */
export const BUNDLED_ENGINE_THREAD_FILE = 'inference-thread.js';

/** What `new Worker(script, { eval })` runs to start an engine thread. */
export interface EngineThreadEntry {
  script: string;
  eval: boolean;
}

/**
 * In a bundled app (dist/apps/<app>/main.js) the thread is its own bundle beside main.js. Run from
 * sources (tests, `npm start`, benchmarks), this file is TypeScript: the thread loads the same
 * SWC register hook as scripts/run-ts.js, then the thread's source.
 */
export function engineThreadEntry(): EngineThreadEntry {
  if (!__filename.endsWith('.ts'))
    return { script: join(__dirname, BUNDLED_ENGINE_THREAD_FILE), eval: false };
  return sourceThreadEntry(join(__dirname, 'engine-thread.main.ts'));
}

/** A thread that runs a TypeScript file of this workspace through the SWC register hook. */
export function sourceThreadEntry(file: string): EngineThreadEntry {
  return {
    script: `require(${JSON.stringify(registerHook(dirname(file)))});\nrequire(${JSON.stringify(file)});`,
    eval: true,
  };
}

function registerHook(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const hook = join(dir, 'scripts', 'register.js');
    if (existsSync(hook)) return hook;
  }
  throw new Error(
    `no scripts/register.js above ${from}: run the engine thread from the workspace, or build the app (nx build)`,
  );
}
