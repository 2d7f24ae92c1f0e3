/**
 * A binary-classification tree ensemble (gradient-boosted trees), held as flat typed arrays over all
 * trees so that prediction, TreeSHAP and ONNX export walk memory without per-node objects.
 *
 * Semantics are xgboost's: at an inner node, `x[feature] < threshold` goes left, a missing value
 * (NaN) goes to the default child, thresholds and leaf values are float32. The margin is
 * `baseMargin + Σ leaf values`; the probability is `sigmoid(margin)`.
 *
 * The compact JSON form (`toJSON` / `fromJSON`) stores each tree with node-local indices; `fromJSON`
 * checks it fully (every child index points forward, so every walk ends at a leaf).
 */

export const TREE_ENSEMBLE_FORMAT = 'vigil.tree-ensemble';
export const TREE_ENSEMBLE_VERSION = 1;

/** One tree, node 0 the root; `left[i] === -1` (and `right[i] === -1`) marks a leaf. */
export interface TreeJson {
  left: number[];
  right: number[];
  /** Split feature of inner nodes (0 at leaves). */
  feature: number[];
  /** Split threshold of inner nodes (0 at leaves); float32 values. */
  threshold: number[];
  /** 1 when a missing value goes left. */
  defaultLeft: number[];
  /** Leaf value (0 at inner nodes); float32 values. */
  value: number[];
  /** Sum of training hessians that reached the node (xgboost's `sum_hessian`); TreeSHAP weights paths by it. */
  cover: number[];
}

export interface TreeEnsembleJson {
  format: typeof TREE_ENSEMBLE_FORMAT;
  version: typeof TREE_ENSEMBLE_VERSION;
  featureCount: number;
  /** Added to every margin (xgboost's base_score, as a logit). */
  baseMargin: number;
  trees: TreeJson[];
}

export class TreeEnsemble {
  /** Index of each tree's root in the flat node arrays. */
  readonly roots: Int32Array;
  /** Flat node arrays over all trees; child indices are flat too (−1 at leaves). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly defaultLeft: Uint8Array;
  readonly value: Float32Array;
  readonly cover: Float32Array;
  /** Deepest root-to-leaf path, in edges. */
  readonly maxDepth: number;

  private constructor(
    readonly featureCount: number,
    readonly baseMargin: number,
    trees: readonly TreeJson[],
  ) {
    const nodeCount = trees.reduce((n, t) => n + t.left.length, 0);
    this.roots = new Int32Array(trees.length);
    this.left = new Int32Array(nodeCount);
    this.right = new Int32Array(nodeCount);
    this.feature = new Int32Array(nodeCount);
    this.threshold = new Float32Array(nodeCount);
    this.defaultLeft = new Uint8Array(nodeCount);
    this.value = new Float32Array(nodeCount);
    this.cover = new Float32Array(nodeCount);
    let offset = 0;
    let maxDepth = 0;
    trees.forEach((tree, t) => {
      this.roots[t] = offset;
      const depth = new Int32Array(tree.left.length);
      for (let i = 0; i < tree.left.length; i++) {
        const leaf = tree.left[i] === -1;
        this.left[offset + i] = leaf ? -1 : offset + tree.left[i];
        this.right[offset + i] = leaf ? -1 : offset + tree.right[i];
        this.feature[offset + i] = tree.feature[i];
        this.threshold[offset + i] = tree.threshold[i];
        this.defaultLeft[offset + i] = tree.defaultLeft[i];
        this.value[offset + i] = tree.value[i];
        this.cover[offset + i] = tree.cover[i];
        if (!leaf) depth[tree.left[i]] = depth[tree.right[i]] = depth[i] + 1;
        else maxDepth = Math.max(maxDepth, depth[i]);
      }
      offset += tree.left.length;
    });
    this.maxDepth = maxDepth;
  }

  get treeCount(): number {
    return this.roots.length;
  }

  /** Builds an ensemble from its compact JSON form (also what the xgboost parser produces). */
  static fromJSON(json: TreeEnsembleJson): TreeEnsemble {
    if (json?.format !== TREE_ENSEMBLE_FORMAT || json.version !== TREE_ENSEMBLE_VERSION) {
      throw new Error(`TreeEnsemble.fromJSON: expected format '${TREE_ENSEMBLE_FORMAT}' version ${TREE_ENSEMBLE_VERSION}`);
    }
    if (!Number.isInteger(json.featureCount) || json.featureCount < 1) {
      throw new Error(`TreeEnsemble.fromJSON: featureCount must be a positive integer, got ${json.featureCount}`);
    }
    if (!Number.isFinite(json.baseMargin)) throw new Error(`TreeEnsemble.fromJSON: baseMargin must be finite, got ${json.baseMargin}`);
    if (!Array.isArray(json.trees) || json.trees.length === 0) throw new Error('TreeEnsemble.fromJSON: trees must be a non-empty array');
    json.trees.forEach((tree, t) => validateTree(tree, t, json.featureCount));
    return new TreeEnsemble(json.featureCount, json.baseMargin, json.trees);
  }

