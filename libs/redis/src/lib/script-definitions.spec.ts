import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RedisScript } from './redis-script';

const LIBS = join(__dirname, '../../..');

/** Every `*.script.ts` under libs/: the project's Lua scripts are defined there and nowhere else. */
function scriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return scriptFiles(path);
    return name.endsWith('.script.ts') ? [path] : [];
  });
}

type AnyScript = RedisScript<string, string, unknown>;

const scripts: Array<[string, AnyScript]> = scriptFiles(LIBS).flatMap((file) =>
  Object.values(require(file) as Record<string, unknown>)
    .filter((value): value is AnyScript => value instanceof RedisScript)
    .map((script): [string, AnyScript] => [`${script.name} (${relative(LIBS, file)})`, script]),
);

function highest(lua: string, table: 'KEYS' | 'ARGV'): number {
  return Math.max(0, ...[...lua.matchAll(new RegExp(`${table}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])));
}

describe('Lua script definitions', () => {
  it('finds every script of the project', () => {
    // Nine scripts today; a file that stops exporting its definition would silently drop out.
    expect(scripts.length).toBeGreaterThanOrEqual(9);
    expect(new Set(scripts.map(([, s]) => s.name)).size).toBe(scripts.length);
  });

  describe.each(scripts)('%s', (_label, script) => {
    const { keys, args, rest, lua } = script.definition;

    it('uses exactly the KEYS it declares', () => {
      expect(highest(lua, 'KEYS')).toBe(keys.length);
      expect(lua).not.toMatch(/#KEYS/);
    });

    it('uses exactly the ARGV it declares, and reads a variable tail only when it declares one', () => {
      expect(highest(lua, 'ARGV')).toBe(args.length);
      // A tail read `for i = N, #ARGV`, or walked in records of varying length from `local i = N`
      // by `while i <= #ARGV`.
      const tails = [
        ...[...lua.matchAll(/for \w+ = (\d+), #ARGV/g)].map((m) => Number(m[1])),
        ...[...lua.matchAll(/local (\w+) = (\d+)\n(?:.*\n)*?while \1 <= #ARGV/g)].map((m) => Number(m[2])),
      ];
      if (rest) {
        expect(tails.length).toBeGreaterThan(0);
        for (const start of tails) expect(start).toBe(args.length + 1);
      } else {
        expect(lua).not.toMatch(/#ARGV/);
      }
    });
  });
});
