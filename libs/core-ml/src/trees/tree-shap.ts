/**
 * Exact path-dependent TreeSHAP (Lundberg et al. 2018, "Consistent individualized feature attribution
 * for tree ensembles", Algorithm 2), as xgboost implements it (`RegTree::TreeShap`), in float64.
 *
 * The conditional expectation of a tree given the features in S follows x at nodes that split on a
 * feature in S (missing values take the default child) and averages both children, weighted by their
 * cover, elsewhere. Contributions are the Shapley values of that set function, and
 * `bias + Σ contributions` equals the margin; `bias` is the base margin plus each tree's
 * cover-weighted mean leaf value.
 *
 * One explainer per ensemble holds every buffer (the unique-path stack as four typed arrays, one
 * slice per recursion level), so a call allocates only the result. The subset-size ratios
 * ((i+1)/(d+1) and the like) come from tables built once: EXTEND/UNWIND otherwise chain two divisions
 * per step, and division latency dominated the run time.
 */
import type { TreeEnsemble } from './tree-ensemble';

export interface ShapExplanation {
  /** Margin expected with no feature known: base margin + Σ trees' mean values. */
  bias: number;
  /** One per feature; `bias + Σ contributions` = the margin for the row. */
  contributions: Float64Array;
}

/** What both exact explainers offer (this one and FastTreeShapExplainer). */
export interface ShapExplainer {
  readonly bias: number;
  explain(row: ArrayLike<number>): ShapExplanation;
  /** Writes the contributions into `out` (length ≥ featureCount, overwritten) and returns the bias. */
  explainInto(row: ArrayLike<number>, out: Float64Array): number;
}

export class TreeShapExplainer implements ShapExplainer {
  readonly bias: number;
  /** Slots per recursion level: a path holds the root placeholder plus at most one element per split above a leaf. */
  private readonly stride: number;
  private readonly pathFeature: Int32Array;
  private readonly pathZero: Float64Array;
  private readonly pathOne: Float64Array;
  private readonly pathWeight: Float64Array;
  /** At [d · stride + i]: (i+1)/(d+1), (d−i)/(d+1), and their inverses. */
  private readonly up: Float64Array;
  private readonly down: Float64Array;
  private readonly upInverse: Float64Array;
  private readonly downInverse: Float64Array;
  private row: ArrayLike<number> = [];
  private phi: Float64Array = new Float64Array(0);

  constructor(private readonly ensemble: TreeEnsemble) {
    this.stride = ensemble.maxDepth + 2;
    const size = this.stride * (ensemble.maxDepth + 2);
    this.pathFeature = new Int32Array(size);
    this.pathZero = new Float64Array(size);
    this.pathOne = new Float64Array(size);
    this.pathWeight = new Float64Array(size);
    this.up = new Float64Array(size);
    this.down = new Float64Array(size);
    this.upInverse = new Float64Array(size);
    this.downInverse = new Float64Array(size);
    for (let d = 0; d < this.stride; d++) {
      for (let i = 0; i <= d; i++) {
        this.up[d * this.stride + i] = (i + 1) / (d + 1);
        this.down[d * this.stride + i] = (d - i) / (d + 1);
        this.upInverse[d * this.stride + i] = (d + 1) / (i + 1);
        this.downInverse[d * this.stride + i] = (d + 1) / (d - i);
      }
    }
    let bias = ensemble.baseMargin;
    for (let t = 0; t < ensemble.treeCount; t++) bias += this.meanValue(ensemble.roots[t]);
    this.bias = bias;
  }

  explain(row: ArrayLike<number>): ShapExplanation {
    const contributions = new Float64Array(this.ensemble.featureCount);
    this.explainInto(row, contributions);
    return { bias: this.bias, contributions };
  }

  /** Writes the contributions into `out` (length ≥ featureCount, overwritten) and returns the bias. */
  explainInto(row: ArrayLike<number>, out: Float64Array): number {
    this.ensemble.checkRow(row);
    if (out.length < this.ensemble.featureCount) {
      throw new RangeError(`out has ${out.length} slots, the ensemble reads ${this.ensemble.featureCount} features`);
    }
    out.fill(0);
    this.row = row;
    this.phi = out;
    const { roots } = this.ensemble;
    for (let t = 0; t < roots.length; t++) this.recurse(roots[t], 0, 0, 1, 1, -1);
    this.row = [];
    return this.bias;
  }

  /** Cover-weighted mean of the leaves under `node`: the tree's expectation when no feature is known. */
  private meanValue(node: number): number {
    const { left, right, cover, value } = this.ensemble;
    if (left[node] === -1) return value[node];
    return (cover[left[node]] * this.meanValue(left[node]) + cover[right[node]] * this.meanValue(right[node])) / cover[node];
  }

