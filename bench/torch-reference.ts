// The PyTorch side of `pnpm bench policy` (both modes): which interpreter runs it, which torch and BLAS that is,
// and how fast its matrix products are next to tfjs's, so a slow reference BLAS is said before any ratio is read.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Tf from '@tensorflow/tfjs-core';

/** PyTorch's matMul below this share of tfjs's rate is reported as a slow reference (ratios then flatter srl). */
const SLOW_BLAS_SHARE = 0.5;

export interface TorchPython {
  python: string;
  /** Why this interpreter: `$PYTHON`, the venv of examples/trl-grpo/setup-venv.sh, or Debian's. */
  from: string;
}

/** $PYTHON, else the venv of examples/trl-grpo/setup-venv.sh (torch 2.13) when it is there, else Debian's python3. */
export function torchPython(repoRoot: string): TorchPython {
  if (process.env.PYTHON) return { python: process.env.PYTHON, from: '$PYTHON' };
  const venv = path.join(repoRoot, 'node_modules/.cache/srl-py/bin/python');
  if (existsSync(venv)) return { python: venv, from: 'the venv of examples/trl-grpo/setup-venv.sh' };
  return { python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', from: "Debian's: no $PYTHON and no venv" };
}

export interface TorchProbe {
  torch: string;
  /** torch's BLAS_INFO (`mkl`, `open` for OpenBLAS, `generic`: the system's libblas.so.3, then with the library loaded). */
  blas: string;
  /** One-thread a[m,k] @ b[k,n], median of 31 after 0.3 s of warm-up products. */
  gflops: number;
}

// One thread, set before torch loads (OpenBLAS ignores torch.set_num_threads), as bench/policy.py does.
const PROBE = `
import json, os, re, sys, time
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[v] = "1"
import torch
torch.set_num_threads(1)
m, k, n = (int(x) for x in sys.argv[1:4])
a, b = torch.randn(m, k), torch.randn(k, n)
# Warm up for 0.3 s, not a count of products: MKL's first ~12 products of a fresh process run at 15-65% of its
# rate (thread start, AVX-512 frequency licence), and a median of 15 after 3 once read 14.4 GFLOP/s for 100.
t0 = time.perf_counter()
while time.perf_counter() - t0 < 0.3: a @ b
ts = []
for _ in range(31):
    t0 = time.perf_counter(); a @ b; ts.append(time.perf_counter() - t0)
ts.sort()
info = re.findall(r"BLAS_INFO=(\\w+)", torch.__config__.show())
# A "generic" torch multiplies with whatever libblas.so.3 the system points at: name the one loaded (other BLAS
# builds link theirs in; numpy may load an OpenBLAS of its own, which torch does not use).
libs = sorted({os.path.basename(p) for p in (l.split()[-1] for l in open("/proc/self/maps") if len(l.split()) > 5) if re.match(r"lib(blas|openblas|blis)", os.path.basename(p))})
blas = (info[0] if info else "unknown") + (" (" + ", ".join(libs) + ")" if libs and info == ["generic"] else "")
print(json.dumps({"torch": torch.__version__, "blas": blas, "gflops": 2 * m * k * n / ts[15] / 1e9}))
`;

/** Probes `python`'s torch with one product of `shape`; an `error` line when it has none. */
function probeTorch(python: string, shape: readonly [number, number, number]): TorchProbe | { error: string } {
  const r = spawnSync(python, ['-c', PROBE, ...shape.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || String(r.error)).trim().split('\n').slice(-1)[0] };
  return JSON.parse(r.stdout) as TorchProbe;
}

/** tfjs's one-thread rate for a[m,k] @ b[k,n] with b a variable (XNNPACK keeps it packed), median of 30 after 3. */
export function tfjsMatMulGflops(tf: typeof Tf, [m, k, n]: readonly [number, number, number]): number {
  const a = tf.randomNormal([m, k]);
  const b = tf.variable(tf.randomNormal([k, n]));
  const once = (): number => {
    const t0 = performance.now();
    tf.tidy(() => void tf.matMul(a, b)); // wasm kernels run synchronously
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) once();
  const times = Array.from({ length: 30 }, once).sort((x, y) => x - y);
  tf.dispose([a, b]);
  return (2 * m * k * n) / ((times[14] + times[15]) / 2) / 1e6;
}

/**
 * Probes the reference's torch with one product of `shape` and returns lines that say which PyTorch it is and how fast its products are next to tfjs's, and, when its
 * matMul runs under SLOW_BLAS_SHARE of tfjs's, a warning that says what to install.
 */
export function describeReference(o: { python: TorchPython; shape: readonly [number, number, number]; side: string; sideGflops: number }): {
  info: string;
  warning: string | null;
} {
  const { shape } = o;
  const probe = probeTorch(o.python.python, shape);
  if ('error' in probe) return { info: `PyTorch reference: ${o.python.python} (${o.python.from}) has no usable torch: ${probe.error}`, warning: null };
  const share = probe.gflops / o.sideGflops;
  const info = `PyTorch reference: ${o.python.python} (${o.python.from}): torch ${probe.torch}, BLAS ${probe.blas}; matMul [${shape[0]},${shape[1]}]x[${shape[1]},${shape[2]}] on one thread ${probe.gflops.toFixed(1)} GFLOP/s vs ${o.side} ${o.sideGflops.toFixed(1)} (${share.toFixed(2)}x)`;
  if (share >= SLOW_BLAS_SHARE) return { info, warning: null };
  const warning =
    `WARNING: the PyTorch reference multiplies matrices at ${probe.gflops.toFixed(1)} GFLOP/s, ${share.toFixed(2)}x ${o.side}'s (BLAS ${probe.blas}), so srl / PyTorch ratios flatter srl. ` +
    `For a fair reference: bash examples/trl-grpo/setup-venv.sh (a venv with torch 2.13 and MKL, used automatically once it exists), ` +
    `or apt-get install libopenblas0-pthread (Debian's torch then multiplies with OpenBLAS), or PYTHON=/path/to/python with a BLAS-backed torch.`;
  return { info, warning };
}
