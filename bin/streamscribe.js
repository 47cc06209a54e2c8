#!/usr/bin/env node
// `npx streamscribe …`: runs the CLI (tools/cli/src/main.ts) from source through the workspace's SWC hook.
require('../scripts/register');
require('../tools/cli/src/main.ts');
