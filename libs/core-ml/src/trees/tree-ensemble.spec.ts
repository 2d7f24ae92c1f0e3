/**
 * TreeEnsemble: xgboost's routing (x < threshold goes left, NaN to the default child), its compact
 * JSON form and the checks on it, and reading xgboost 1.7's own JSON model format.
 */
import { TREE_ENSEMBLE_FORMAT, TREE_ENSEMBLE_VERSION, TreeEnsemble, type TreeEnsembleJson, sigmoid } from './tree-ensemble';
import { parseXgboostModel } from './xgboost-model';

// One stump on f1 (< 0.5 left, missing right) and one two-level tree on f0 then f2 (missing left).
const json: TreeEnsembleJson = {
  format: TREE_ENSEMBLE_FORMAT,
  version: TREE_ENSEMBLE_VERSION,
  featureCount: 3,
  baseMargin: 0.25,
  trees: [
    { left: [1, -1, -1], right: [2, -1, -1], feature: [1, 0, 0], threshold: [0.5, 0, 0], defaultLeft: [0, 0, 0], value: [0, -1, 2], cover: [10, 4, 6] },
    {
      left: [1, 3, -1, -1, -1],
      right: [2, 4, -1, -1, -1],
      feature: [0, 2, 0, 0, 0],
      threshold: [Math.fround(0.1), -3, 0, 0, 0],
      defaultLeft: [1, 1, 0, 0, 0],
      value: [0, 0, 0.5, 0.125, -0.375],
      cover: [10, 7, 3, 2, 5],
    },
  ],
};

/** A minimal xgboost 1.7 model file around the same two trees. */
function xgboostJson(baseScore: string): object {
  const tree = (t: TreeEnsembleJson['trees'][number]): object => ({
    left_children: t.left,
    right_children: t.right,
    split_indices: t.feature,
    split_conditions: t.left.map((l, i) => (l === -1 ? t.value[i] : t.threshold[i])),
    default_left: t.defaultLeft,
    sum_hessian: t.cover,
    base_weights: t.value,
    split_type: t.left.map(() => 0),
  });
  return {
    version: [1, 7, 4],
    learner: {
      learner_model_param: { base_score: baseScore, num_feature: '3', num_class: '0', num_target: '1' },
      objective: { name: 'binary:logistic' },
      gradient_booster: { name: 'gbtree', model: { trees: json.trees.map(tree) } },
    },
  };
}

describe(TreeEnsemble.name, () => {
  const sut = TreeEnsemble.fromJSON(json);

  it.each([
    { row: [0, 0, 0], margin: 0.25 - 1 + -0.375 },
    { row: [0, 0.5, -3.5], margin: 0.25 + 2 + 0.125 }, // 0.5 is not < 0.5: right
    { row: [Math.fround(0.1), 0, 0], margin: 0.25 - 1 + 0.5 }, // threshold is float32: x = fround(0.1) goes right
    { row: [NaN, NaN, NaN], margin: 0.25 + 2 + 0.125 }, // f1 missing → right, f0 and f2 missing → left
    { row: [5, NaN, 0], margin: 0.25 + 2 + 0.5 },
  ])('routes $row to margin $margin', ({ row, margin }) => {
    expect(sut.predictMargin(row)).toBeCloseTo(margin, 12);
    expect(sut.predictProbability(row)).toBeCloseTo(sigmoid(margin), 12);
  });

  it('knows its shape', () => {
    expect([sut.treeCount, sut.featureCount, sut.maxDepth, sut.left.length]).toEqual([2, 3, 2, 8]);
  });

  it('round-trips through its compact JSON form', () => {
    const copy = TreeEnsemble.fromJSON(JSON.parse(JSON.stringify(sut)));
    expect(copy.toJSON()).toEqual(json);
  });

  it.each([
    [{ ...json, format: 'other' }, /expected format 'vigil.tree-ensemble' version 1/],
    [{ ...json, featureCount: 0 }, /featureCount must be a positive integer, got 0/],
    [{ ...json, trees: [] }, /trees must be a non-empty array/],
    [{ ...json, trees: [{ ...json.trees[0], cover: [1, 2] }] }, /trees\[0\]\.cover: expected 3 entries/],
    [{ ...json, trees: [{ ...json.trees[0], left: [0, -1, -1] }] }, /trees\[0\]\.left\[0\]: invalid child 0/],
    [{ ...json, trees: [{ ...json.trees[0], feature: [3, 0, 0] }] }, /trees\[0\]\.feature\[0\]: 3 is outside \[0, 3\)/],
    [{ ...json, trees: [{ ...json.trees[0], value: [0, NaN, 1] }] }, /trees\[0\]\.value\[1\]: leaf value NaN is not finite/],
  ])('rejects a malformed compact form (%#)', (bad, message) => {
    expect(() => TreeEnsemble.fromJSON(bad as TreeEnsembleJson)).toThrow(message);
  });

  it('rejects rows shorter than the feature count', () => {
    expect(() => sut.predictMargin([1, 2])).toThrow('row has 2 values, the ensemble reads 3 features');
  });
});

describe(parseXgboostModel.name, () => {
  it('reads trees, leaf values from split_conditions, and base_score as a probability', () => {
    const ensemble = parseXgboostModel(JSON.stringify(xgboostJson('5E-1')));
    expect(ensemble.toJSON()).toEqual({ ...json, baseMargin: 0 });
  });

  it('turns a non-default base_score into its logit', () => {
    expect(parseXgboostModel(xgboostJson('2E-1')).baseMargin).toBeCloseTo(Math.log(0.2 / 0.8), 12);
  });

  it('rejects other objectives and boosters, naming what it found', () => {
    const model = xgboostJson('5E-1') as { learner: { objective: { name: string }; gradient_booster: { name: string } } };
    model.learner.objective.name = 'reg:squarederror';
    expect(() => parseXgboostModel(model)).toThrow('expected objective binary:logistic, got reg:squarederror (xgboost 1.7.4)');
    model.learner.gradient_booster.name = 'gblinear';
    expect(() => parseXgboostModel(model)).toThrow('expected a gbtree booster, got gblinear');
  });
});
