/**
 * What a transcribe run shows: on a terminal one redrawn line with a bar (bytes uploaded, files
 * done), otherwise plain lines, one per event. With --json nothing goes to stderr but errors.
 */
export interface ProgressView {
  /** One file's state changed: a line on a non-terminal, a redraw on a terminal. */
  event(line: string): void;
  /** Bytes uploaded so far (all files) changed. */
  update(state: ProgressState): void;
  done(): void;
}

export interface ProgressState {
  filesDone: number;
  filesTotal: number;
  bytesSent: number;
  bytesTotal: number;
  /** What is being worked on now. */
  current: string[];
}

const WIDTH = 28;

export function progressView(stream: NodeJS.WriteStream, mode: 'bar' | 'lines' | 'quiet'): ProgressView {
  if (mode === 'quiet') return { event: () => undefined, update: () => undefined, done: () => undefined };
  if (mode === 'lines')
    return {
      event: (line) => stream.write(`${line}\n`),
      update: () => undefined,
      done: () => undefined,
    };
  let last: ProgressState | undefined;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!last) return;
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    stream.write(`\r\x1b[2K${barLine(last, stream.columns || 120)}`);
  };
  return {
    event: (line) => {
      stream.write(`\r\x1b[2K${line}\n`);
      draw(true);
    },
    update: (state) => {
      last = state;
      draw();
    },
    done: () => {
      draw(true);
      stream.write('\n');
    },
  };
}

/** `[#########-----------]  45%  2/5 files  1.2/2.6 MB  fox.wav` */
export function barLine(state: ProgressState, columns: number): string {
  const fraction = state.bytesTotal > 0 ? Math.min(1, state.bytesSent / state.bytesTotal) : 1;
  const filled = Math.round(fraction * WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]`;
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  const mb = (n: number) => (n / 1_000_000).toFixed(1);
  const line = `${bar} ${pct}  ${state.filesDone}/${state.filesTotal} files  ${mb(state.bytesSent)}/${mb(state.bytesTotal)} MB  ${state.current.join(', ')}`;
  return line.slice(0, Math.max(20, columns - 1));
}
