import { Tensor } from 'onnxruntime-node';

type RowData = Float32Array | Uint16Array | BigInt64Array;

/** A [R, …] tensor's rows in the given order (repeats allowed): [rows.length, …], same dtype. */
export function gatherRows(tensor: Tensor, rows: readonly number[]): Tensor {
  const [, ...rest] = tensor.dims;
  const size = rest.reduce((a, b) => a * b, 1);
  const data = tensor.data as RowData;
  const out = new (data.constructor as new (length: number) => RowData)(rows.length * size);
  rows.forEach((row, i) => out.set(data.subarray(row * size, (row + 1) * size) as never, i * size));
  return new Tensor(tensor.type, out, [rows.length, ...rest]);
}
