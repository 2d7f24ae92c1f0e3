export * from './sequence-model';
export * from './sequence-onnx';
export * from './train-sequence-model';