  toJSON(): TreeEnsembleJson {
    const trees: TreeJson[] = [];
    for (let t = 0; t < this.treeCount; t++) {
      const start = this.roots[t];
      const end = t + 1 < this.treeCount ? this.roots[t + 1] : this.left.length;
      const slice = (a: Int32Array | Float32Array | Uint8Array): number[] => Array.from(a.subarray(start, end));
      const tree: TreeJson = {
        left: [],
        right: [],
        feature: slice(this.feature),
        threshold: slice(this.threshold),
        defaultLeft: slice(this.defaultLeft),
        value: slice(this.value),
        cover: slice(this.cover),
      };
      for (let i = start; i < end; i++) {
        const leaf = this.left[i] === -1;
        tree.left.push(leaf ? -1 : this.left[i] - start);
        tree.right.push(leaf ? -1 : this.right[i] - start);
      }
      trees.push(tree);
    }
    return { format: TREE_ENSEMBLE_FORMAT, version: TREE_ENSEMBLE_VERSION, featureCount: this.featureCount, baseMargin: this.baseMargin, trees };
  }

  /** Flat index of the leaf that `row` reaches in tree `t`. */
  leafIndex(t: number, row: ArrayLike<number>): number {
    let node = this.roots[t];
    while (this.left[node] !== -1) {
      const x = row[this.feature[node]];
      const goLeft = x !== x ? this.defaultLeft[node] === 1 : x < this.threshold[node];
      node = goLeft ? this.left[node] : this.right[node];
    }
    return node;
  }

  /** `baseMargin + Σ leaf values` (in float64; xgboost sums in float32, so expect ~1e-6 differences). */
  predictMargin(row: ArrayLike<number>): number {
    this.checkRow(row);
    let margin = this.baseMargin;
    for (let t = 0; t < this.treeCount; t++) margin += this.value[this.leafIndex(t, row)];
    return margin;
  }

  predictProbability(row: ArrayLike<number>): number {
    return sigmoid(this.predictMargin(row));
  }

  /** Throws unless `row` holds at least `featureCount` values. */
  checkRow(row: ArrayLike<number>): void {
    if (row.length < this.featureCount) {
      throw new RangeError(`row has ${row.length} values, the ensemble reads ${this.featureCount} features`);
    }
  }
}

export function sigmoid(margin: number): number {
  return 1 / (1 + Math.exp(-margin));
}

function validateTree(tree: TreeJson, t: number, featureCount: number): void {
  const where = `TreeEnsemble.fromJSON: trees[${t}]`;
  const n = tree?.left?.length;
  if (!n) throw new Error(`${where}: left must be a non-empty array`);
  for (const key of ['right', 'feature', 'threshold', 'defaultLeft', 'value', 'cover'] as const) {
    if (!Array.isArray(tree[key]) || tree[key].length !== n) throw new Error(`${where}.${key}: expected ${n} entries`);
  }
  const reached = new Uint8Array(n);
  reached[0] = 1;
  for (let i = 0; i < n; i++) {
    const l = tree.left[i];
    const r = tree.right[i];
    if (!reached[i]) throw new Error(`${where}: node ${i} is not reachable from the root`);
    if (!Number.isFinite(tree.cover[i]) || tree.cover[i] < 0) throw new Error(`${where}.cover[${i}]: ${tree.cover[i]} is not a finite cover`);
    if (l === -1 && r === -1) {
      if (!Number.isFinite(tree.value[i])) throw new Error(`${where}.value[${i}]: leaf value ${tree.value[i]} is not finite`);
      continue;
    }
    // Children point forward, so every walk from the root ends at a leaf.
    for (const [side, c] of [['left', l], ['right', r]] as const) {
      if (!Number.isInteger(c) || c <= i || c >= n || reached[c]) throw new Error(`${where}.${side}[${i}]: invalid child ${c}`);
      reached[c] = 1;
    }
    const f = tree.feature[i];
    if (!Number.isInteger(f) || f < 0 || f >= featureCount) throw new Error(`${where}.feature[${i}]: ${f} is outside [0, ${featureCount})`);
    if (!Number.isFinite(tree.threshold[i])) throw new Error(`${where}.threshold[${i}]: ${tree.threshold[i]} is not finite`);
    if (tree.defaultLeft[i] !== 0 && tree.defaultLeft[i] !== 1) throw new Error(`${where}.defaultLeft[${i}]: expected 0 or 1`);
  }
}
