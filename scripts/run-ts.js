#!/usr/bin/env node
// Runs a TypeScript entry point straight from source (SWC, with decorator metadata and the
// workspace path aliases): `node scripts/run-ts.js apps/router/src/main.ts`.
require('./register');
const path = require('node:path');
const entry = process.argv[2];
if (!entry) {
  process.stderr.write('usage: node scripts/run-ts.js <file.ts> [args...]\n');
  process.exit(2);
}
process.argv.splice(1, 1);
require(path.resolve(entry));
