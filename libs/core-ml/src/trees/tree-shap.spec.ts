/**
 * TreeSHAP against the definition: Shapley values by brute force over all 2^F feature subsets, with
 * the same path-dependent conditional expectation (known features follow the row, unknown ones
 * average both children by cover). Covers repeated features on a path, missing values, and random
 * ensembles. Both exact explainers (Algorithm 2 and the table-driven one) face the same cases.
 */
import { seededFloats } from '../../test/helpers/random';
import { bruteForceShapley } from './shapley-reference';
import { TREE_ENSEMBLE_FORMAT, TREE_ENSEMBLE_VERSION, TreeEnsemble, type TreeJson } from './tree-ensemble';
import { createShapExplainer, explain } from './explain';
import { FastTreeShapExplainer } from './fast-tree-shap';
import { type ShapExplainer, TreeShapExplainer } from './tree-shap';

/** Fills in the covers of inner nodes from the leaves' (xgboost's cover is additive). */
function withCovers(tree: Omit<TreeJson, 'cover'>, leafCover: Record<number, number>): TreeJson {
  const cover = new Array<number>(tree.left.length).fill(0);
  for (let i = tree.left.length - 1; i >= 0; i--) {
    cover[i] = tree.left[i] === -1 ? leafCover[i] : cover[tree.left[i]] + cover[tree.right[i]];
  }
  return { ...tree, cover };
}

