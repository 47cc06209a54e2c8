const WIDTH = 30;

/** One line of a text progress bar: `[#####-----]  45.0%  12.3/27.0 MB  onnx/encoder_model.onnx`. */
export function renderProgress(file: string, received: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, received / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%  ${mb(received)}/${mb(total)} MB  ${file}`;
}
