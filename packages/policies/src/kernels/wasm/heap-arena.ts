/**
 * A bump allocator on the tfjs wasm backend's heap for the values of one decoding step (heap-decoder.ts): `reset`
 * at the start of a step releases everything of the previous one, and `alloc` hands out 16-byte aligned float32
 * matrices in order. A step allocates the same sizes in the same order as the previous one, so after the first
 * step every matrix lands where its predecessor was, and the tensor id XNNPACK needs for it (registered with the
 * backend on first use) is reused: a step costs no malloc and no registration. When a step outgrows the block,
 * further chunks are taken, and the next `reset` merges them into one block of the step's whole size.
 */
import { SrlError } from '@srl/core/base';
import type { WasmInternals } from './wasm-internals';

/** A float32 matrix [rows, cols] at float index `at` of HEAPF32; `slot` is its place in the step's order. */
export interface HeapMatrix {
  readonly at: number;
  readonly rows: number;
  readonly cols: number;
  readonly slot: number;
}

interface Chunk {
  /** malloc's pointer (freed) and the 16-byte aligned start used. */
  pointer: number;
  start: number;
  bytes: number;
}

/** The smallest block taken from malloc (bytes). */
const MIN_CHUNK = 1 << 16;

export class HeapArena {
  private chunks: Chunk[] = [];
  private chunk = 0;
  private used = 0;
  /** Bytes handed out since the last reset (the size of the merged block). */
  private total = 0;
  /** Per slot: where the matrix was and its registered tensor id (0: none). */
  private slots: { at: number; floats: number; id: number }[] = [];
  private count = 0;

  constructor(private readonly be: WasmInternals) {}

  /** Releases every matrix handed out so far (their memory is reused by the next allocations). */
  reset(): void {
    if (this.chunks.length > 1) {
      this.freeChunks();
      this.addChunk(this.total);
    }
    this.chunk = 0;
    this.used = 0;
    this.total = 0;
    this.count = 0;
  }

  alloc(rows: number, cols: number): HeapMatrix {
    const floats = rows * cols;
    const bytes = (floats * 4 + 15) & ~15;
    this.total += bytes;
    let c = this.chunks[this.chunk];
    if (c === undefined || this.used + bytes > c.bytes) {
      if (c !== undefined) this.chunk++;
      this.used = 0;
      c = this.chunks[this.chunk];
      if (c === undefined || bytes > c.bytes) c = this.addChunk(Math.max(bytes, 2 * (this.chunks.at(-1)?.bytes ?? 0)), this.chunk);
    }
    const at = (c.start + this.used) >>> 2;
    this.used += bytes;
    const slot = this.count++;
    const s = this.slots[slot];
    if (s === undefined) this.slots.push({ at, floats, id: 0 });
    else if (s.at !== at || s.floats !== floats) {
      if (s.id !== 0) this.be.wasm.tfjs.disposeData(s.id);
      s.at = at;
      s.floats = floats;
      s.id = 0;
    }
    return { at, rows, cols, slot };
  }

  /** The tensor id the backend's XNNPACK bindings know `m` by (registered on first use). */
  id(m: HeapMatrix): number {
    const s = this.slots[m.slot];
    if (s.id === 0) {
      s.id = this.be.dataIdNextNumber++;
      this.be.wasm.tfjs.registerTensor(s.id, s.floats, s.at * 4);
    }
    return s.id;
  }

  /** Frees the heap memory and unregisters the ids; the arena can be used again afterwards. */
  dispose(): void {
    for (const s of this.slots) if (s.id !== 0) this.be.wasm.tfjs.disposeData(s.id);
    this.slots = [];
    this.freeChunks();
    this.count = this.chunk = this.used = this.total = 0;
  }

  private addChunk(bytes: number, at = this.chunks.length): Chunk {
    const size = Math.max(MIN_CHUNK, (bytes + 15) & ~15);
    const pointer = this.be.wasm._malloc(size + 16);
    if (pointer === 0)
      throw new SrlError(
        'runtime',
        `wasm memory exhausted while decoding: the heap (4 GiB at most) could not allocate ${size} bytes for the decoder's workspace; generate fewer rows at once (batchSize x groupSize), a smaller maxTokens, or use --backend tensorflow`,
      );
    const c = { pointer, start: (pointer + 15) & ~15, bytes: size };
    this.chunks.splice(at, 0, c);
    return c;
  }

  private freeChunks(): void {
    for (const c of this.chunks) this.be.wasm._free(c.pointer);
    this.chunks = [];
  }
}