// Splits on f0 three times along one path, and on f1 twice, so UNWIND runs.
const TREE_A = withCovers(
  {
    left: [1, 3, 5, 7, -1, -1, 9, -1, -1, -1, 11, -1, -1],
    right: [2, 4, 6, 8, -1, -1, 10, -1, -1, -1, 12, -1, -1],
    feature: [0, 1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    threshold: [0.5, 0, 1.5, 2, 0, 0, 1, 0, 0, 0, 3, 0, 0],
    defaultLeft: [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0],
    value: [0, 0, 0, 0, 0.4, -0.3, 0, 1, -1.25, 0.75, 0, 0.1, -0.6],
  },
  { 4: 30, 5: 12, 7: 20, 8: 5, 9: 7.5, 11: 3, 12: 9 },
);
const TREE_B = withCovers(
  {
    left: [1, 3, -1, -1, -1],
    right: [2, 4, -1, -1, -1],
    feature: [3, 1, 0, 0, 0],
    threshold: [-1, 0.25, 0, 0, 0],
    defaultLeft: [0, 1, 0, 0, 0],
    value: [0, 0, 0.5, -0.2, 0.9],
  },
  { 2: 40, 3: 25, 4: 21.5 },
);

const hand = TreeEnsemble.fromJSON({
  format: TREE_ENSEMBLE_FORMAT,
  version: TREE_ENSEMBLE_VERSION,
  featureCount: 4,
  baseMargin: -1.5,
  trees: [TREE_A, TREE_B],
});

/** A random full-ish tree over `featureCount` features, in the node order xgboost writes (children after parents). */
function randomTree(seed: number, featureCount: number, maxDepth: number): TreeJson {
  const r = seededFloats(seed, 4096);
  let k = 0;
  const next = (): number => (r[k++ % r.length] + 1) / 2;
  const tree: Omit<TreeJson, 'cover'> = { left: [], right: [], feature: [], threshold: [], defaultLeft: [], value: [] };
  const leafCover: Record<number, number> = {};
  const queue: { id: number; depth: number }[] = [{ id: 0, depth: 0 }];
  let count = 1;
  for (let q = 0; q < queue.length; q++) {
    const { id, depth } = queue[q];
    const split = depth < maxDepth && (depth < 2 || next() < 0.7);
    tree.left[id] = split ? count : -1;
    tree.right[id] = split ? count + 1 : -1;
    tree.feature[id] = split ? Math.floor(next() * featureCount) : 0;
    tree.threshold[id] = split ? Math.fround(next() * 2 - 1) : 0;
    tree.defaultLeft[id] = split && next() < 0.5 ? 1 : 0;
    tree.value[id] = split ? 0 : Math.fround(next() * 2 - 1);
    if (split) {
      queue.push({ id: count, depth: depth + 1 }, { id: count + 1, depth: depth + 1 });
      count += 2;
    } else {
      leafCover[id] = 0.5 + next() * 50;
    }
  }
  return withCovers(tree, leafCover);
}

function expectMatchesBruteForce(sut: ShapExplainer, ensemble: TreeEnsemble, row: ArrayLike<number>): void {
  const expected = bruteForceShapley(ensemble, row);
  const actual = sut.explain(row);
  expect(Math.abs(actual.bias - expected.bias)).toBeLessThanOrEqual(1e-9);
  for (let f = 0; f < ensemble.featureCount; f++) {
    expect({ f, diff: Math.abs(actual.contributions[f] - expected.contributions[f]) <= 1e-9 }).toEqual({ f, diff: true });
  }
  const sum = actual.contributions.reduce((a, b) => a + b, actual.bias);
  expect(Math.abs(sum - ensemble.predictMargin(row))).toBeLessThanOrEqual(1e-9);
}

describe.each([TreeShapExplainer, FastTreeShapExplainer])('%p', (Explainer: new (e: TreeEnsemble) => ShapExplainer) => {
  const rows = [
    [0.2, -0.5, 1, 0],
    [0.2, 0.5, 3, -2],
    [1, 0.5, 0, 0],
    [2, 0.5, 0, 0],
    [2, 1.5, 0, 5],
    [4, 1.5, 0, 5],
    [NaN, NaN, NaN, NaN],
    [NaN, -0.1, 2, NaN],
    [1.5, 0, 2, -1],
  ];

  it.each(rows.map((row) => [row]))('equals brute-force Shapley values on a hand-built ensemble, row %j', (row) => {
    expectMatchesBruteForce(new Explainer(hand), hand, row);
  });

  it('puts the cover-weighted mean leaf values plus the base margin in the bias', () => {
    // Tree B: mean = (40·0.5 + 25·(−0.2) + 21.5·0.9) / 86.5
    const meanB = (40 * 0.5 + 25 * Math.fround(-0.2) + 21.5 * Math.fround(0.9)) / 86.5;
    const meanA = bruteForceShapley(TreeEnsemble.fromJSON({ ...hand.toJSON(), trees: [TREE_A], baseMargin: 0 }), [0, 0, 0, 0]).bias;
    expect(new Explainer(hand).bias).toBeCloseTo(-1.5 + meanA + meanB, 12);
  });

  it('gives zero to features no tree splits on', () => {
    const { contributions } = new Explainer(TreeEnsemble.fromJSON({ ...hand.toJSON(), featureCount: 6 })).explain([0.2, 0.5, 3, -2, 9, 9]);
    expect([contributions[4], contributions[5]]).toEqual([0, 0]);
  });

  it.each([1, 2, 3, 4, 5])('equals brute force on random ensembles of depth ≤ 6 over 6 features (seed %d)', (seed) => {
    const ensemble = TreeEnsemble.fromJSON({
      format: TREE_ENSEMBLE_FORMAT,
      version: TREE_ENSEMBLE_VERSION,
      featureCount: 6,
      baseMargin: 0.25,
      trees: [0, 1, 2, 3].map((t) => randomTree(seed * 100 + t, 6, 6)),
    });
    const sut = new Explainer(ensemble);
    const x = seededFloats(seed, 6 * 8);
    for (let r = 0; r < 8; r++) {
      const row = Array.from(x.subarray(r * 6, r * 6 + 6), (v, f) => ((r + f) % 5 === 0 ? NaN : v));
      expectMatchesBruteForce(sut, ensemble, row);
    }
  });

  it('explainInto reuses the caller buffer and overwrites it', () => {
    const sut = new Explainer(hand);
    const out = new Float64Array(4).fill(123);
    const bias = sut.explainInto(rows[0], out);
    expect(bias).toBe(sut.bias);
    expect(Array.from(out)).toEqual(Array.from(sut.explain(rows[0]).contributions));
  });

  it('rejects rows shorter than the feature count', () => {
    expect(() => new Explainer(hand).explain([1, 2])).toThrow('row has 2 values, the ensemble reads 4 features');
  });
});

describe(explain.name, () => {
  it('uses the table-driven explainer while its tables fit, and caches it per ensemble', () => {
    expect(createShapExplainer(hand)).toBeInstanceOf(FastTreeShapExplainer);
    // 2^(unique features on the path) per leaf: tree A's leaves 4+2+8+8+4+4+4, tree B's 2+4+4.
    expect(FastTreeShapExplainer.tableEntriesFor(hand)).toBe(34 + 10);
    const row = [0.2, 0.5, 3, -2];
    const fast = explain(hand, row);
    const reference = new TreeShapExplainer(hand).explain(row);
    expect(fast.bias).toBeCloseTo(reference.bias, 12);
    fast.contributions.forEach((c, f) => expect(c).toBeCloseTo(reference.contributions[f], 12));
  });

  it('falls back to Algorithm 2 for an ensemble whose tables would not fit (a chain 23 features deep)', () => {
    // Node 2i splits on feature i; its left child is a leaf, its right child the next split.
    const depth = 23;
    const tree: Omit<TreeJson, 'cover'> = { left: [], right: [], feature: [], threshold: [], defaultLeft: [], value: [] };
    const leafCover: Record<number, number> = {};
    for (let i = 0; i < depth; i++) {
      tree.left.push(2 * i + 1, -1);
      tree.right.push(2 * i + 2, -1);
      tree.feature.push(i, 0);
      tree.threshold.push(0, 0);
      tree.defaultLeft.push(0, 0);
      tree.value.push(0, i / depth);
      leafCover[2 * i + 1] = 1;
    }
    tree.left.push(-1);
    tree.right.push(-1);
    tree.feature.push(0);
    tree.threshold.push(0);
    tree.defaultLeft.push(0);
    tree.value.push(1);
    leafCover[2 * depth] = 1;
    const ensemble = TreeEnsemble.fromJSON({
      format: TREE_ENSEMBLE_FORMAT,
      version: TREE_ENSEMBLE_VERSION,
      featureCount: depth,
      baseMargin: 0,
      trees: [withCovers(tree, leafCover)],
    });
    expect(FastTreeShapExplainer.tableEntriesFor(ensemble)).toBeGreaterThan(2 ** 22);
    expect(createShapExplainer(ensemble)).toBeInstanceOf(TreeShapExplainer);
  });
});
