export { TREE_ENSEMBLE_FORMAT, TREE_ENSEMBLE_VERSION, TreeEnsemble, type TreeEnsembleJson, type TreeJson } from './tree-ensemble';
export { parseXgboostModel } from './xgboost-model';
export { TreeShapExplainer, type ShapExplainer, type ShapExplanation } from './tree-shap';
export { FastTreeShapExplainer } from './fast-tree-shap';
export { FAST_TREE_SHAP_MAX_TABLE_ENTRIES, createShapExplainer, explain } from './explain';
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
