import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { TEST_BACKEND } from '../backend/test-backend';
import { selectKernels } from './select-kernels';
import { wasmInternals } from './wasm/wasm-internals';

describe('selectKernels', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
  });
  afterAll(async () => {
    await selectBackend({ backend: TEST_BACKEND });
  });

  it('gives the reference set off wasm, and refuses to force the wasm set there', () => {
    expect(selectKernels('auto').name).toBe('reference');
    expect(selectKernels('reference').name).toBe('reference');
    expect(() => selectKernels('wasm')).toThrow(/kernels "wasm" needs the wasm backend, but the active tfjs backend is cpu/);
    expect(() => selectKernels('fast' as never)).toThrow(/kernels "fast" is not a kernel set; expected one of auto, reference, wasm/);
  });

  it('falls back to the reference set with one warning when the wasm internals are missing', async () => {
    await selectBackend({ backend: 'wasm' });
    expect(selectKernels('auto').name).toBe('wasm');
    // The feature check itself: a backend object without the expected fields has no usable internals.
    expect(wasmInternals({ wasm: { HEAPF32: new Float32Array(1) } })).toBeNull();
    const log = vi.fn();
    const missing = () => ({ unavailable: 'the wasm backend does not expose the internals these kernels use', wrongBackend: false });
    expect(selectKernels('auto', log, missing).name).toBe('reference');
    expect(selectKernels('wasm', log, missing).name).toBe('reference');
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toMatch(/fast wasm kernels are off \(the wasm backend does not expose the internals.*\); using the reference kernels/);
    await selectBackend({ backend: 'cpu' });
  });
});
