// Kernel self times for the benches (`pnpm bench policy --profile`, `pnpm bench train-steps --profile`).
import type * as Tf from '@tensorflow/tfjs-core';

/** Per phase: kernel self time (ms) by kernel name and by name + input shapes, with call counts. */
export interface KernelStats {
  byKernel: Map<string, number>;
  byShape: Map<string, number>;
  calls: Map<string, number>;
  shapeCalls: Map<string, number>;
  /** ms in kernels and kernel calls. */
  total: number;
  count: number;
}

export const emptyKernelStats = (): KernelStats => ({ byKernel: new Map(), byShape: new Map(), calls: new Map(), shapeCalls: new Map(), total: 0, count: 0 });

type Profiler = { profileKernel(name: string, inputs: Record<string, Tf.Tensor | null>, f: () => Tf.Tensor[]): unknown };

/**
 * Self time of each kernel run by `fn` (ms, excluding kernels run inside it: custom-gradient ops and some wasm
 * kernels call other kernels), attributed to `phaseOf()` at each call. Works by wrapping the engine's profiler
 * while tf.profile switches profiling on (`tf`: the tfjs-core instance the policy uses); `wall` is `fn`'s time.
 */
export async function profileKernels(
  tf: typeof Tf,
  fn: () => unknown,
  phaseOf: () => string = () => 'all',
): Promise<{ phases: Map<string, KernelStats>; wall: number }> {
  const profiler = (tf.engine() as unknown as { profiler: Profiler }).profiler;
  const original = profiler.profileKernel;
  const phases = new Map<string, KernelStats>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  const stack: number[] = [];
  profiler.profileKernel = (name, inputs, f) => {
    stack.push(0);
    const t0 = performance.now();
    let outputs: Tf.Tensor[];
    try {
      outputs = f();
    } finally {
      const elapsed = performance.now() - t0;
      const self = elapsed - (stack.pop() as number);
      if (stack.length > 0) stack[stack.length - 1] += elapsed;
      const phase = phaseOf();
      let p = phases.get(phase);
      if (p === undefined) phases.set(phase, (p = emptyKernelStats()));
      const label = name || '(custom op, own JS)';
      const shape = `${label} ${Object.values(inputs)
        .map((t) => `[${t?.shape.join(',') ?? ''}]`)
        .join(' ')}`;
      add(p.byKernel, label, self);
      add(p.calls, label, 1);
      add(p.byShape, shape, self);
      add(p.shapeCalls, shape, 1);
      p.total += self;
      p.count++;
    }
    return { kernelName: name, outputs, inputs, timeMs: Promise.resolve(0), extraInfo: Promise.resolve('') };
  };
  const t0 = performance.now();
  try {
    await tf.profile(async () => {
      await fn();
      return [];
    });
  } finally {
    profiler.profileKernel = original;
  }
  return { phases, wall: performance.now() - t0 };
}
