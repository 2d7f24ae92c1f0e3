/**
 * @vigil/native-gpu: custom CUDA kernels with CPU twins: core-ml's time-series features and models, and
 * the defect inspector's frame alignment.
 *
 * Every op is async (it runs off the JS thread), validates its arguments here and names the bad one,
 * and runs on `cuda` when `backends()` has it (`backend: 'auto'`), else on its CPU twin, which is also
 * the reference the kernels are tested against. Build with `npm run build -w @vigil/native-gpu`.
 */
export { backends, cudaStatus, deviceInfo } from './runtime';
export type { DeviceTiming, WindowStatistics } from './binding';
export type { Backend, CudaDeviceInfo, CudaStatus } from './runtime';
export { setThreadScheduling, setWorkerScheduling, WORKER_SCHEDULING_POLICIES } from './worker-scheduling';
export type { WorkerScheduling } from './worker-scheduling';
export { alignFrames } from './align-frames';
export type {
  AlignCudaLaunchOptions,
  AlignFramesInput,
  AlignFramesOptions,
  AlignFramesResult,
  GrayImages,
} from './align-frames';
export { prepareFrames } from './prepare-frames';
export type { PrepareFramesInput, PrepareFramesOptions, PrepareFramesResult } from './prepare-frames';
export { ClipModel, loadClipModel } from './clip-model';
export type { ClipModelResult, ClipModelRunOptions } from './clip-model';
export type { ClipArchitecture } from './clip-model-onnx';
export { loadSequenceModel, SequenceModel } from './sequence-model';
export type { SequenceModelCudaLaunchOptions, SequenceModelResult, SequenceModelRunOptions } from './sequence-model';
export type { SequenceArchitecture } from './sequence-model-onnx';
export { windowAggregates } from './window-agg';
export type {
  CudaLaunchOptions,
  WindowAggregates,
  WindowAggregatesInput,
  WindowAggregatesOptions,
} from './window-agg';
export { NativeGpuError } from './errors';
