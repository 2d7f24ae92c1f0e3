/**
 * Capability queries, the loader, and native error propagation.
 */
import { backends, cudaStatus, deviceInfo, NativeGpuError } from '@vigil/native-gpu';

import { CallSite, captureCallSite, nativeError } from '../lib/errors';
import { BINARY_PATH_ENV, candidatePaths, loadBinding } from '../lib/loader';

describe(backends.name, () => {
  it("always lists 'cpu' first, and 'cuda' exactly when CUDA is available", () => {
    const list = backends();

    expect(list[0]).toBe('cpu');
    expect(list.includes('cuda')).toBe(cudaStatus().available);
    expect(list.every((b) => b === 'cpu' || b === 'cuda')).toBe(true);
  });
});

describe(cudaStatus.name, () => {
  it('reports how the addon was built and, without a device, why', () => {
    const status = cudaStatus();

    expect(status.compiled).toBe(loadBinding().cudaCompiled);
    if (status.available) {
      expect(status.deviceCount).toBeGreaterThan(0);
    } else {
      expect(status.error).toEqual(expect.any(String));
      expect(status.code).toEqual(expect.any(String));
    }
  });
});

describe(deviceInfo.name, () => {
  it('describes each device, and is empty without CUDA', () => {
    const devices = deviceInfo();

    expect(devices).toHaveLength(cudaStatus().available ? cudaStatus().deviceCount : 0);
    for (const device of devices) {
      expect(device).toEqual({
        id: expect.any(Number),
        name: expect.any(String),
        totalMemoryBytes: expect.any(Number),
        multiProcessorCount: expect.any(Number),
        computeCapability: { major: expect.any(Number), minor: expect.any(Number) },
      });
    }
  });
});

describe(loadBinding.name, () => {
  const saved = process.env[BINARY_PATH_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[BINARY_PATH_ENV];
    else process.env[BINARY_PATH_ENV] = saved;
    jest.resetModules();
    jest.dontMock('node:fs');
  });

  it('tries an explicit binary first, then the Release and Debug builds', () => {
    process.env[BINARY_PATH_ENV] = '/nonexistent/custom.node';

    const paths = candidatePaths();

    expect(paths[0]).toBe('/nonexistent/custom.node');
    expect(paths.slice(1).map((p) => p.split('/').slice(-3).join('/'))).toEqual([
      'build/Release/vigil_native_gpu.node',
      'build/Debug/vigil_native_gpu.node',
    ]);
  });

  it('throws an actionable error when no build exists', () => {
    jest.doMock('node:fs', () => ({ ...jest.requireActual('node:fs'), existsSync: () => false }));
    let fresh: typeof import('../lib/loader') | undefined;
    jest.isolateModules(() => {
      fresh = require('../lib/loader');
    });

    let error: unknown;
    try {
      fresh?.loadBinding();
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'NativeGpuError', code: 'ERR_NATIVE_GPU_LOAD' });
    expect((error as Error).message).toContain('Run `npm run build -w @vigil/native-gpu`');
    expect((error as Error).message).toContain('vigil_native_gpu.node: not found');
  });
});

describe('native errors', () => {
  (cudaStatus().available ? it.skip : it)(
    'reject (never abort) with the CUDA error string when the raw binding is asked for cuda without a device',
    async () => {
      const binding = loadBinding();
      const one = Float64Array.from([1]);

      const rejection = binding.windowAggregates(Int32Array.from([1]), one, one, null, one, { backend: 'cuda', threads: 0, timing: false });

      await expect(rejection).rejects.toMatchObject({
        message: `windowAggregates (cuda): ${cudaStatus().error}`,
        code: cudaStatus().code,
      });
    },
  );

  it('carry the JS call site captured before the call', () => {
    function callerOfTheAddon(): CallSite {
      return captureCallSite(callerOfTheAddon);
    }
    function outerCaller(): CallSite {
      return callerOfTheAddon();
    }
    const site = outerCaller();

    const error = nativeError(Object.assign(new Error('kernel failed: out of memory'), { code: 'cudaErrorMemoryAllocation' }), site);

    expect(error).toBeInstanceOf(NativeGpuError);
    expect(error.code).toBe('cudaErrorMemoryAllocation');
    expect(error.stack).toMatch(/^NativeGpuError: kernel failed: out of memory\n\s+at outerCaller/);
  });
});
