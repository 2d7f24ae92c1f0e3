/** Capability queries (which backends this machine can run, what CUDA devices it has) and the backend choice they drive. */
import { NativeGpuError } from './errors';
import { loadBinding } from './loader';
import { expectObject, expectOneOf } from './validate';

/** A compute backend: `cpu` always exists; `cuda` only with a CUDA build and at least one device. */
export type Backend = 'cpu' | 'cuda';

/** A visible CUDA device. */
export interface CudaDeviceInfo {
  /** CUDA device ordinal. */
  id: number;
  name: string;
  totalMemoryBytes: number;
  multiProcessorCount: number;
  computeCapability: { major: number; minor: number };
  /** Peak DRAM bandwidth, 2 x memory clock x bus width (the `cudaDevAttrMemoryClockRate` and `GlobalMemoryBusWidth` attributes). */
  peakMemoryBandwidthBytesPerSecond: number;
}

/** Why `cuda` is or is not a backend here. */
export interface CudaStatus {
  /** The addon was compiled with CUDA (nvcc was found at build time). */
  compiled: boolean;
  /** `backends()` includes `cuda`. */
  available: boolean;
  deviceCount: number;
  /** CUDA runtime linked into the addon, e.g. 13000 for 13.0; 0 without CUDA. */
  runtimeVersion: number;
  /** Installed driver's CUDA version; 0 when there is no driver. */
  driverVersion: number;
  /** When not available: the reason, e.g. the cudaGetDeviceCount error string. */
  error?: string;
  /** When not available: e.g. `cudaErrorNoDevice`, `cudaErrorInsufficientDriver`. */
  code?: string;
}

/** Backends usable in this process, `cpu` first. The device probe runs once per process. */
export function backends(): Backend[] {
  return loadBinding().backends();
}

/** The visible CUDA devices; empty without a CUDA build or device. */
export function deviceInfo(): CudaDeviceInfo[] {
  return loadBinding().deviceInfo();
}

/** Diagnostics for the `cuda` backend (why it is missing, runtime and driver versions). */
export function cudaStatus(): CudaStatus {
  return loadBinding().cudaStatus();
}

/** `options.backend` checked and resolved: `auto` is `cuda` when `backends()` has it, else `cpu`. */
export function resolveBackend(options: { backend?: 'auto' | Backend }): Backend {
  expectObject('options', options, false);
  const requested = options.backend ?? 'auto';
  expectOneOf('options.backend', requested, ['auto', 'cpu', 'cuda'] as const);
  const native = loadBinding();
  const hasCuda = native.backends().includes('cuda');
  if (requested === 'auto') return hasCuda ? 'cuda' : 'cpu';
  if (requested === 'cuda' && !hasCuda) {
    const reason = native.cudaStatus().error ?? 'no CUDA device';
    throw new NativeGpuError(`options.backend: 'cuda' is not available on this machine (${reason}); use 'auto' or 'cpu'`, 'ERR_NATIVE_GPU_CUDA_UNAVAILABLE');
  }
  return requested;
}
