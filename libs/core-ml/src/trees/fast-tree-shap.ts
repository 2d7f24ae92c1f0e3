/**
 * The same path-dependent TreeSHAP values as TreeShapExplainer (Algorithm 2), in O(leaves · depth) per
 * row instead of O(leaves · depth²), by moving the row-independent work into per-leaf tables built
 * once (the idea of Fast TreeSHAP v2, Yang 2021).
 *
 * Why it works: a leaf l with value v contributes v · Π_j g_j(S) to E[f | x_S], one factor per unique
 * feature j on its path, g_j = o_j if j ∈ S else z_j. z_j (the product of the path's cover ratios at
 * nodes splitting on j) does not depend on the row; o_j is 1 when the row follows the path at every
 * such node, else 0. With H = {j : o_j = 1} ("hot"), P = Π_{j∉H} z_j and the Shapley weights
 * w(k) = k!(d−k−1)!/d! over the leaf's d features, the leaf's Shapley values are
 *   j ∈ H:  v · (1 − z_j) · P · G(H \ {j})        j ∉ H:  −v · P · G(H)
 * where G(T) = Σ_{S⊆T} w(|S|) Π_{j∈T\S} z_j depends only on the leaf and T. Each leaf stores G for all
 * 2^d subsets, so the tables grow as Σ 2^d over leaves: `tableEntries` lets callers check the memory.
 */
import type { TreeEnsemble } from './tree-ensemble';
import type { ShapExplainer, ShapExplanation } from './tree-shap';

export class FastTreeShapExplainer implements ShapExplainer {
  readonly bias: number;
  /** Float64 entries in the G tables (8 bytes each). */
  readonly tableEntries: number;
  /** Per node: index of its split feature among the unique features of its root path (inner nodes). */
  private readonly nodeElement: Int32Array;
  /** Per node: its leaf slot (leaves), −1 for inner nodes. */
  private readonly nodeLeaf: Int32Array;
  /** Per node, per row: bit k set while the row still follows the path for unique feature k. */
  private readonly hotMask: Int32Array;
  /** Per leaf slot: first element / first table entry, and element count d. */
  private readonly leafElementStart: Int32Array;
  private readonly leafElementCount: Int32Array;
  private readonly leafTableStart: Int32Array;
  /** Per element (a leaf's unique path feature): the feature and its zero fraction z. */
  private readonly elementFeature: Int32Array;
  private readonly elementZero: Float64Array;
  private readonly tables: Float64Array;

  /** Counts the table entries an ensemble would need, without building anything. */
  static tableEntriesFor(ensemble: TreeEnsemble): number {
    let total = 0;
    forEachLeafPath(ensemble, (_leaf, features) => (total += 2 ** features.length));
    return total;
  }

  constructor(private readonly ensemble: TreeEnsemble) {
    const nodeCount = ensemble.left.length;
    this.nodeElement = new Int32Array(nodeCount);
    this.nodeLeaf = new Int32Array(nodeCount).fill(-1);
    this.hotMask = new Int32Array(nodeCount);
    const leafStarts: number[] = [];
    const leafCounts: number[] = [];
    const features: number[] = [];
    const zeros: number[] = [];
    let bias = ensemble.baseMargin;
    forEachLeafPath(ensemble, (leaf, pathFeatures, pathZeros) => {
      if (pathFeatures.length > 30) throw new RangeError(`FastTreeShapExplainer: a leaf path has ${pathFeatures.length} unique features (max 30)`);
      this.nodeLeaf[leaf] = leafStarts.length;
      leafStarts.push(features.length);
      leafCounts.push(pathFeatures.length);
      features.push(...pathFeatures);
      zeros.push(...pathZeros);
      bias += ensemble.value[leaf] * pathZeros.reduce((p, z) => p * z, 1);
    }, this.nodeElement);
    this.bias = bias;
    this.leafElementStart = Int32Array.from(leafStarts);
    this.leafElementCount = Int32Array.from(leafCounts);
    this.elementFeature = Int32Array.from(features);
    this.elementZero = Float64Array.from(zeros);
    this.leafTableStart = new Int32Array(leafStarts.length);
    let entries = 0;
    for (let l = 0; l < leafStarts.length; l++) {
      this.leafTableStart[l] = entries;
      entries += 2 ** leafCounts[l];
    }
    this.tableEntries = entries;
    this.tables = new Float64Array(entries);
    for (let l = 0; l < leafStarts.length; l++) this.fillTable(l);
  }

  explain(row: ArrayLike<number>): ShapExplanation {
    const contributions = new Float64Array(this.ensemble.featureCount);
    this.explainInto(row, contributions);
    return { bias: this.bias, contributions };
  }

