/**
 * The raw native module's shape (build/Release/vigil_native_gpu.node, see src/addon.cc).
 * Internal: application code uses the validated API in `index.ts`; only tests reach in here.
 */

/** A backend the native op accepts. `emulate` runs the CUDA kernel's math on the CPU (tests only). */
export type NativeBackend = 'cpu' | 'cuda' | 'emulate';

export interface NativeWindowAggOptions {
  backend: NativeBackend;
  /** CPU worker threads; 0 = hardware concurrency. */
  threads: number;
  blockSize?: number;
  lanesPerQuery?: number;
  gridSize?: number;
}

export interface NativeWindowAggResult {
  count: Float64Array;
  sum: Float64Array;
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  distinct?: Float64Array;
}

export interface NativeDeviceInfo {
  id: number;
  name: string;
  totalMemoryBytes: number;
  multiProcessorCount: number;
  computeCapability: { major: number; minor: number };
}

export interface NativeCudaStatus {
  compiled: boolean;
  available: boolean;
  deviceCount: number;
  runtimeVersion: number;
  driverVersion: number;
  error?: string;
  code?: string;
}

export interface Binding {
  readonly cudaCompiled: boolean;
  backends(): Array<'cpu' | 'cuda'>;
  deviceInfo(): NativeDeviceInfo[];
  cudaStatus(): NativeCudaStatus;
  windowAggregates(
    keys: Int32Array,
    times: Float64Array,
    values: Float64Array,
    categories: Int32Array | null,
    windows: Float64Array,
    options: NativeWindowAggOptions,
  ): Promise<NativeWindowAggResult>;
}
