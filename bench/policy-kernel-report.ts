// The kernel profile bench/policy.ts prints after its table: self times of the tfjs side's kernels per call.
import { emptyKernelStats, type KernelStats } from './kernel-profile.ts';
import { fmt, profile, top } from './policy-helpers.ts';

/**
 * Profiles 3 forward+backward passes (`gradients`, whose loss function sets the phase to 'backward' at the
 * loss), 3 AdamW steps and 10 decode steps, and prints each one's kernel self times by kernel (products apart),
 * the backward's also by kernel and input shapes, next to the unprofiled medians of the same calls.
 */
export async function printKernelProfile(o: {
  gradients: () => void;
  adamw: () => void;
  decode: () => void;
  unprofiledMs: { forwardBackward: number; tapedForward: number; backward: number; optimizer: number; decode: number };
  decodeRows: number;
  rowsShown: number;
}): Promise<void> {
  const empty = emptyKernelStats();
  const fb = await profile(o.gradients, 3);
  const fwd = fb.phases.get('forward') ?? empty;
  const bwd = fb.phases.get('backward') ?? empty;
  const op = (await profile(o.adamw, 3)).phases.get('all') ?? empty;
  const decodeProfile = await profile(o.decode, 10);
  const dec = decodeProfile.phases.get('all') ?? empty;
  const u = o.unprofiledMs;
  const line = (name: string, p: KernelStats, unprofiled: string): string =>
    `  ${name}: ${fmt(p.total, 2)} ms in ${Math.round(p.count)} kernel calls (self time; a custom op's own JS counts as a kernel); unprofiled ${unprofiled}`;
  /** Matrix-product kernels (tfjs MatMul kernels, srl's SrlBatchMatMul / SrlDense) vs the rest. */
  const products = (p: KernelStats): string => {
    let mm = 0;
    let mmCalls = 0;
    for (const [k, v] of p.byKernel) if (/MatMul|Dense/i.test(k)) (mm += v), (mmCalls += p.calls.get(k) ?? 0);
    return `    = products ${fmt(mm, 2)} ms (${Math.round(mmCalls)} calls) + other kernels ${fmt(p.total - mm, 2)} ms (${Math.round(p.count - mmCalls)} calls)`;
  };
  console.log(
    '\ntfjs kernel profile (mean per call of 3 forward+backward passes, 3 AdamW steps, 10 decode steps; the engine profiler wrapped to give self times)',
  );
  console.log(`  forward + backward: ${fmt(fb.wall, 2)} ms profiled, ${fmt(u.forwardBackward, 2)} ms unprofiled`);
  console.log(line('forward + log-probs + loss (taped)', fwd, `${fmt(u.tapedForward, 2)} ms`));
  console.log(products(fwd));
  console.log(top(fwd.byKernel, 8, fwd.total, fwd.calls).join('\n'));
  console.log(line('backward', bwd, `${fmt(u.backward, 2)} ms`));
  console.log(products(bwd));
  console.log(top(bwd.byKernel, 10, bwd.total, bwd.calls).join('\n'));
  console.log(`  backward by kernel and input shapes (top ${o.rowsShown}; % of the backward's kernel time):`);
  console.log(top(bwd.byShape, o.rowsShown, bwd.total).join('\n'));
  console.log(line('AdamW step (no clipping)', op, `${fmt(u.optimizer, 2)} ms with clipping`));
  console.log(top(op.byKernel, 5, op.total, op.calls).join('\n'));
  console.log(line(`decode step (${o.decodeRows} rows)`, dec, `${fmt(u.decode, 2)} ms; profiled ${fmt(decodeProfile.wall, 2)} ms`));
  console.log(products(dec));
  console.log(top(dec.byKernel, o.rowsShown >> 1, dec.total, dec.calls).join('\n'));
}
