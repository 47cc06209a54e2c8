// Loads TypeScript sources at run time: SWC transpiles (same options as Jest), tsconfig-paths
// resolves @streamscribe/* aliases. Used by `npm start`, `nx serve`, benchmarks and chaos tests.
const path = require('node:path');
const { transformSync } = require('@swc/core');
const swcOptions = require('../swc-options.js');
const { compilerOptions } = require('../tsconfig.base.json');
require('tsconfig-paths').register({ baseUrl: path.join(__dirname, '..'), paths: compilerOptions.paths });

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = require('node:fs').readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename, swcrc: false });
  module._compile(code, filename);
};
