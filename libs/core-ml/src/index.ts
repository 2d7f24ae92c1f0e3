export * from './errors';
export * from './common/timers';
export * from './session/execution-providers';
export * from './session/feed-validation';
export * from './session/onnx-model-session';
export * from './registry/session-cache';
export * from './batching/micro-batcher';
// Re-exported so services build feeds without importing onnxruntime-node themselves.
export { Tensor } from 'onnxruntime-node';
export * from './onnx';
export * from './evaluation';
export * from './drift/drift-reference';
export * from './drift/divergence';
export * from './drift/drift-monitor';
export * from './workers';
