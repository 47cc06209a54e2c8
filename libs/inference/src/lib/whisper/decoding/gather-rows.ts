import { Tensor } from 'onnxruntime-node';

type RowData = Float32Array | Uint16Array | BigInt64Array;

/**
 * A [R, …] tensor's rows in the given order (repeats allowed): [rows.length, …], same dtype;
 * written into `into` when given (a float32 tensor's reusable buffer of the right length).
 */
export function gatherRows(
  tensor: Tensor,
  rows: readonly number[],
  into?: (length: number) => Float32Array,
): Tensor {
  const [, ...rest] = tensor.dims;
  const size = rest.reduce((a, b) => a * b, 1);
  const data = tensor.data as RowData;
  const out =
    into && data instanceof Float32Array
      ? into(rows.length * size)
      : new (data.constructor as new (length: number) => RowData)(rows.length * size);
  rows.forEach((row, i) => out.set(data.subarray(row * size, (row + 1) * size) as never, i * size));
  return new Tensor(tensor.type, out, [rows.length, ...rest]);
}
