const appWebpackConfig = require('../../webpack.app.config.js');

// The router cuts uploads at pauses with Silero VAD (its model ships beside main.js) and serves
// the web console's static files (apps/router/console → console/ beside main.js).
module.exports = appWebpackConfig(
  __dirname,
  'router',
  [],
  [appWebpackConfig.VAD_MODEL, { input: 'apps/router/console', glob: '*', output: 'console' }],
);
