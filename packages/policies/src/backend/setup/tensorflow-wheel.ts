import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { runTool } from './run-tool';

/** The wheel tag of this machine's architecture (`linux_x86_64` etc. end with it). */
function archTag(): string {
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
}

/**
 * Why a wheel file cannot serve this machine (another OS or architecture), or null when its platform tag fits.
 * Wheel names are `name-version(-build)?-python-abi-platform.whl`; the platform part may list several tags.
 */
export function wheelPlatformProblem(file: string): string | null {
  const base = path.basename(file);
  const parts = base.replace(/\.whl$/, '').split('-');
  if (!base.endsWith('.whl') || parts.length < 5) return `"${base}" is not a wheel file name (name-version-python-abi-platform.whl)`;
  const platforms = (parts.at(-1) as string).split('.');
  const want = archTag();
  if (process.platform !== 'linux') return `srl setup tensorflow builds on Linux only; this machine is ${process.platform}/${process.arch}`;
  if (platforms.some((p) => p.includes('linux') && p.endsWith(`_${want}`))) return null;
  return `the wheel "${base}" is for ${platforms.join(', ')}, not this machine (linux ${want}); pass a wheel built for linux_${want}`;
}

export interface FetchWheelOptions {
  python: string;
  /** pip requirement, e.g. "tensorflow-cpu==2.21.*". */
  requirement: string;
  dest: string;
  log: (message: string) => void;
}

/**
 * Downloads one wheel (no dependencies) with pip from the indexes pip is configured with and returns its path.
 * The C library does not depend on the Python version, so when no wheel matches this interpreter it retries
 * for other CPython versions (same platform).
 */
export async function fetchTensorflowWheel(options: FetchWheelOptions): Promise<string> {
  mkdirSync(options.dest, { recursive: true });
  const base = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--no-cache-dir', '--dest', options.dest];
  const existing = (): string | undefined => readdirSync(options.dest).find((f) => f.endsWith('.whl') && wheelPlatformProblem(f) === null);
  let lastError: unknown;
  for (const pythonVersion of [null, '3.13', '3.12', '3.11', '3.10', '3.9']) {
    const extra = pythonVersion === null ? [] : ['--python-version', pythonVersion];
    try {
      options.log(`pip download ${options.requirement}${pythonVersion ? ` (for CPython ${pythonVersion})` : ''}`);
      await runTool(options.python, [...base, ...extra, options.requirement], { purpose: `download the wheel ${options.requirement} with pip` });
      const found = existing();
      if (found !== undefined) return path.join(options.dest, found);
    } catch (error) {
      lastError = error;
      if (!/No matching distribution|Could not find a version/.test((error as Error).message)) throw error;
    }
  }
  throw new SrlError(
    'runtime',
    `no wheel ${options.requirement} for linux ${archTag()} on pip's indexes (\`pip config list\` shows them): ${(lastError as Error | undefined)?.message ?? 'nothing downloaded'}. Pass --tf-version with a version the index has, or --wheel FILE`,
  );
}

const REQUIRES_SCRIPT = `
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
meta = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))
for line in z.read(meta).decode().splitlines():
    if line.startswith('Requires-Dist:') and re.search(r'extra\\s*==\\s*"and-cuda"', line):
        print(line.split(':', 1)[1].split(';')[0].strip().replace(' ', ''))
`;

/** The requirements of the wheel's `and-cuda` extra (NVIDIA's CUDA libraries as `nvidia-*` wheels). */
export async function cudaRequirements(python: string, wheel: string): Promise<string[]> {
  const { stdout } = await runTool(python, ['-c', REQUIRES_SCRIPT, wheel], { purpose: `read the and-cuda requirements of ${path.basename(wheel)}` });
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
