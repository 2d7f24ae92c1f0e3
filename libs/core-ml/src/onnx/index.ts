export * from './onnx-model-writer';
