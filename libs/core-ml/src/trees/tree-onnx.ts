/**
 * Exports a TreeEnsemble as ONNX: one `ai.onnx.ml` TreeEnsembleRegressor (sum of leaf values plus the
 * base margin) and a Sigmoid.
 *
 *   input  `features` float32 [N, featureCount]   (NaN = missing)
 *   output `score`    float32 [N, 1]   = sigmoid(margin), the fraud probability
 *   output `margin`   float32 [N, 1]   the raw margin, for checks against xgboost and the TS evaluator
 *
 * xgboost's semantics map one to one: `x < threshold` goes left, so every inner node is BRANCH_LT with
 * the left child as the true branch, and `missing_value_tracks_true` is xgboost's `default_left`.
 * Thresholds and leaf values are float32 in both, so the ONNX attributes carry them exactly.
 */
import { ONNX_DEFAULT_OPSET, ONNX_ML_DOMAIN, ONNX_ML_OPSET, attr, encodeOnnxModel } from '../onnx';
import type { TreeEnsemble } from './tree-ensemble';

export function toOnnx(ensemble: TreeEnsemble, featureCount: number): Uint8Array {
  if (!Number.isInteger(featureCount) || featureCount < ensemble.featureCount) {
    throw new RangeError(`featureCount must be an integer ≥ ${ensemble.featureCount} (the features the ensemble reads), got ${featureCount}`);
  }
  const nodeCount = ensemble.left.length;
  const treeIds = new Int32Array(nodeCount);
  const nodeIds = new Int32Array(nodeCount);
  const modes: string[] = [];
  const trueIds = new Int32Array(nodeCount);
  const falseIds = new Int32Array(nodeCount);
  const leaves: { tree: number; node: number; value: number }[] = [];
  for (let t = 0; t < ensemble.treeCount; t++) {
    const root = ensemble.roots[t];
    const end = t + 1 < ensemble.treeCount ? ensemble.roots[t + 1] : nodeCount;
    for (let i = root; i < end; i++) {
      treeIds[i] = t;
      nodeIds[i] = i - root;
      const leaf = ensemble.left[i] === -1;
      modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      trueIds[i] = leaf ? 0 : ensemble.left[i] - root;
      falseIds[i] = leaf ? 0 : ensemble.right[i] - root;
      if (leaf) leaves.push({ tree: t, node: i - root, value: ensemble.value[i] });
    }
  }
  const isLeaf = (i: number): boolean => ensemble.left[i] === -1;

  return encodeOnnxModel({
    graphName: 'gradient_boosted_trees',
    docString: `binary:logistic tree ensemble, ${ensemble.treeCount} trees, ${featureCount} features`,
    opsets: { '': ONNX_DEFAULT_OPSET, [ONNX_ML_DOMAIN]: ONNX_ML_OPSET },
    inputs: [{ name: 'features', type: 'float32', dims: ['N', featureCount] }],
    outputs: [
      { name: 'score', type: 'float32', dims: ['N', 1] },
      { name: 'margin', type: 'float32', dims: ['N', 1] },
    ],
    nodes: [
      {
        opType: 'TreeEnsembleRegressor',
        domain: ONNX_ML_DOMAIN,
        inputs: ['features'],
        outputs: ['margin'],
        attributes: {
          n_targets: attr.int(1),
          aggregate_function: attr.string('SUM'),
          post_transform: attr.string('NONE'),
          base_values: attr.floats([ensemble.baseMargin]),
          nodes_treeids: attr.ints(treeIds),
          nodes_nodeids: attr.ints(nodeIds),
          nodes_modes: attr.strings(modes),
          nodes_featureids: attr.ints(Array.from(ensemble.feature, (f, i) => (isLeaf(i) ? 0 : f))),
          nodes_values: attr.floats(Array.from(ensemble.threshold, (v, i) => (isLeaf(i) ? 0 : v))),
          nodes_truenodeids: attr.ints(trueIds),
          nodes_falsenodeids: attr.ints(falseIds),
          nodes_missing_value_tracks_true: attr.ints(Array.from(ensemble.defaultLeft, (d, i) => (isLeaf(i) ? 0 : d))),
          target_treeids: attr.ints(leaves.map((l) => l.tree)),
          target_nodeids: attr.ints(leaves.map((l) => l.node)),
          target_ids: attr.ints(leaves.map(() => 0)),
          target_weights: attr.floats(leaves.map((l) => l.value)),
        },
      },
      { opType: 'Sigmoid', inputs: ['margin'], outputs: ['score'] },
    ],
  });
}
