/**
 * A safetensors reader and writer (format: https://github.com/huggingface/safetensors).
 *
 * Layout: 8 bytes little-endian u64 N, then N bytes of UTF-8 JSON `{ name: { dtype, shape, data_offsets: [begin, end] },
 * "__metadata__"?: { string: string } }` (padded with spaces), then the data buffer; offsets are relative to it.
 * The reader checks every offset and size, and that tensors tile the data buffer exactly (no gap, no overlap,
 * nothing left over), as the reference implementation does. Values are returned as Float32Array: F32 bit-exact,
 * F16/BF16/F64 converted, integer types only when every value is exact in float32.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { SrlError } from '@srl/core';
import { writeFileAtomic } from './atomic-write';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './float-convert';

/** Dtypes this reader and writer understand (the float8 and unsigned >8-bit types are not supported). */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** The reference implementation refuses headers over 100 MB; so do we. */
const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** One tensor as read: values widened (or narrowed, for F64) to float32, row-major. */
export interface SafetensorsTensor {
  /** The dtype stored in the file. */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array;
}

/**
 * One tensor to write. `dtype` overrides the file-wide dtype for this tensor (so a map read from a file
 * is written back in its own dtypes; drop `dtype` to convert). Integer dtypes require integer values in range.
 */
export interface SafetensorsInput {
  shape: readonly number[];
  data: Float32Array | Float64Array | Int32Array | readonly number[];
  dtype?: SafetensorsDtype;
}

export interface SafetensorsContents {
  tensors: Map<string, SafetensorsTensor>;
  /** The `__metadata__` block (string to string), `{}` when absent. */
  metadata: Record<string, string>;
}

export interface WriteSafetensorsOptions {
  /** Dtype for tensors without their own; default 'F32'. */
  dtype?: SafetensorsDtype;
  /** Written as `__metadata__`; values must be strings. */
  metadata?: Record<string, string>;
}

/** Read a .safetensors file. Throws SrlError('data') naming the file and the defect if it is malformed. */
export function readSafetensors(file: string): Map<string, SafetensorsTensor> {
  return readSafetensorsWithMetadata(file).tensors;
}

/** Read a .safetensors file with its `__metadata__`. */
export function readSafetensorsWithMetadata(file: string): SafetensorsContents {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new SrlError('data', `cannot read safetensors file ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseSafetensors(bytes, file);
}

/** Parse safetensors bytes. `source` names the input in error messages. */
export function parseSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContents {
  const fail = (what: string): never => {
    throw new SrlError('data', `invalid safetensors file ${source}: ${what}`);
  };
  if (bytes.byteLength < 8) fail(`${bytes.byteLength} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.byteLength - 8)) fail(`header length ${headerLength} exceeds the ${bytes.byteLength - 8} bytes after it`);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    fail(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + n;
  const dataLength = bytes.byteLength - dataStart;

  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is ${JSON.stringify(v)}, expected a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null) fail(`tensor "${name}" entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
      fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}, expected one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`tensor "${name}" has shape ${JSON.stringify(shape)}, expected an array of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`tensor "${name}" has data_offsets ${JSON.stringify(offsets)}, expected [begin, end] non-negative integers`);
    }
    const [begin, end] = offsets as number[];
    if (end < begin) fail(`tensor "${name}" has data_offsets [${begin}, ${end}] with end before begin`);
    if (end > dataLength) fail(`tensor "${name}" ends at byte ${end}, past the ${dataLength}-byte data buffer (file truncated?)`);
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    const expected = numel * DTYPE_BYTES[dtype as SafetensorsDtype];
    if (end - begin !== expected) {
      fail(`tensor "${name}" (${dtype}, shape [${(shape as number[]).join(', ')}]) spans ${end - begin} bytes, expected ${expected}`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data buffer: sorted by begin, each starts where the previous one ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) fail(`tensor "${e.name}" at bytes [${e.begin}, ${e.end}) overlaps the previous tensor, which ends at ${cursor}`);
    if (e.begin > cursor) fail(`gap in the data buffer: bytes [${cursor}, ${e.begin}) belong to no tensor (before "${e.name}")`);
    cursor = e.end;
  }
  if (cursor !== dataLength) fail(`data buffer is ${dataLength} bytes but tensors cover only ${cursor}`);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const data = decode(bytes, dataStart + e.begin, dataStart + e.end, e.dtype, (i, v) =>
      fail(`tensor "${e.name}" (${e.dtype}) element ${i} = ${v} is not exactly representable as float32`),
    );
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function decode(bytes: Uint8Array, start: number, end: number, dtype: SafetensorsDtype, inexact: (i: number, v: string) => never): Float32Array {
  const n = (end - start) / DTYPE_BYTES[dtype];
  // A fresh, aligned copy of just this tensor's bytes.
  const buffer = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + end);
  const view = new DataView(buffer);
  if (dtype === 'F32') {
    if (LITTLE_ENDIAN_HOST) return new Float32Array(buffer);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float32Array(n);
  const checked = (i: number, v: number): void => {
    out[i] = v;
    if (out[i] !== v) inexact(i, String(v));
  };
  switch (dtype) {
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = f16BitsToFloat32(view.getUint16(i * 2, true));
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bf16BitsToFloat32(view.getUint16(i * 2, true));
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'I64':
      for (let i = 0; i < n; i++) {
        const big = view.getBigInt64(i * 8, true);
        const v = Number(big);
        if (BigInt(v) !== big) inexact(i, big.toString());
        checked(i, v);
      }
      break;
    case 'I32':
      for (let i = 0; i < n; i++) checked(i, view.getInt32(i * 4, true));
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      break;
  }
  return out;
}

