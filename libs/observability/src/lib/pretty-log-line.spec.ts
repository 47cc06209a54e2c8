import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logFormat, prettyLogLine } from './pretty-log-line';

describe('logFormat', () => {
  it('is pretty on a terminal and JSON elsewhere, unless LOG_FORMAT says', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ LOG_FORMAT: 'Pretty' }, false)).toBe('pretty');
    expect(logFormat({ LOG_FORMAT: 'yaml' }, false)).toBe('json');
  });
});

describe('prettyLogLine', () => {
  it('writes a JSON line as a one-liner: time, level, app/component, message, then the other fields', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-12-02T15:04:05.123Z',
      pid: 42,
      app: 'router',
      component: 'auth',
      msg: 'could not mint a development key',
      err: 'NOPERM',
      keyId: 'k 1',
      scopes: ['read'],
    });
    expect(prettyLogLine(`${line}\n`)).toBe(
      '15:04:05 WARN  router/auth: could not mint a development key err=NOPERM keyId="k 1" scopes=["read"]\n',
    );
    expect(prettyLogLine(line, true).startsWith('15:04:05 \x1b[33mWARN \x1b[0m router/auth: ')).toBe(true);
  });

  it('passes a line that is not JSON through', () => {
    expect(prettyLogLine('plain text\n')).toBe('plain text\n');
  });
});

describe('the logger on a terminal and in a pipe', () => {
  const root = join(__dirname, '../../../..');
  const entry = join(mkdtempSync(join(tmpdir(), 'log-format-')), 'log.ts');
  writeFileSync(
    entry,
    `import { createLogger } from '${join(root, 'libs/observability/src/index')}';\ncreateLogger('demo').info({ port: 8080 }, 'router ready');\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    JEST_WORKER_ID: '',
    STREAMSCRIBE_APP: 'router',
    NO_COLOR: '1',
  };
  delete env['LOG_FORMAT'];
  const run = (file: string, args: string[]) =>
    new Promise<string>((resolve, reject) =>
      execFile(file, args, { cwd: root, env, timeout: 60_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );

  it('prints JSON into a pipe', async () => {
    const out = await run(process.execPath, [join(root, 'scripts/run-ts.js'), entry]);
    expect(JSON.parse(out.trim())).toMatchObject({
      level: 'info',
      app: 'router',
      component: 'demo',
      port: 8080,
    });
  }, 60_000);

  it('prints a human one-liner on a terminal (a pty from script(1))', async () => {
    const out = await run('script', ['-qfec', `${process.execPath} scripts/run-ts.js ${entry}`, '/dev/null']);
    expect(out.replace(/\r/g, '')).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}router\/demo: router ready port=8080\n$/m,
    );
  }, 60_000);
});
