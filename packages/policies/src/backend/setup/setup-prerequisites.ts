import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { SrlError } from '@srl/core';
import { toolWorks } from './run-tool';

/** The tools `srl setup tensorflow` runs, each found on this machine. */
export interface SetupTools {
  /** Python 3 with pip (downloads the wheel; its zipfile module extracts it). */
  python: string;
  npm: string;
  /** node-gyp's entry script, run with this Node. */
  nodeGyp: string;
  /** A folder with include/node/node_api.h and common.gypi, for node-gyp's --nodedir. */
  nodeDir: string;
}

/** Folders that may hold this Node's headers: the install prefix (Debian's nodejs ships them), node-gyp's cache. */
function nodeDirCandidates(): string[] {
  const fromEnv = process.env.npm_config_nodedir ?? process.env.NODEJS_ORG_MIRROR_DIR;
  return [
    ...(fromEnv ? [fromEnv] : []),
    path.resolve(path.dirname(process.execPath), '..'),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node),
    path.join(os.homedir(), '.node-gyp', process.versions.node),
  ];
}

export function findNodeDir(): string | null {
  return (
    nodeDirCandidates().find(
      (dir) => existsSync(path.join(dir, 'include', 'node', 'node_api.h')) && existsSync(path.join(dir, 'include', 'node', 'common.gypi')),
    ) ?? null
  );
}

/** node-gyp from the project, else the copy bundled with npm next to this Node. */
export function findNodeGyp(projectRoot: string): string | null {
  try {
    return createRequire(path.join(projectRoot, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = [
      path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
      '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
      '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    ];
    return bundled.find((file) => existsSync(file)) ?? null;
  }
}

/**
 * Finds every tool the setup needs and throws one SrlError('runtime') listing all that are missing, each with
 * how to get it. `needPip` is false when a wheel file is given (Python still extracts it).
 */
export async function checkSetupTools(options: { projectRoot: string; needPip: boolean }): Promise<SetupTools> {
  const problems: string[] = [];
  const python = process.env.SRL_PYTHON ?? 'python3';
  if (!(await toolWorks(python, ['-c', 'import zipfile, sys; assert sys.version_info >= (3, 8)']))) {
    problems.push(`Python 3.8+ ("${python}") not found: install python3 (apt-get install python3) or set SRL_PYTHON to its path`);
  } else if (options.needPip && !(await toolWorks(python, ['-m', 'pip', '--version']))) {
    problems.push(`pip not found for "${python}": install it (apt-get install python3-pip, or ${python} -m ensurepip), or pass --wheel FILE`);
  }
  const cxx = process.env.CXX ?? 'c++';
  if (!(await toolWorks(cxx, ['--version']))) problems.push(`C++ compiler ("${cxx}") not found: install one (apt-get install g++) or set CXX`);
  if (!(await toolWorks('make', ['--version']))) problems.push('make not found: install it (apt-get install make)');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!(await toolWorks(npm, ['--version']))) problems.push('npm not found on PATH: it ships with Node.js; install Node with npm');
  const nodeGyp = findNodeGyp(options.projectRoot);
  if (nodeGyp === null) problems.push('node-gyp not found (neither in the project nor bundled with npm): npm install -g node-gyp');
  const nodeDir = findNodeDir();
  if (nodeDir === null) {
    problems.push(
      `headers of Node ${process.versions.node} not found (include/node/node_api.h in ${nodeDirCandidates().join(', ')}): install them (Debian/nodesource: they ship with the nodejs package; otherwise \`npx node-gyp install\`, or set npm_config_nodedir)`,
    );
  }
  if (problems.length > 0) {
    throw new SrlError('runtime', `srl setup tensorflow cannot build the native backend on this machine:\n  - ${problems.join('\n  - ')}`, {
      details: problems,
    });
  }
  return { python, npm, nodeGyp: nodeGyp as string, nodeDir: nodeDir as string };
}
