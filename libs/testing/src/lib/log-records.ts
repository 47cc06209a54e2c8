/**
 * The JSON log records of an app's output (AppProcess.logs) whose `msg` is `msg`, parsed; lines of
 * other messages, and lines that are no JSON (a stack trace, npm's notices), are skipped.
 */
export function logRecords<T extends object>(logs: string, msg: string): T[] {
  const marker = `"msg":${JSON.stringify(msg)}`;
  return logs.split('\n').flatMap((line) => {
    if (!line.includes(marker)) return [];
    try {
      return [JSON.parse(line) as T];
    } catch {
      return [];
    }
  });
}
