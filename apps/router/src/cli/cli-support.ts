/** What the router's command-line tools share: argument parsing, JSON output, exit codes. */

export interface CommandLine {
  command: string;
  ids: string[];
  /** `--name value` flags; a switch (one of `switches`, taking no value) maps to ''. */
  flags: Map<string, string>;
}

/** `<command> [ids…] [--flag value…] [--switch…]`; the command is 'help' when absent. */
export function parseCommandLine(argv: string[], switches: readonly string[] = []): CommandLine {
  const [command = 'help', ...rest] = argv;
  const ids: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (!arg.startsWith('--')) ids.push(arg);
    else if (switches.includes(arg.slice(2))) flags.set(arg.slice(2), '');
    else flags.set(arg.slice(2), rest[++i] ?? '');
  }
  return { command, ids, flags };
}

/** A `--name N` flag holding a whole number; undefined when absent. */
export function wholeNumberFlag(flags: CommandLine['flags'], name: string, unit = ''): number | undefined {
  const value = flags.get(name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a whole number${unit ? ` of ${unit}` : ''}`);
  return Number(value);
}

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** Runs a tool's main: its exit code, or 1 with `<name>: <message>` on stderr when it throws. */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => (process.exitCode = code),
    (error: Error) => {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
