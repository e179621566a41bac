import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runTool } from './run-tool';

/** The project's own copies of the packages that register kernels; the native package must share them. */
export interface SharedTfjsPackages {
  /** Real folder of `@tensorflow/tfjs-core` as @srl/policies resolves it. */
  core: string;
  /** Real folder of `@tensorflow/tfjs-backend-cpu` as @srl/policies resolves it. */
  backendCpu: string;
}

/** Makes `link` a symlink to `target` (replacing a folder or another link there); true when it changed anything. */
export function ensureSymlink(target: string, link: string): boolean {
  if (existsSync(link) || isLink(link)) {
    if (isLink(link) && readlinkSync(link) === target) return false;
    rmSync(link, { recursive: true, force: true });
  }
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(target, link);
  return true;
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Points the install's `@tensorflow/tfjs-core` and `@tensorflow/tfjs-backend-cpu` at the project's copies, so that
 * one tfjs-core instance serves srl and the native backend (a second copy registers every kernel twice and the
 * native backend lands in a registry srl never reads). Returns true when it changed a link.
 */
export function shareTfjsPackages(installDir: string, shared: SharedTfjsPackages): boolean {
  const scope = path.join(installDir, 'node_modules', '@tensorflow');
  const a = ensureSymlink(shared.core, path.join(scope, 'tfjs-core'));
  const b = ensureSymlink(shared.backendCpu, path.join(scope, 'tfjs-backend-cpu'));
  return a || b;
}

/**
 * Installs `packageName@version` with npm into its own folder `installDir` (a private package.json there), with
 * install scripts skipped: the package's script would download libtensorflow from Google's storage.
 * Returns the installed package's folder.
 */
export async function installTfjsNode(options: {
  npm: string;
  installDir: string;
  packageName: string;
  version: string;
  log: (message: string) => void;
}): Promise<string> {
  mkdirSync(options.installDir, { recursive: true });
  writeFileSync(
    path.join(options.installDir, 'package.json'),
    `${JSON.stringify({ name: 'srl-tensorflow-native', private: true, description: 'written by srl setup tensorflow', dependencies: { [options.packageName]: options.version } }, null, 2)}\n`,
  );
  // A fresh tree: npm leaves files of an earlier (patched or half-finished) install in place. Links are removed, not followed.
  rmSync(path.join(options.installDir, 'node_modules'), { recursive: true, force: true });
  options.log(`npm install --ignore-scripts ${options.packageName}@${options.version}`);
  await runTool(options.npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', '--omit=dev'], {
    cwd: options.installDir,
    purpose: `install ${options.packageName}@${options.version} with npm`,
  });
  return path.join(options.installDir, 'node_modules', ...options.packageName.split('/'));
}

const UTIL_REQUIRE = 'require("util")';
/** util.isNullOrUndefined and util.isArray, which Node 23 removed and tfjs-node 4.22's kernels still call. */
const UTIL_WITH_REMOVED = 'Object.assign({ isNullOrUndefined: (x) => x === null || x === undefined, isArray: Array.isArray }, require("util"))';

/**
 * Gives tfjs-node's compiled JavaScript the `util` functions newer Node removed (on Node 26 its backend otherwise
 * fails with "isNullOrUndefined is not a function"). Idempotent; returns true when it changed a file.
 */
export function patchRemovedNodeApis(packageDir: string): boolean {
  let changed = false;
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.js')) {
        const text = readFileSync(file, 'utf8');
        if (!/util_1\.is(NullOrUndefined|Array)\b/.test(text) || !text.includes(UTIL_REQUIRE) || text.includes(UTIL_WITH_REMOVED)) continue;
        writeFileSync(file, text.split(UTIL_REQUIRE).join(UTIL_WITH_REMOVED));
        changed = true;
      }
    }
  };
  visit(path.join(packageDir, 'dist'));
  return changed;
}
