// The one webpack config behind every app's inferred `build` target (@nx/webpack/plugin): bundles
// the workspace libs into dist/apps/<app>/main.js, keeps node_modules external (the runtime image
// installs them), and skips minification so stack traces and Nest class names stay readable.
// `threads` adds bundles beside main.js for worker threads the app starts by file name (the
// self-hosted workers' inference thread: libs/inference's engine-thread-entry.ts looks for it).
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = function appWebpackConfig(appDir, app, threads = [], assets = []) {
  return {
    output: { path: join(__dirname, 'dist/apps', app) },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: join(appDir, 'src/main.ts'),
        additionalEntryPoints: threads.map(({ name, source }) => ({
          entryName: name,
          entryPath: join(__dirname, source),
        })),
        tsConfig: join(appDir, 'tsconfig.app.json'),
        assets: assets.map((asset) => ({ ...asset, input: join(__dirname, asset.input) })),
        outputHashing: 'none',
        generatePackageJson: false,
        externalDependencies: 'all',
        optimization: false,
        sourceMap: true,
      }),
    ],
  };
};

/** The inference thread of worker-whisper and worker-parakeet, bundled as inference-thread.js. */
module.exports.INFERENCE_THREAD = {
  name: 'inference-thread',
  source: 'libs/inference/src/lib/threads/engine-thread.main.ts',
};

/** The Silero VAD model and its licence (libs/vad/model), copied to dist/apps/<app>/vad-model where the bundle looks for it. */
module.exports.VAD_MODEL = { input: 'libs/vad/model', glob: '*', output: 'vad-model' };
