import type { ParameterSpec } from './parameter-specs';

/** A row-major [rows, cols] matrix transposed to [cols, rows]. */
export function transposeMatrix(data: Float32Array, rows: number, cols: number): Float32Array {
  if (data.length !== rows * cols) throw new Error(`transposeMatrix: ${data.length} values for [${rows}, ${cols}]`);
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Values of a parameter in Hugging Face layout -> the layout the model stores (a copy when transposed). */
export function hfToStored(spec: ParameterSpec, data: Float32Array): Float32Array {
  return spec.transposed ? transposeMatrix(data, spec.hfShape[0], spec.hfShape[1]) : data;
}

/** Values in the model's layout -> Hugging Face layout. */
export function storedToHf(spec: ParameterSpec, data: Float32Array): Float32Array {
  return spec.transposed ? transposeMatrix(data, spec.hfShape[1], spec.hfShape[0]) : data;
}
