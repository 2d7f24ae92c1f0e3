/**
 * The raw native module's shape (build/Release/vigil_native_gpu.node, see src/addon.cc).
 * Internal: application code uses the validated API in `index.ts`; only tests reach in here.
 */
import type { CudaDeviceInfo, CudaStatus } from './runtime';

/** A backend the native op accepts. `emulate` runs the CUDA kernel's math on the CPU (tests only). */
export type NativeBackend = 'cpu' | 'cuda' | 'emulate';

export interface NativeWindowAggOptions {
  backend: NativeBackend;
  /** CPU worker threads; 0 = hardware concurrency. */
  threads: number;
  timing: boolean;
  blockSize?: number;
  lanesPerQuery?: number;
  gridSize?: number;
}

/** What the native op returns: one Float64Array per statistic, row-major `[event][window]`. */
export interface WindowStatistics {
  /** Events in the window; always >= 1 (the window includes its own event). */
  count: Float64Array;
  sum: Float64Array;
  /** sum / count. */
  mean: Float64Array;
  /** Population standard deviation. */
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Distinct `categories` in the window; present only when categories were given. */
  distinct?: Float64Array;
}

/**
 * What an op reports when run on CUDA with `timing` (src/device_timing.h), for benches that set
 * achieved bandwidth against the device's peak.
 */
export interface DeviceTiming {
  /** Kernel time in ms (CUDA events; uploads, downloads and allocation excluded). */
  deviceMs?: number;
  /** The DRAM bytes the kernels move, by the op's traffic model (documented with its `timing` option). */
  deviceBytes?: number;
}

/** Options of the native alignFrames (validated in align-frames.ts). */
export interface NativeAlignOptions {
  backend: 'cpu' | 'cuda';
  /** CPU worker threads; 0 = hardware concurrency. */
  threads: number;
  warp: boolean;
  /** CUDA: report deviceMs and deviceBytes. */
  timing: boolean;
  blockSize?: number;
  fftTransforms?: number;
}

/** What the native alignFrames returns, one entry per pair (plus the warped frames when asked). */
export interface NativeAlignResult extends DeviceTiming {
  dx: Float64Array;
  dy: Float64Array;
  confidence: Float64Array;
  warped?: Float32Array;
}

export interface Binding {
  readonly cudaCompiled: boolean;
  backends(): Array<'cpu' | 'cuda'>;
  deviceInfo(): CudaDeviceInfo[];
  cudaStatus(): CudaStatus;
  setWorkerScheduling(policy: 'normal' | 'batch'): void;
  setThreadScheduling(threadId: number, policy: 'normal' | 'batch'): void;
  windowAggregates(
    keys: Int32Array,
    times: Float64Array,
    values: Float64Array,
    categories: Int32Array | null,
    windows: Float64Array,
    options: NativeWindowAggOptions,
  ): Promise<WindowStatistics & DeviceTiming>;
  alignFrames(
    references: Uint8Array | Float32Array,
    frames: Uint8Array | Float32Array,
    height: number,
    width: number,
    options: NativeAlignOptions,
  ): Promise<NativeAlignResult>;
  prepareFrames(
    frames: Uint8Array,
    offsets: Float64Array,
    height: number,
    width: number,
    outHeight: number,
    outWidth: number,
    options: { backend: NativeBackend; threads: number; timing: boolean },
  ): Promise<{ data: Float32Array } & DeviceTiming>;
}
