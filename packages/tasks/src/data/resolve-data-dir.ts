import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SrlError } from '@srl/core';

/** Environment variable that points at the shared data folder (the one holding `gsm8k/`, `benchmarks/`). */
export const DATA_DIR_ENV = 'SRL_DATA_DIR';

export interface ResolveDataDirOptions {
  /** An explicit folder (option `dataDir`); relative paths resolve against `baseDir`. */
  dataDir?: string;
  /** Folder that a relative `dataDir` resolves against (the recipe's folder). Default: cwd. */
  baseDir?: string;
  /** Environment to read `SRL_DATA_DIR` from. Default: process.env. */
  env?: Record<string, string | undefined>;
  /** Folders to walk up from when neither is given. Default: this package's folder, then cwd. */
  startDirs?: string[];
}

const packageDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Finds the shared data root: `dataDir` option, else `$SRL_DATA_DIR`, else the first `shared/data`
 * found walking up from the package folder and the cwd (the repository's `../shared/data`).
 * Throws SrlError 'data' naming every place it looked.
 */
export function resolveDataDir(options: ResolveDataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const baseDir = options.baseDir ?? process.cwd();
  if (options.dataDir) return checkDir(path.resolve(baseDir, options.dataDir), 'option dataDir');
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) return checkDir(path.resolve(fromEnv), `$${DATA_DIR_ENV}`);
  const tried: string[] = [];
  for (const start of options.startDirs ?? [packageDir, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      const candidate = path.join(dir, 'shared', 'data');
      if (isDir(candidate)) return candidate;
      tried.push(candidate);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new SrlError(
    'data',
    `cannot find the shared data folder: no option dataDir, no $${DATA_DIR_ENV}, and none of ${[...new Set(tried)].join(', ')} exists; ` +
      `set the task option "dataDir" or the environment variable ${DATA_DIR_ENV} to the folder that holds gsm8k/ and benchmarks/`,
  );
}

function isDir(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

function checkDir(dir: string, source: string): string {
  if (!isDir(dir))
    throw new SrlError('data', `data folder from ${source} does not exist or is not a folder: "${dir}"; expected the folder that holds gsm8k/ and benchmarks/`);
  return dir;
}
