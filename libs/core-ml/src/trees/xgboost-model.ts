/**
 * Reads a model saved by xgboost 1.7 (`XGBoosterSaveModel` to `.json`) into a TreeEnsemble.
 *
 * Only what the trainer produces is accepted: gbtree, binary:logistic, one output, numerical splits.
 * Per tree, xgboost stores parallel arrays; at a leaf, `split_conditions` holds the leaf value (already
 * scaled by eta; `base_weights` repeats it at leaves but not at inner nodes, so it is not used).
 *
 * `learner_model_param.base_score` is a probability for binary:logistic: the margin starts at its logit
 * (0 for the default 0.5).
 */
import { TREE_ENSEMBLE_FORMAT, TREE_ENSEMBLE_VERSION, TreeEnsemble, type TreeJson } from './tree-ensemble';

interface XgboostTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[];
  sum_hessian: number[];
  split_type?: number[];
}

interface XgboostModel {
  version?: number[];
  learner?: {
    learner_model_param?: { base_score?: string; num_feature?: string; num_class?: string; num_target?: string };
    objective?: { name?: string };
    gradient_booster?: { name?: string; model?: { trees?: XgboostTree[] } };
  };
}

export function parseXgboostModel(model: string | object): TreeEnsemble {
  const json = (typeof model === 'string' ? JSON.parse(model) : model) as XgboostModel;
  const learner = json.learner;
  const fail = (detail: string): never => {
    throw new Error(`parseXgboostModel: ${detail} (xgboost ${json.version?.join('.') ?? 'version unknown'})`);
  };
  if (learner?.gradient_booster?.name !== 'gbtree') fail(`expected a gbtree booster, got ${learner?.gradient_booster?.name}`);
  if (learner?.objective?.name !== 'binary:logistic') fail(`expected objective binary:logistic, got ${learner?.objective?.name}`);
  const param = learner?.learner_model_param ?? {};
  if (Number(param.num_class ?? 0) > 1 || Number(param.num_target ?? 1) !== 1) fail('expected a single-output model');
  const baseScore = Number(param.base_score);
  if (!(baseScore > 0 && baseScore < 1)) fail(`base_score ${param.base_score} is not a probability in (0, 1)`);
  const featureCount = Number(param.num_feature);
  const trees = learner?.gradient_booster?.model?.trees ?? [];
  return TreeEnsemble.fromJSON({
    format: TREE_ENSEMBLE_FORMAT,
    version: TREE_ENSEMBLE_VERSION,
    featureCount,
    baseMargin: Math.log(baseScore / (1 - baseScore)),
    trees: trees.map((tree, t) => {
      if (tree.split_type?.some((s) => s !== 0)) fail(`tree ${t} has categorical splits`);
      return convertTree(tree);
    }),
  });
}

function convertTree(tree: XgboostTree): TreeJson {
  const isLeaf = (i: number): boolean => tree.left_children[i] === -1;
  return {
    left: tree.left_children,
    right: tree.right_children,
    feature: tree.left_children.map((_, i) => (isLeaf(i) ? 0 : tree.split_indices[i])),
    threshold: tree.left_children.map((_, i) => (isLeaf(i) ? 0 : tree.split_conditions[i])),
    defaultLeft: tree.left_children.map((_, i) => (isLeaf(i) ? 0 : tree.default_left[i])),
    value: tree.left_children.map((_, i) => (isLeaf(i) ? tree.split_conditions[i] : 0)),
    cover: tree.sum_hessian,
  };
}