/**
 * Serialize tensors to safetensors bytes (returned as chunks: header, then one per tensor). Names are written
 * in sorted order, so the same tensors always give the same bytes. Throws SrlError('validation') on bad input.
 */
export function serializeSafetensors(
  tensors: ReadonlyMap<string, SafetensorsInput> | Readonly<Record<string, SafetensorsInput>>,
  options: WriteSafetensorsOptions = {},
): Uint8Array[] {
  const fileDtype = options.dtype ?? 'F32';
  const entries = (tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // A null-prototype object, so a tensor named "__proto__" is an ordinary key.
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (options.metadata !== undefined) {
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') throw new SrlError('validation', `safetensors metadata "${k}" is ${JSON.stringify(v)}, expected a string`);
    }
    header.__metadata__ = options.metadata;
  }
  const bodies: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new SrlError('validation', 'a tensor cannot be named "__metadata__"');
    const dtype = t.dtype ?? fileDtype;
    if (!(dtype in DTYPE_BYTES))
      throw new SrlError('validation', `tensor "${name}": cannot write dtype ${dtype}, expected one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
    if (!t.shape.every((d: number) => Number.isSafeInteger(d) && d >= 0)) {
      throw new SrlError('validation', `tensor "${name}" has shape ${JSON.stringify(t.shape)}, expected non-negative integers`);
    }
    const numel = t.shape.reduce((a: number, b: number) => a * b, 1);
    if (numel !== t.data.length) {
      throw new SrlError('validation', `tensor "${name}" has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${numel}`);
    }
    const body = encode(name, t.data, dtype);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + body.byteLength] };
    offset += body.byteLength;
    bodies.push(body);
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data buffer starts 8-byte aligned (as the reference writer does).
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - ((8 + jsonBytes) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  return [prefix, headerBytes, ...bodies];
}

function encode(name: string, data: SafetensorsInput['data'], dtype: SafetensorsDtype): Uint8Array {
  const n = data.length;
  if (dtype === 'F32' && data instanceof Float32Array && LITTLE_ENDIAN_HOST) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const out = new Uint8Array(n * DTYPE_BYTES[dtype]);
  const view = new DataView(out.buffer);
  const integer = (i: number, lo: number, hi: number): number => {
    const v = data[i];
    if (!Number.isInteger(v) || v < lo || v > hi) throw new SrlError('validation', `tensor "${name}" element ${i} = ${v} is not a ${dtype} integer`);
    return v;
  };
  switch (dtype) {
    case 'F64':
      for (let i = 0; i < n; i++) view.setFloat64(i * 8, data[i], true);
      break;
    case 'F32':
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, data[i], true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, float32ToF16Bits(data[i]), true);
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, float32ToBf16Bits(data[i]), true);
      break;
    case 'I64':
      for (let i = 0; i < n; i++) view.setBigInt64(i * 8, BigInt(integer(i, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)), true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) view.setInt32(i * 4, integer(i, -(2 ** 31), 2 ** 31 - 1), true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) view.setInt16(i * 2, integer(i, -(2 ** 15), 2 ** 15 - 1), true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) view.setInt8(i, integer(i, -128, 127));
      break;
    case 'U8':
      for (let i = 0; i < n; i++) view.setUint8(i, integer(i, 0, 255));
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) view.setUint8(i, integer(i, 0, 1));
      break;
  }
  return out;
}

/**
 * Write a .safetensors file atomically (temp file, fsync, rename). F16/BF16 round to nearest even from the
 * float32 value (a Float64Array is first rounded to float32).
 */
export function writeSafetensors(
  file: string,
  tensors: ReadonlyMap<string, SafetensorsInput> | Readonly<Record<string, SafetensorsInput>>,
  options: WriteSafetensorsOptions = {},
): void {
  writeFileAtomic(file, serializeSafetensors(tensors, options));
}
