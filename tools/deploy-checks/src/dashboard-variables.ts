/**
 * Grafana's template variables in a query, replaced with concrete values as Grafana would before
 * sending the query to Prometheus: `$name`, `${name}` and `[[name]]` (the name is the longest run
 * of word characters, so `$provider_workers` is the variable `provider_workers`, not `$provider`
 * followed by `_workers`). A variable with no value throws: Grafana would send it verbatim and the
 * panel would silently match nothing.
 */
const VARIABLE = /\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?::[^}]+)?\}/g;

export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(VARIABLE, (whole, plain?: string, bracketed?: string, braced?: string) => {
    const name = (plain ?? bracketed ?? braced) as string;
    const value = values[name];
    if (value === undefined) throw new Error(`query uses the variable ${whole}, which has no value: ${expr}`);
    return value;
  });
}