  explainInto(row: ArrayLike<number>, out: Float64Array): number {
    const e = this.ensemble;
    e.checkRow(row);
    if (out.length < e.featureCount) throw new RangeError(`out has ${out.length} slots, the ensemble reads ${e.featureCount} features`);
    out.fill(0);
    const { left, right, feature, threshold, defaultLeft, value, roots } = e;
    // Every property is read before the loop: V8 compiles this function on-stack mid-loop during the first
    // call, and a property read after the loop (no type feedback yet) then deoptimized it over and over.
    const { bias, nodeElement, nodeLeaf, leafElementStart, leafElementCount, leafTableStart, elementFeature, elementZero, tables } = this;
    const mask = this.hotMask;
    // Children come after their parent in the flat arrays, so one forward pass sets every node's mask first.
    for (let t = 0; t < roots.length; t++) mask[roots[t]] = -1;
    for (let node = 0; node < left.length; node++) {
      const slot = nodeLeaf[node];
      if (slot === -1) {
        const x = row[feature[node]];
        const goLeft = x !== x ? defaultLeft[node] === 1 : x < threshold[node];
        const coldMask = mask[node] & ~(1 << nodeElement[node]);
        mask[left[node]] = goLeft ? mask[node] : coldMask;
        mask[right[node]] = goLeft ? coldMask : mask[node];
        continue;
      }
      const d = leafElementCount[slot];
      const start = leafElementStart[slot];
      const hot = mask[node] & ((1 << d) - 1);
      let coldProduct = 1;
      for (let j = 0; j < d; j++) if ((hot & (1 << j)) === 0) coldProduct *= elementZero[start + j];
      const scale = value[node] * coldProduct;
      const table = leafTableStart[slot];
      const coldShare = -scale * tables[table + hot];
      for (let j = 0; j < d; j++) {
        const f = elementFeature[start + j];
        out[f] += (hot & (1 << j)) !== 0 ? scale * (1 - elementZero[start + j]) * tables[table + (hot ^ (1 << j))] : coldShare;
      }
    }
    return bias;
  }

  /** G(T) for every subset T of the leaf's d elements, via c_T[k] = Σ_{S⊆T,|S|=k} Π_{j∈T\S} z_j. */
  private fillTable(slot: number): void {
    const d = this.leafElementCount[slot];
    const start = this.leafElementStart[slot];
    const table = this.leafTableStart[slot];
    const weight = new Float64Array(d + 1); // w(k) = k!(d−k−1)!/d!; w(d) unused (G of the full set is never read with it)
    for (let k = 0; k < d; k++) weight[k] = 1 / (d * binomial(d - 1, k));
    const c = new Float64Array((2 ** d) * (d + 1));
    c[0] = 1;
    this.tables[table] = weight[0];
    for (let subset = 1; subset < 2 ** d; subset++) {
      const j = 31 - Math.clz32(subset & -subset);
      const rest = subset & (subset - 1);
      const z = this.elementZero[start + j];
      let g = 0;
      for (let k = 0; k <= d; k++) {
        const ck = c[rest * (d + 1) + k] * z + (k > 0 ? c[rest * (d + 1) + k - 1] : 0);
        c[subset * (d + 1) + k] = ck;
        g += weight[k] * ck;
      }
      this.tables[table + subset] = g;
    }
  }
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Walks every root-to-leaf path, merging repeated features into one element (zero fractions multiply),
 * and calls `visit(leaf, features, zeros)`. When `nodeElement` is given, records each inner node's
 * element index on its path.
 */
function forEachLeafPath(
  e: TreeEnsemble,
  visit: (leaf: number, features: readonly number[], zeros: readonly number[]) => void,
  nodeElement?: Int32Array,
): void {
  const features: number[] = [];
  const zeros: number[] = [];
  const walk = (node: number): void => {
    if (e.left[node] === -1) return visit(node, features, zeros);
    const f = e.feature[node];
    let k = features.indexOf(f);
    const added = k === -1;
    if (added) {
      k = features.length;
      features.push(f);
      zeros.push(1);
    }
    if (nodeElement) nodeElement[node] = k;
    const before = zeros[k];
    for (const child of [e.left[node], e.right[node]]) {
      zeros[k] = (before * e.cover[child]) / e.cover[node];
      walk(child);
    }
    zeros[k] = before;
    if (added) {
      features.pop();
      zeros.pop();
    }
  };
  for (let t = 0; t < e.treeCount; t++) walk(e.roots[t]);
}
