const appWebpackConfig = require('../../webpack.app.config.js');

module.exports = appWebpackConfig(
  __dirname,
  'worker-parakeet',
  [appWebpackConfig.INFERENCE_THREAD],
  [appWebpackConfig.VAD_MODEL],
);
