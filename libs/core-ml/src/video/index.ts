export * from './clip-model';
export * from './clip-onnx';
export * from './heatmap-box';
export * from './train-clip-model';
