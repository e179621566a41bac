import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SrlError } from '@srl/core';
import { BINDING_PATH, buildTfjsBinding } from './build-tfjs-binding';
import { extractWheels } from './extract-wheels';
import { ensureSymlink, installTfjsNode, patchRemovedNodeApis, shareTfjsPackages } from './install-tfjs-node';
import { checkSetupTools } from './setup-prerequisites';
import { cudaRequirements, fetchTensorflowWheel, wheelPlatformProblem } from './tensorflow-wheel';
import { verifyTfjsNode, type NativeVerification } from './verify-tfjs-node';

/** tfjs-node's version: the same as the project's @tensorflow/tfjs-core, which it must share. */
export const TFJS_NODE_VERSION = '4.22.0';
export const DEFAULT_TF_VERSION = '2.21.*';

export interface SetupTensorflowOptions {
  /** The project whose node_modules receives the package (default: the nearest folder above cwd with node_modules). */
  projectRoot?: string;
  /** Build @tensorflow/tfjs-node-gpu against the CUDA-enabled `tensorflow` wheel and NVIDIA's pip wheels. */
  gpu?: boolean;
  /** Use this TensorFlow wheel file instead of downloading one. */
  wheel?: string;
  /** TensorFlow version for pip ("2.21", "2.21.0", "2.21.*"). */
  tfVersion?: string;
  /** Print the plan and what is already done; change nothing. */
  dryRun?: boolean;
  log?: (message: string) => void;
}

export interface SetupTensorflowResult {
  /** False when everything was in place already (the run only verified it). */
  changed: boolean;
  packageName: string;
  cacheDir: string;
  /** The steps this run performed (or, with dryRun, would perform). */
  steps: string[];
  verification: NativeVerification | null;
}

interface SetupState {
  wheels?: string;
  site?: string;
  npm?: string;
  binding?: string;
}

export function findProjectRoot(start: string = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'node_modules'))) return dir;
    if (path.dirname(dir) === dir)
      throw new SrlError('usage', `no project (a folder with package.json and node_modules) at or above ${start}; run it in your project, after installing it`);
  }
}

function pipRequirement(gpu: boolean, version: string): string {
  const spec = /^[<>=!~]/.test(version) ? version : /^\d+\.\d+$/.test(version) ? `==${version}.*` : `==${version}`;
  return `${gpu ? 'tensorflow' : 'tensorflow-cpu'}${spec}`;
}

/** Real folder of a package as @srl/policies resolves it. */
function sharedPackageDir(name: string): string {
  const require = createRequire(import.meta.url);
  return path.dirname(realpathSync(require.resolve(`${name}/package.json`)));
}

/**
 * `srl setup tensorflow`: builds TensorFlow.js's native backend without its libtensorflow download (SRL issue 16).
 * TensorFlow's pip wheel supplies the C library and headers; npm supplies @tensorflow/tfjs-node(-gpu) with its
 * install script skipped; node-gyp builds its binding against them; the project's node_modules gets a link to it,
 * where select-backend finds it. Every step records what it did in the cache's state.json and is skipped when done,
 * so a second run only verifies, and an interrupted run resumes. Touches only the project's node_modules.
 */
