/** Words of PromQL that look like metric names but are not. */
const KEYWORDS = new Set(['bool', 'and', 'or', 'unless', 'inf', 'nan']);
/** Clauses followed by a parenthesised list of label names, not metrics. */
const LABEL_LIST_CLAUSES = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/**
 * The metric names a PromQL expression selects. Good enough for dashboards, not a full parser:
 * strings, label matchers, ranges, Grafana variables and `by (...)` lists are removed first;
 * what is left and is neither a function call, a keyword nor a number is a metric name.
 * `{__name__="x"}` selectors are not supported (the dashboards do not use them).
 */
export function metricNamesIn(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(expr);
  if (labelValues) return [labelValues[1]];
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\$\{?\w+(?::\w+)?\}?/g, ' ')
    .replace(LABEL_LIST_CLAUSES, ' ')
    .replace(/\boffset\s+-?\w+/g, ' ')
    .replace(/(?<![\w:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const after = stripped.slice((match.index ?? 0) + word.length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/** Series suffixes Prometheus derives from one histogram or summary family. */
const DERIVED_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * The family that exports `name`, given a scrape's `# TYPE` lines: the name itself, or for
 * `x_bucket` / `x_sum` / `x_count` the histogram or summary `x`. Undefined when nothing exports it.
 */
export function familyExporting(name: string, families: ReadonlyMap<string, string>): string | undefined {
  if (families.has(name)) return name;
  for (const suffix of DERIVED_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = families.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return undefined;
}
