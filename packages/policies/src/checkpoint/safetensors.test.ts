import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isSrlError } from '@srl/core';
import { parseSafetensors, readSafetensors, readSafetensorsWithMetadata, serializeSafetensors, writeSafetensors } from './safetensors';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const stories = path.resolve(repoRoot, '../shared/data/models/stories260K/model.safetensors');
const dir = mkdtempSync(path.join(tmpdir(), 'srl-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const concat = (chunks: Uint8Array[]): Uint8Array => Buffer.concat(chunks);
const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

/** Hand-build a file: header object + raw data bytes. */
function build(header: unknown, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  return concat([prefix, json, data]);
}

function expectDataError(bytes: Uint8Array, pattern: RegExp): void {
  try {
    parseSafetensors(bytes, 'bad.safetensors');
  } catch (error) {
    expect(isSrlError(error)).toBe(true);
    expect((error as Error).message).toMatch(/bad\.safetensors/);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected a data error matching ${pattern}`);
}

describe('safetensors on the real stories260K checkpoint', () => {
  it('reads every tensor with the shapes of a 5-layer GQA Llama', () => {
    const { tensors, metadata } = readSafetensorsWithMetadata(stories);
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.size).toBe(5 * 9 + 2);
    expect(tensors.get('model.embed_tokens.weight')!.shape).toEqual([512, 64]);
    expect(tensors.get('model.layers.4.self_attn.k_proj.weight')!.shape).toEqual([32, 64]);
    expect(tensors.get('model.layers.0.mlp.down_proj.weight')!.shape).toEqual([64, 172]);
    const params = [...tensors.values()].reduce((n, t) => n + t.data.length, 0);
    expect(params).toBe(260_032); // 512*64 + 5*(2*64 + 3*64*172 + 2*64*64 + 2*32*64) + 64
    // Spot-check raw bytes: the first embedding value equals the float at data start.
    const bytes = readFileSync(stories);
    const start = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    expect(tensors.get('model.embed_tokens.weight')!.data[0]).toBe(bytes.readFloatLE(start));
  });

  it('writes it back bit-exactly (F32), and the output is a fixed point of read+write', () => {
    const { tensors, metadata } = readSafetensorsWithMetadata(stories);
    const out = path.join(dir, 'stories-copy.safetensors');
    writeSafetensors(out, tensors, { metadata });
    const again = readSafetensorsWithMetadata(out);
    expect(again.metadata).toEqual(metadata);
    expect([...again.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const u = again.tensors.get(name)!;
      expect(u.dtype).toBe('F32');
      expect(u.shape).toEqual(t.shape);
      expect(bitsOf(u.data)).toEqual(bitsOf(t.data));
    }
    const out2 = path.join(dir, 'stories-copy2.safetensors');
    writeSafetensors(out2, again.tensors, { metadata: again.metadata });
    expect(readFileSync(out2).equals(readFileSync(out))).toBe(true);
  });
});

describe('safetensors round trips', () => {
  const special = new Float32Array([0, -0, 1, -2.5, 65504, 2 ** -24, 2 ** -14, Infinity, -Infinity, 3.140625]);

  it('F32 keeps every bit, NaN payloads included', () => {
    const data = new Float32Array(1000);
    const bits = new Uint32Array(data.buffer);
    for (let i = 0; i < bits.length; i++) bits[i] = (Math.imul(i + 1, 2654435761) ^ (i << 7)) >>> 0; // all kinds of patterns
    bits[0] = 0x7fc01234; // a NaN with a payload
    const file = path.join(dir, 'f32.safetensors');
    writeSafetensors(file, { w: { shape: [10, 100], data } });
    expect(bitsOf(readSafetensors(file).get('w')!.data)).toEqual(bits);
  });

  it('F16 and BF16 are exact for representable values, and per-tensor dtypes mix in one file', () => {
    const bf16Exact = new Float32Array([0, -0, 1, -2.5, 3.140625, 1.5e38 - (1.5e38 % 2 ** 120), Infinity, 2 ** -130]);
    const file = path.join(dir, 'mixed.safetensors');
    writeSafetensors(
      file,
      {
        half: { shape: [special.length], data: special, dtype: 'F16' },
        brain: { shape: [2, 4], data: bf16Exact },
        ids: { shape: [3], data: [1, -7, 2 ** 40], dtype: 'I64' },
      },
      { dtype: 'BF16', metadata: { format: 'pt', note: 'ünïcode ✓' } },
    );
    const { tensors, metadata } = readSafetensorsWithMetadata(file);
    expect(metadata).toEqual({ format: 'pt', note: 'ünïcode ✓' });
    expect(tensors.get('half')!.dtype).toBe('F16');
    expect(bitsOf(tensors.get('half')!.data)).toEqual(bitsOf(special));
    expect(tensors.get('brain')!.dtype).toBe('BF16');
    expect(bitsOf(tensors.get('brain')!.data)).toEqual(bitsOf(bf16Exact));
    expect(tensors.get('ids')).toEqual({ dtype: 'I64', shape: [3], data: new Float32Array([1, -7, 2 ** 40]) });
    // The data buffer starts 8-byte aligned, as the reference writer makes it.
    const bytes = readFileSync(file);
    expect((8 + Number(bytes.readBigUInt64LE(0))) % 8).toBe(0);
  });

  it('round-trips the integer dtypes and F64, and range-checks integers', () => {
    const input = {
      d: { shape: [2], data: [0.1, -3], dtype: 'F64' as const },
      i32: { shape: [2], data: [-(2 ** 31), 2 ** 24], dtype: 'I32' as const },
      i16: { shape: [2], data: [-32768, 32767], dtype: 'I16' as const },
      i8: { shape: [2], data: [-128, 127], dtype: 'I8' as const },
      u8: { shape: [2], data: [0, 255], dtype: 'U8' as const },
      b: { shape: [2], data: [1, 0], dtype: 'BOOL' as const },
    };
    const t = parseSafetensors(concat(serializeSafetensors(input))).tensors;
    for (const [name, { data, dtype }] of Object.entries(input)) {
      expect(t.get(name)!.dtype).toBe(dtype);
      expect([...t.get(name)!.data]).toEqual(data.map((v) => Math.fround(v)));
    }
    expect(() => serializeSafetensors({ x: { shape: [1], data: [256], dtype: 'U8' } })).toThrow(/element 0 = 256 is not a U8 integer/);
    expect(() => serializeSafetensors({ x: { shape: [1], data: [1], dtype: 'F8' as never } })).toThrow(/cannot write dtype F8/);
  });

  it('BF16 rounds to nearest even on write', () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    u[0] = 0x3f818000; // halfway between bf16 0x3f81 and 0x3f82: goes to the even one
    const bytes = concat(serializeSafetensors({ x: { shape: [1], data: f } }, { dtype: 'BF16' }));
    const back = parseSafetensors(bytes).tensors.get('x')!.data;
    expect(bitsOf(back)[0]).toBe(0x3f820000);
  });

  it('handles empty tensors, scalars and a file with no tensors', () => {
    const bytes = concat(serializeSafetensors({ empty: { shape: [0, 3], data: [] }, scalar: { shape: [], data: [4.5] } }));
    const t = parseSafetensors(bytes).tensors;
    expect(t.get('empty')!.data.length).toBe(0);
    expect(t.get('scalar')).toEqual({ dtype: 'F32', shape: [], data: new Float32Array([4.5]) });
    expect(parseSafetensors(concat(serializeSafetensors({}))).tensors.size).toBe(0);
  });

  it('writes atomically: no temp file is left, and a failed write keeps the old file', () => {
    const file = path.join(dir, 'atomic.safetensors');
    writeSafetensors(file, { a: { shape: [2], data: [1, 2] } });
    const before = readFileSync(file);
    expect(() => writeSafetensors(file, { a: { shape: [3], data: [1, 2] } })).toThrow(/has 2 values but shape \[3\] needs 3/);
    expect(() => writeSafetensors(file, { a: { shape: [1], data: [1.5], dtype: 'I32' } })).toThrow(/element 0 = 1.5 is not a I32 integer/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(() => writeSafetensors(path.join(dir, 'no-such-dir', 'x.safetensors'), {})).toThrow(/could not write .*atomically/);
    expect(existsSync(path.join(dir, 'no-such-dir'))).toBe(false);
  });
});

describe('safetensors validation', () => {
  const data8 = new Uint8Array(8);
  const ok = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('accepts a well-formed hand-built file', () => {
    expect(parseSafetensors(build(ok, data8)).tensors.get('a')!.data).toEqual(new Float32Array(2));
  });

  it('rejects corrupt files with a message naming the defect', () => {
    expectDataError(new Uint8Array(5), /5 bytes is too short/);
    expectDataError(build(ok, data8, 10_000n), /header length 10000 exceeds the \d+ bytes after it/);
    expectDataError(build(ok, data8, 2n ** 63n), /header length \d+ exceeds/);
    expectDataError(concat([build(ok, new Uint8Array(0), 5n), new Uint8Array(3)]), /not valid UTF-8 JSON/);
    expectDataError(build([1, 2], new Uint8Array(0)), /header is not a JSON object/);
    expectDataError(build({ a: { dtype: 'F8_E4M3', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /dtype "F8_E4M3", expected one of/);
    expectDataError(build({ a: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, data8), /shape \[-2\]/);
    expectDataError(build({ a: { dtype: 'F32', shape: [2], data_offsets: [0] } }, data8), /data_offsets \[0\]/);
    expectDataError(build({ a: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, data8), /end before begin/);
    expectDataError(build({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, data8), /ends at byte 16, past the 8-byte data buffer/);
    expectDataError(build({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data8), /spans 8 bytes, expected 12/);
    expectDataError(
      build({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8),
      /overlaps the previous tensor/,
    );
    expectDataError(build({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, data8), /gap in the data buffer: bytes \[0, 4\)/);
    expectDataError(build({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, data8), /data buffer is 8 bytes but tensors cover only 4/);
    expectDataError(build({ __metadata__: { n: 3 }, ...ok }, data8), /__metadata__\.n is 3, expected a string/);
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 60n + 1n, true);
    expectDataError(build({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, big), /element 0 = 1152921504606846977 is not exactly representable/);
  });

  it('reports a missing or truncated file', () => {
    expect(() => readSafetensors(path.join(dir, 'missing.safetensors'))).toThrow(/cannot read safetensors file/);
    const file = path.join(dir, 'truncated.safetensors');
    writeFileSync(file, readFileSync(stories).subarray(0, 500_000));
    expect(() => readSafetensors(file)).toThrow(/past the \d+-byte data buffer \(file truncated\?\)/);
  });
});