  /**
   * RECURSE of Algorithm 2. The path of this call lives at `offset`; its first `depth` elements are a
   * copy of the parent's (the parent's slice stays intact for the parent's second child).
   */
  private recurse(node: number, depth: number, parentOffset: number, zeroFraction: number, oneFraction: number, feature: number): void {
    const e = this.ensemble;
    const offset = parentOffset + (depth === 0 ? 0 : this.stride);
    // Paths hold at most maxDepth + 1 elements: a plain loop beats four copyWithin calls.
    for (let i = 0; i < depth; i++) {
      this.pathFeature[offset + i] = this.pathFeature[parentOffset + i];
      this.pathZero[offset + i] = this.pathZero[parentOffset + i];
      this.pathOne[offset + i] = this.pathOne[parentOffset + i];
      this.pathWeight[offset + i] = this.pathWeight[parentOffset + i];
    }
    this.extend(offset, depth, zeroFraction, oneFraction, feature);

    if (e.left[node] === -1) {
      const leafValue = e.value[node];
      // Unwinding an element with one fraction 0 (a cold branch) scales the same sum, Σ w[i]·(d+1)/(d−i),
      // by 1/zero: computed once per leaf instead of once per cold element.
      const t = depth * this.stride;
      let coldSum = 0;
      for (let i = 0; i < depth; i++) coldSum += this.pathWeight[offset + i] * this.downInverse[t + i];
      for (let i = 1; i <= depth; i++) {
        const one = this.pathOne[offset + i];
        const zero = this.pathZero[offset + i];
        const w = one !== 0 ? this.unwoundSum(offset, depth, i) : zero !== 0 ? coldSum / zero : 0;
        this.phi[this.pathFeature[offset + i]] += w * (one - zero) * leafValue;
      }
      return;
    }

    const split = e.feature[node];
    const x = this.row[split];
    const goLeft = x !== x ? e.defaultLeft[node] === 1 : x < e.threshold[node];
    const hot = goLeft ? e.left[node] : e.right[node];
    const cold = goLeft ? e.right[node] : e.left[node];
    const cover = e.cover[node];

    // A feature split on again further down: undo its earlier extension and carry its fractions on.
    let incomingZero = 1;
    let incomingOne = 1;
    let pathDepth = depth;
    for (let k = 0; k <= depth; k++) {
      if (this.pathFeature[offset + k] === split) {
        incomingZero = this.pathZero[offset + k];
        incomingOne = this.pathOne[offset + k];
        this.unwind(offset, depth, k);
        pathDepth = depth - 1;
        break;
      }
    }
    this.recurse(hot, pathDepth + 1, offset, (e.cover[hot] / cover) * incomingZero, incomingOne, split);
    this.recurse(cold, pathDepth + 1, offset, (e.cover[cold] / cover) * incomingZero, 0, split);
  }

  /** EXTEND: adds a path element and updates the subset-size weights. */
  private extend(offset: number, depth: number, zeroFraction: number, oneFraction: number, feature: number): void {
    const w = this.pathWeight;
    const t = depth * this.stride;
    this.pathFeature[offset + depth] = feature;
    this.pathZero[offset + depth] = zeroFraction;
    this.pathOne[offset + depth] = oneFraction;
    w[offset + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      w[offset + i + 1] += oneFraction * w[offset + i] * this.up[t + i];
      w[offset + i] = zeroFraction * w[offset + i] * this.down[t + i];
    }
  }

  /** UNWIND: removes element `index` from the path (the inverse of its EXTEND). */
  private unwind(offset: number, depth: number, index: number): void {
    const w = this.pathWeight;
    const t = depth * this.stride;
    const one = this.pathOne[offset + index];
    const zero = this.pathZero[offset + index];
    let next = w[offset + depth];
    if (one !== 0) {
      const invOne = 1 / one;
      for (let i = depth - 1; i >= 0; i--) {
        const tmp = w[offset + i];
        w[offset + i] = next * (this.upInverse[t + i] * invOne);
        next = tmp - w[offset + i] * (zero * this.down[t + i]);
      }
    } else {
      const invZero = 1 / zero;
      for (let i = depth - 1; i >= 0; i--) w[offset + i] *= this.downInverse[t + i] * invZero;
    }
    for (let i = index; i < depth; i++) {
      this.pathFeature[offset + i] = this.pathFeature[offset + i + 1];
      this.pathZero[offset + i] = this.pathZero[offset + i + 1];
      this.pathOne[offset + i] = this.pathOne[offset + i + 1];
    }
  }

  /**
   * Σ of the weights the path would have with element `index` unwound, without changing the path;
   * for an element with a non-zero one fraction (the leaf handles the others).
   */
  private unwoundSum(offset: number, depth: number, index: number): number {
    const w = this.pathWeight;
    const t = depth * this.stride;
    const invOne = 1 / this.pathOne[offset + index];
    const zero = this.pathZero[offset + index];
    let total = 0;
    let next = w[offset + depth];
    for (let i = depth - 1; i >= 0; i--) {
      const tmp = next * (this.upInverse[t + i] * invOne);
      total += tmp;
      next = w[offset + i] - tmp * (zero * this.down[t + i]);
    }
    return total;
  }
}