export async function setupTensorflow(options: SetupTensorflowOptions = {}): Promise<SetupTensorflowResult> {
  const log = options.log ?? (() => undefined);
  const gpu = options.gpu ?? false;
  const root = options.projectRoot ? path.resolve(options.projectRoot) : findProjectRoot();
  const packageName = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const cacheDir = path.join(root, 'node_modules', '.cache', 'srl-tensorflow', gpu ? 'gpu' : 'cpu');
  const stateFile = path.join(cacheDir, 'state.json');
  const state: SetupState = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as SetupState) : {};
  const save = (): void => writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  const siteDir = path.join(cacheDir, 'site');
  const installDir = path.join(cacheDir, 'npm');
  const packageDir = path.join(installDir, 'node_modules', ...packageName.split('/'));
  const link = path.join(root, 'node_modules', ...packageName.split('/'));

  if (options.wheel !== undefined) {
    if (!existsSync(options.wheel)) throw new SrlError('usage', `--wheel ${options.wheel}: no such file; expected a TensorFlow wheel (.whl)`);
    const problem = wheelPlatformProblem(options.wheel);
    if (problem !== null) throw new SrlError('usage', `--wheel: ${problem}`);
  }
  const wheelKey = options.wheel !== undefined ? `file:${path.resolve(options.wheel)}` : pipRequirement(gpu, options.tfVersion ?? DEFAULT_TF_VERSION);
  const npmKey = `${packageName}@${TFJS_NODE_VERSION}`;
  const steps = {
    wheels: state.site !== wheelKey || !existsSync(path.join(siteDir, 'tensorflow', 'libtensorflow_cc.so.2')),
    npm: state.npm !== npmKey || !existsSync(path.join(packageDir, 'package.json')),
    binding: false,
    link: !isLinkTo(link, packageDir),
  };
  steps.binding = steps.wheels || steps.npm || state.binding !== `${wheelKey}|${npmKey}` || !existsSync(path.join(packageDir, BINDING_PATH));
  if (existsSync(link) && !isLink(link)) {
    throw new SrlError(
      'runtime',
      `${link} is already an ordinary install of ${packageName} (not srl's build); srl's select-backend uses it as it is. Remove it (npm uninstall ${packageName}) to build it from TensorFlow's pip wheel instead`,
    );
  }
  const planned = [
    ...(steps.wheels
      ? [
          options.wheel
            ? `extract TensorFlow's library and C headers from ${options.wheel}`
            : `download ${wheelKey}${gpu ? ' and its nvidia-* CUDA wheels' : ''} with pip and extract the library and C headers`,
        ]
      : []),
    ...(steps.npm ? [`npm install --ignore-scripts ${npmKey} into ${installDir}`] : []),
    `check that the install links the project's @tensorflow/tfjs-core and tfjs-backend-cpu and runs on this Node`,
    ...(steps.binding ? [`build the binding with node-gyp (${BINDING_PATH})`] : []),
    ...(steps.link ? [`link ${link} -> ${packageDir}`] : []),
    'verify: load it from @srl/policies, run a matMul and a gradient',
  ];
  if (options.dryRun) {
    for (const step of planned) log(`would ${step}`);
    return { changed: steps.wheels || steps.npm || steps.binding || steps.link, packageName, cacheDir, steps: planned, verification: null };
  }

  const tools = await checkSetupTools({ projectRoot: root, needPip: options.wheel === undefined && steps.wheels });
  mkdirSync(cacheDir, { recursive: true });
  const done: string[] = [];
  if (steps.wheels) {
    const wheelDir = path.join(cacheDir, 'wheels');
    const tfWheel = options.wheel ?? (await fetchTensorflowWheel({ python: tools.python, requirement: wheelKey, dest: wheelDir, log }));
    const problem = wheelPlatformProblem(tfWheel);
    if (problem !== null) throw new SrlError('runtime', problem);
    const wheels: { file: string; kind: 'tensorflow' | 'nvidia' }[] = [{ file: tfWheel, kind: 'tensorflow' }];
    if (gpu) {
      for (const requirement of await cudaRequirements(tools.python, tfWheel)) {
        wheels.push({ file: await fetchTensorflowWheel({ python: tools.python, requirement, dest: path.join(wheelDir, 'nvidia'), log }), kind: 'nvidia' });
      }
    }
    log(`extracting ${wheels.map((w) => path.basename(w.file)).join(', ')}`);
    const count = await extractWheels({ python: tools.python, wheels, dest: siteDir });
    // The extracted files are what later steps use; the downloaded wheels (about 270 MB for the CPU one) are not kept.
    rmSync(wheelDir, { recursive: true, force: true });
    state.site = wheelKey;
    save();
    done.push(`extracted ${count} files from ${wheels.length} wheel(s)`);
  }
  if (steps.npm) {
    await installTfjsNode({ npm: tools.npm, installDir, packageName, version: TFJS_NODE_VERSION, log });
    state.npm = npmKey;
    save();
    done.push(`installed ${npmKey}`);
  }
  if (shareTfjsPackages(installDir, { core: sharedPackageDir('@tensorflow/tfjs-core'), backendCpu: sharedPackageDir('@tensorflow/tfjs-backend-cpu') })) {
    done.push("linked the project's @tensorflow/tfjs-core and tfjs-backend-cpu");
  }
  if (patchRemovedNodeApis(packageDir)) done.push("gave tfjs-node's kernels the util functions Node 23+ removed");
  if (steps.binding) {
    const started = Date.now();
    await buildTfjsBinding({ packageDir, siteDir, nodeGyp: tools.nodeGyp, nodeDir: tools.nodeDir, log });
    state.binding = `${wheelKey}|${npmKey}`;
    save();
    done.push(`built the binding in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  if (steps.link) {
    ensureSymlink(packageDir, link);
    done.push(`linked ${path.relative(root, link)}`);
  }
  const verification = await verifyTfjsNode({ fromFile: fileURLToPath(import.meta.url), packageName });
  if (!verification.packageFile.startsWith(realpathSync(cacheDir))) {
    throw new SrlError(
      'runtime',
      `@srl/policies resolves ${packageName} to ${verification.packageFile}, not to the build in ${cacheDir}; run the setup in the project that installs @srl/policies (or pass --project)`,
    );
  }
  return { changed: done.length > 0, packageName, cacheDir, steps: done, verification };
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

function isLinkTo(link: string, target: string): boolean {
  return isLink(link) && readlinkSync(link) === target;
}
