import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateOpenApiJson } from '../openapi/generate-openapi';

/**
 * `npm run openapi`: writes openapi.json at the repository root from the router's controllers.
 * `npm run openapi:check` (`--check`): exits 1 when the committed file differs from what the code
 * generates (run `npm run openapi` and commit the result).
 */
async function main(): Promise<void> {
  const target = resolve(process.cwd(), 'openapi.json');
  const generated = await generateOpenApiJson();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(target, 'utf8');
    } catch {
      // Missing: reported as out of date below.
    }
    if (committed !== generated) {
      process.stderr.write(`openapi.json is out of date: run \`npm run openapi\` and commit ${target}\n`);
      process.exit(1);
    }
    process.stdout.write('openapi.json is up to date\n');
    return;
  }
  writeFileSync(target, generated);
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
