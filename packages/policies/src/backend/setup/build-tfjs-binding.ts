import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ensureSymlink } from './install-tfjs-node';
import { runTool } from './run-tool';

/** Where the package looks for its N-API binding (node-pre-gyp's module_path for N-API version 8). */
export const BINDING_PATH = path.join('lib', 'napi-v8', 'tfjs_binding.node');

/**
 * Links TensorFlow's libraries and headers (extracted in `siteDir`) into the package's `deps/` as its binding.gyp
 * expects (`libtensorflow.so` is the wheel's `libtensorflow_cc.so.2`, which holds the C API), then builds the
 * binding with node-gyp against this Node's headers. Returns the built binding's path.
 */
export async function buildTfjsBinding(options: {
  packageDir: string;
  siteDir: string;
  nodeGyp: string;
  nodeDir: string;
  log: (message: string) => void;
}): Promise<string> {
  const lib = path.join(options.packageDir, 'deps', 'lib');
  mkdirSync(lib, { recursive: true });
  const tfDir = path.join(options.siteDir, 'tensorflow');
  const cc = path.join(tfDir, 'libtensorflow_cc.so.2');
  const framework = path.join(tfDir, 'libtensorflow_framework.so.2');
  for (const name of ['libtensorflow.so', 'libtensorflow.so.2', 'libtensorflow_cc.so.2']) ensureSymlink(cc, path.join(lib, name));
  for (const name of ['libtensorflow_framework.so', 'libtensorflow_framework.so.2']) ensureSymlink(framework, path.join(lib, name));
  ensureSymlink(path.join(options.siteDir, 'include'), path.join(options.packageDir, 'deps', 'include'));
  // GPU: TensorFlow finds CUDA through RUNPATH $ORIGIN/../nvidia/*/lib; libraries loaded through deps/lib see it here.
  if (existsSync(path.join(options.siteDir, 'nvidia'))) ensureSymlink(path.join(options.siteDir, 'nvidia'), path.join(options.packageDir, 'deps', 'nvidia'));
  options.log(`node-gyp rebuild --nodedir=${options.nodeDir} (about a minute)`);
  await runTool(
    process.execPath,
    [
      options.nodeGyp,
      'rebuild',
      `--nodedir=${options.nodeDir}`,
      '--module_name=tfjs_binding',
      `--module_path=${path.join(options.packageDir, 'lib', 'napi-v8')}`,
      '--napi_build_version=8',
      '--jobs=max',
    ],
    { cwd: options.packageDir, purpose: 'build the tfjs-node binding with node-gyp', env: { ...process.env, npm_config_loglevel: 'error' } },
  );
  const binding = path.join(options.packageDir, BINDING_PATH);
  if (!existsSync(binding)) throw new Error(`node-gyp finished but ${binding} is missing`);
  return binding;
}
