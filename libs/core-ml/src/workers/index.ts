export * from './inference-pool';
export * from './worker-model-session';
export { spawnInferenceWorker } from './spawn-inference-worker';
