// The one webpack config behind every app's inferred `build` target (@nx/webpack/plugin): bundles
// the workspace libs into dist/apps/<app>/main.js, keeps node_modules external (the runtime image
// installs them), and skips minification so stack traces and Nest class names stay readable.
const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

module.exports = function appWebpackConfig(appDir, app) {
  return {
    output: { path: join(__dirname, 'dist/apps', app) },
    devtool: 'source-map',
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: join(appDir, 'src/main.ts'),
        tsConfig: join(appDir, 'tsconfig.app.json'),
        outputHashing: 'none',
        generatePackageJson: false,
        externalDependencies: 'all',
        optimization: false,
        sourceMap: true,
      }),
    ],
  };
};
