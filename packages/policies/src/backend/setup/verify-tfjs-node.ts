import { SrlError } from '@srl/core';
import { runTool, type ToolOutput } from './run-tool';

/** What a fresh Node process found when it loaded the native package the way select-backend does. */
export interface NativeVerification {
  /** Real path of the package that loaded. */
  packageFile: string;
  /** TensorFlow's version as its C library reports it. */
  tensorflowVersion: string;
  /** [[1,2],[3,4]] x [[5,6],[7,8]]. */
  matMul: number[];
  /** d/dx sum(x^2) at x = [1, 2, 3]. */
  gradient: number[];
  /** Whether TensorFlow placed its ops on a GPU (tfjs-node's isUsingGpuDevice). */
  usingGpu: boolean;
  /** GPU devices TensorFlow logged when it started (empty on CPU). */
  gpuDevices: string[];
  loadMs: number;
}

/**
 * CommonJS run in a child process: resolves tfjs-core and the native package from @srl/policies' folder (where
 * select-backend imports them), so a second tfjs-core copy or an unresolvable install shows up here.
 */
const VERIFY_SCRIPT = `
const { createRequire } = require('node:module');
const fs = require('node:fs');
const [from, name] = process.argv.slice(1);
const req = createRequire(from);
const warnings = [];
const warn = console.warn;
console.warn = (...args) => { warnings.push(args.join(' ')); };
const core = req('@tensorflow/tfjs-core');
const start = Date.now();
req(name);
const loadMs = Date.now() - start;
console.warn = warn;
const dup = warnings.filter((w) => /already registered/.test(w));
if (dup.length > 0) { console.error('DUPLICATE ' + dup.length + ': ' + dup[0]); process.exit(3); }
if (core.findBackendFactory('tensorflow') === null) { console.error('NOBACKEND'); process.exit(4); }
(async () => {
  if (!(await core.setBackend('tensorflow'))) { console.error('NOINIT'); process.exit(5); }
  const a = core.tensor2d([[1, 2], [3, 4]]);
  const b = core.tensor2d([[5, 6], [7, 8]]);
  const matMul = Array.from(await core.matMul(a, b).data());
  const gradient = Array.from(await core.grad((x) => x.square().sum())(core.tensor1d([1, 2, 3])).data());
  const binding = core.backend().binding;
  console.log(JSON.stringify({ packageFile: fs.realpathSync(req.resolve(name)), tensorflowVersion: String(binding && binding.TF_Version), usingGpu: core.backend().isUsingGpuDevice === true, matMul, gradient, loadMs }));
})().catch((e) => { console.error(e && e.stack || e); process.exit(6); });
`;

const EXPECTED_MATMUL = [19, 22, 43, 50];
const EXPECTED_GRADIENT = [2, 4, 6];

/**
 * Loads `packageName` in a fresh Node process, resolved from `fromFile` (a file inside @srl/policies), activates its
 * `tensorflow` backend and checks a product and a gradient. Throws SrlError('runtime') saying what went wrong.
 */
export async function verifyTfjsNode(options: { fromFile: string; packageName: string }): Promise<NativeVerification> {
  let out: ToolOutput;
  try {
    out = await runTool(process.execPath, ['-e', VERIFY_SCRIPT, options.fromFile, options.packageName], {
      purpose: `load ${options.packageName} and run a product and a gradient on it`,
    });
  } catch (error) {
    const message = (error as Error).message;
    const hint = /DUPLICATE/.test(message)
      ? 'a second copy of @tensorflow/tfjs-core registered its kernels again; rerun `srl setup tensorflow` to relink the shared copy'
      : /NOBACKEND/.test(message)
        ? `${options.packageName} registered its backend with another copy of @tensorflow/tfjs-core than the one @srl/policies uses`
        : /Cannot find module/.test(message)
          ? `${options.packageName} does not resolve from @srl/policies; run the setup from the project root (or pass --project)`
          : 'see the error above';
    throw new SrlError('runtime', `the native backend does not work: ${hint}.\n${message}`);
  }
  const result = JSON.parse(out.stdout.trim().split('\n').at(-1) as string) as Omit<NativeVerification, 'gpuDevices'>;
  const gpuDevices = [...out.stderr.matchAll(/Created device (\S*GPU:\d+)[^\n]*/g)].map((m) => m[0]);
  const close = (got: number[], want: number[]): boolean => got.length === want.length && got.every((v, i) => Math.abs(v - (want[i] as number)) < 1e-4);
  if (!close(result.matMul, EXPECTED_MATMUL) || !close(result.gradient, EXPECTED_GRADIENT)) {
    throw new SrlError(
      'runtime',
      `the native backend computes wrong values: matMul ${JSON.stringify(result.matMul)} (expected ${JSON.stringify(EXPECTED_MATMUL)}), gradient ${JSON.stringify(result.gradient)} (expected ${JSON.stringify(EXPECTED_GRADIENT)})`,
    );
  }
  return { ...result, gpuDevices };
}
