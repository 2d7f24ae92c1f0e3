export { TREE_ENSEMBLE_FORMAT, TREE_ENSEMBLE_VERSION, TreeEnsemble, type TreeEnsembleJson, type TreeJson } from './tree-ensemble';
export { parseXgboostModel } from './xgboost-model';
export { TreeShapExplainer, explain, type ShapExplanation } from './tree-shap';
export { toOnnx } from './tree-onnx';
export {
  DEFAULT_XGB_TRAIN_PATH,
  trainGradientBoostedTrees,
  trainXgboost,
  type FeatureMatrix,
  type GradientBoostedTreesParams,
  type TrainOptions,
  type TrainingData,
  type XgboostTraining,
} from './train';
