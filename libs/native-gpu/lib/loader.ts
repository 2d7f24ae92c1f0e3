/**
 * Loads the compiled addon, once, on first use (so importing the package never fails by itself).
 *
 * Candidates, in order: `$VIGIL_NATIVE_GPU_BINARY` (an explicit path, e.g. an ASan or debug build),
 * `build/Release/vigil_native_gpu.node`, `build/Debug/vigil_native_gpu.node`. There is a single
 * binary for every machine: when built with CUDA it still loads where no GPU or CUDA runtime exists
 * (cudart is linked statically) and then reports `backends()` = `['cpu']`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Binding } from './binding';
import { NativeGpuError } from './errors';

/** Environment variable naming an explicit addon file to load instead of the build folder's. */
export const BINARY_PATH_ENV = 'VIGIL_NATIVE_GPU_BINARY';

const BINARY_NAME = 'vigil_native_gpu.node';
// lib/*.ts under ts-jest and dist/*.js once compiled both sit one level below the package root.
const PACKAGE_ROOT = path.resolve(__dirname, '..');

let cached: Binding | undefined;

/** The files the loader tries, in order. */
export function candidatePaths(): string[] {
  const explicit = process.env[BINARY_PATH_ENV];
  return [
    ...(explicit ? [path.resolve(explicit)] : []),
    path.join(PACKAGE_ROOT, 'build', 'Release', BINARY_NAME),
    path.join(PACKAGE_ROOT, 'build', 'Debug', BINARY_NAME),
  ];
}

/** The native module; throws a NativeGpuError (`ERR_NATIVE_GPU_LOAD`) saying how to fix a missing build. */
export function loadBinding(): Binding {
  if (cached) return cached;
  const failures: string[] = [];
  for (const file of candidatePaths()) {
    if (!fs.existsSync(file)) {
      failures.push(`${file}: not found`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(file) as Binding;
      return cached;
    } catch (error) {
      failures.push(`${file}: ${(error as Error).message}`);
    }
  }
  throw new NativeGpuError(
    [
      '@vigil/native-gpu: the native addon could not be loaded.',
      ...failures.map((failure) => `  ${failure}`),
      'Run `npm run build -w @vigil/native-gpu` from the repository root to build it (needs python3, make',
      'and a C++17 compiler; nvcc is optional). A file that exists but fails to load was usually built for',
      'another Node.js version or machine: run the build again.',
    ].join('\n'),
    'ERR_NATIVE_GPU_LOAD',
  );
}
