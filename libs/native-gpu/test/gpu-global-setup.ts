/**
 * Global setup of `npm run test:gpu`: refuses to run without a CUDA device, so a GPU job on a
 * machine without one fails instead of passing vacuously.
 */
import { backends, cudaStatus } from '../lib/runtime';

export default function assertCudaDevice(): void {
  if (!backends().includes('cuda')) {
    const status = cudaStatus();
    throw new Error(
      `test:gpu needs a CUDA device, but backends() is [${backends().join(', ')}] ` +
        `(compiled with CUDA: ${status.compiled}; ${status.error ?? 'no device'}). ` +
        'Run it on a GPU machine after `npm run build -w @vigil/native-gpu` found nvcc.',
    );
  }
}
