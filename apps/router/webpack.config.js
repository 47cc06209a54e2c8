const appWebpackConfig = require('../../webpack.app.config.js');

// The router cuts uploads at pauses with Silero VAD: its model ships beside main.js.
module.exports = appWebpackConfig(__dirname, 'router', [], [appWebpackConfig.VAD_MODEL]);
