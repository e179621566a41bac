import { describe, expect, it } from 'vitest';
import { wheelPlatformProblem } from './tensorflow-wheel';

describe('wheelPlatformProblem', () => {
  const here = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  it.runIf(process.platform === 'linux')('accepts a manylinux wheel for this architecture, also among several tags', () => {
    expect(wheelPlatformProblem(`tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_${here}.whl`)).toBeNull();
    expect(wheelPlatformProblem(`/x/tensorflow-2.21.0-cp312-cp312-manylinux_2_17_${here}.manylinux2014_${here}.whl`)).toBeNull();
  });

  it('names the platform of a wheel built for another machine', () => {
    expect(wheelPlatformProblem('tensorflow-2.21.0-cp311-cp311-macosx_12_0_arm64.whl')).toMatch(
      /is for macosx_12_0_arm64, not this machine|builds on Linux only/,
    );
    const other = here === 'x86_64' ? 'aarch64' : 'x86_64';
    expect(wheelPlatformProblem(`tensorflow-2.21.0-cp311-cp311-manylinux_2_27_${other}.whl`)).toMatch(new RegExp(`manylinux_2_27_${other}|Linux only`));
  });

  it('refuses a file that is not named like a wheel', () => {
    expect(wheelPlatformProblem('libtensorflow-cpu-linux-x86_64.tar.gz')).toMatch(/not a wheel file name/);
  });
});
