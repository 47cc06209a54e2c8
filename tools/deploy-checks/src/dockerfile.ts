/** One instruction of a Dockerfile: `COPY --from=build /src/dist ./dist` → { keyword: 'COPY', flags: { from: 'build' }, args: [...] }. */
export interface DockerInstruction {
  keyword: string;
  flags: Record<string, string>;
  args: string[];
  line: number;
}

/**
 * Instructions of a Dockerfile, with continuation lines joined and comments dropped. Enough
 * for the instructions these images use; heredocs and JSON-form COPY are not supported.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length)
      line = line.replace(/\\\s*$/, ' ') + lines[++i].replace(/^\s*#.*$/, '');
    const [keyword, ...words] = line.trim().split(/\s+/);
    const flags: Record<string, string> = {};
    while (words[0]?.startsWith('--')) {
      const [name, value = ''] = (words.shift() as string).slice(2).split('=');
      flags[name] = value;
    }
    instructions.push({ keyword: keyword.toUpperCase(), flags, args: words, line: start + 1 });
  }
  return instructions;
}

/** Build-context paths a COPY or ADD reads (those without --from, which copy from a stage). */
export function contextSources(instructions: DockerInstruction[]): { path: string; line: number }[] {
  return instructions
    .filter((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !('from' in i.flags))
    .flatMap((i) => i.args.slice(0, -1).map((path) => ({ path, line: i.line })));
}

/** `.dockerignore` as Docker applies it: the last pattern that matches a path (or a parent) decides. */
export function dockerIgnoreMatcher(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const glob = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      const regex = glob
        .split('/')
        .map((part) =>
          part === '**'
            ? '.*'
            : part
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?');
      return { negated, regex: new RegExp(`^${regex}$`) };
    });
  return (path: string) => {
    const parts = path
      .replace(/^\.\//, '')
      .split('/')
      .filter((part) => part && part !== '.');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const { negated, regex } of patterns) if (candidates.some((c) => regex.test(c))) ignored = !negated;
    return ignored;
  };
}
