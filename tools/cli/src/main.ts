/**
 * `streamscribe`: the command-line client of the router (bin/streamscribe.js runs this file).
 * See docs/clients/cli.md for the commands, settings and exit codes.
 */
import type { StreamscribeClient } from '@streamscribe/client';
import { clientFor, Connection, exitCodeOf, messageOf } from './api';
import { oneOf, parseArgs, ParsedArgs, positiveIntFlag } from './args';
import { EXIT, UsageError } from './exit-codes';
import { progressView } from './progress';
import { stream } from './stream';
import { FORMATS, transcribe } from './transcribe';

export const USAGE = `usage: streamscribe <command> [options]

  transcribe <file|folder> [--out dir] [--format text|json|srt|vtt] [--concurrency N]
             [--provider name] [--language code] [--timeout seconds]
  stream <file|-> [--sample-rate 16000] [--interim] [--fast]
  providers
  keys create --tenant t --scopes transcribe,read [--name n]
  keys list [--tenant t]
  keys rotate <id> [--grace seconds]
  keys revoke <id>
  dead-letters list [--tenant t] [--count n] [--after id]
  dead-letters redrive <id…> | --all [--provider name]

  --url URL   the router (STREAMSCRIBE_URL, default http://localhost:8080)
  --key KEY   an API key (STREAMSCRIBE_API_KEY)
  --json      machine-readable output on stdout
exit codes: 0 ok, 1 failed, 2 usage, 3 auth, 4 unavailable, 5 rate-limited, 6 not found
`;

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = parseArgs(argv);
  const [command, ...rest] = args.words;
  if (args.flags.has('help') || command === undefined || command === 'help') {
    (command === undefined && !args.flags.has('help') ? process.stderr : process.stdout).write(USAGE);
    return command === undefined && !args.flags.has('help') ? EXIT.usage : EXIT.ok;
  }
  const connection: Connection = {
    url: args.flags.get('url') ?? env.STREAMSCRIBE_URL ?? 'http://localhost:8080',
    key: args.flags.get('key') ?? env.STREAMSCRIBE_API_KEY,
  };
  const api = clientFor(connection);
  const json = args.flags.has('json');
  switch (command) {
    case 'transcribe':
      return transcribeCommand(api, rest, args, json);
    case 'stream': {
      if (rest.length !== 1) throw new UsageError('stream takes one file, or - for stdin');
      const finals = await stream(
        connection,
        {
          source: rest[0],
          sampleRate: positiveIntFlag(args.flags, 'sample-rate', 16000),
          fast: args.flags.has('fast'),
          interim: args.flags.has('interim'),
          json,
          language: args.flags.get('language'),
        },
        process.stdout,
      );
      return finals > 0 || rest[0] === '-' ? EXIT.ok : EXIT.failed;
    }
    case 'providers': {
      const providers = await api.providers.status();
      if (json) print({ providers });
      else printProviders(providers);
      return EXIT.ok;
    }
    case 'keys':
      return keysCommand(api, rest, args, json);
    case 'dead-letters':
      return deadLettersCommand(api, rest, args, json);
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

async function transcribeCommand(
  api: StreamscribeClient,
  rest: string[],
  args: ParsedArgs,
  json: boolean,
): Promise<number> {
  if (rest.length !== 1) throw new UsageError('transcribe takes one file or folder');
  const tty = Boolean(process.stderr.isTTY) && !args.flags.has('no-progress');
  const view = progressView(
    process.stderr,
    json ? 'quiet' : tty || args.flags.has('progress') ? 'bar' : 'lines',
  );
  const outcomes = await transcribe(
    api,
    {
      target: rest[0],
      out: args.flags.get('out'),
      format: oneOf(args.flags, 'format', FORMATS, 'text'),
      concurrency: positiveIntFlag(args.flags, 'concurrency', 2),
      provider: args.flags.get('provider'),
      language: args.flags.get('language'),
      timeoutMs: positiveIntFlag(args.flags, 'timeout', 600) * 1000,
    },
    view,
  );
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (json) print({ files: outcomes, failed: failed.length });
  else
    process.stderr.write(
      `${outcomes.length - failed.length} of ${outcomes.length} files transcribed or already done${failed.length ? `, ${failed.length} failed` : ''}\n`,
    );
  return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

function printProviders(list: Record<string, unknown>[]): void {
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { provider, name, ...restOf } = entry as { provider?: string; name?: string };
    const details = Object.entries(restOf)
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    process.stdout.write(`${provider ?? name ?? '?'}  ${details}\n`);
  }
}

async function keysCommand(
  api: StreamscribeClient,
  rest: string[],
  args: ParsedArgs,
  json: boolean,
): Promise<number> {
  const [sub, id] = rest;
  const show = (answer: object) => {
    const body = answer as Record<string, unknown>;
    if (json) return print(body);
    if (typeof body.key === 'string') process.stdout.write(`${body.key}\n`);
    process.stderr.write(
      `${body.id} tenant=${body.tenant} scopes=${String(body.scopes)}${body.note ? ` (${body.note})` : ''}\n`,
    );
  };
  switch (sub) {
    case 'create': {
      const tenant = args.flags.get('tenant');
      const scopes = args.flags.get('scopes');
      if (!tenant || !scopes) throw new UsageError('keys create needs --tenant and --scopes');
      show(await api.keys.create({ tenant, scopes: scopes.split(','), name: args.flags.get('name') }));
      return EXIT.ok;
    }
    case 'list': {
      const keys = (await api.keys.list({ tenant: args.flags.get('tenant') })) as unknown as Record<
        string,
        unknown
      >[];
      if (json) print({ keys });
      else
        for (const key of keys)
          process.stdout.write(
            `${key.id}  ${key.tenant}  ${String(key.scopes)}  ${key.name ?? ''}  ${key.revokedAt ? 'revoked' : 'active'}\n`,
          );
      return EXIT.ok;
    }
    case 'rotate': {
      if (!id) throw new UsageError('keys rotate needs a key id');
      const grace = args.flags.get('grace');
      show(
        await api.keys.rotate(
          id,
          grace === undefined ? {} : { graceSeconds: positiveIntFlag(args.flags, 'grace', 1) },
        ),
      );
      return EXIT.ok;
    }
    case 'revoke': {
      if (!id) throw new UsageError('keys revoke needs a key id');
      const body = (await api.keys.revoke(id)) as unknown as Record<string, unknown>;
      if (json) print(body);
      else process.stdout.write(`revoked ${body.id}\n`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('keys: create, list, rotate <id> or revoke <id>');
  }
}

async function deadLettersCommand(
  api: StreamscribeClient,
  rest: string[],
  args: ParsedArgs,
  json: boolean,
): Promise<number> {
  const [sub, ...ids] = rest;
  if (sub === 'list') {
    const body = (await api.deadLetters.list({
      tenant: args.flags.get('tenant'),
      count: args.flags.has('count') ? positiveIntFlag(args.flags, 'count', 1) : undefined,
      after: args.flags.get('after'),
    })) as { letters?: Record<string, unknown>[]; next?: string };
    if (json) print(body);
    else {
      const letters = body.letters ?? [];
      for (const l of letters)
        process.stdout.write(
          `${l.id}  ${l.tenant ?? ''}  ${l.sessionId ?? ''}  ${l.provider ?? ''}  ${l.reason ?? l.error ?? ''}\n`,
        );
      process.stderr.write(
        `${letters.length} dead letters${body.next ? ` (more: --after ${body.next})` : ''}\n`,
      );
    }
    return EXIT.ok;
  }
  if (sub === 'redrive') {
    const all = args.flags.has('all');
    if (!all && ids.length === 0) throw new UsageError('dead-letters redrive needs ids or --all');
    const body = await api.deadLetters.redrive({
      ...(all ? { all: true } : { ids }),
      provider: args.flags.get('provider'),
    });
    if (json) print(body);
    else process.stdout.write(`requeued ${body.requeued}\n`);
    return EXIT.ok;
  }
  throw new UsageError('dead-letters: list or redrive');
}

/** The router a command line names (for error messages). */
function connectionOf(argv: string[], env: NodeJS.ProcessEnv = process.env): Connection {
  const at = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  return { url: at('url') ?? env.STREAMSCRIBE_URL ?? 'http://localhost:8080' };
}

if (
  require.main === module ||
  process.argv[1]?.endsWith('streamscribe.js') ||
  process.argv[1]?.endsWith('streamscribe')
) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      const code = exitCodeOf(error);
      process.stderr.write(`streamscribe: ${messageOf(error, connectionOf(process.argv.slice(2)))}\n`);
      if (error instanceof UsageError) process.stderr.write(`run streamscribe --help for usage\n`);
      process.exitCode = code;
    },
  );
}
