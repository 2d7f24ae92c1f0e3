/**
 * The reference TreeSHAP is checked against (STYLE R15: the reference lives beside the fast code):
 * Shapley values straight from their definition, over all 2^F feature subsets, of the same
 * path-dependent conditional expectation. Exponential in F, so for F ≤ ~12 in tests only.
 */
import type { TreeEnsemble } from './tree-ensemble';
import type { ShapExplanation } from './tree-shap';

/** E[tree(x) | x_S]: known features follow the row (missing → default child), unknown ones average children by cover. */
function conditionalExpectation(e: TreeEnsemble, node: number, row: ArrayLike<number>, known: number): number {
  if (e.left[node] === -1) return e.value[node];
  const f = e.feature[node];
  if (known & (1 << f)) {
    const x = row[f];
    const goLeft = Number.isNaN(x) ? e.defaultLeft[node] === 1 : x < e.threshold[node];
    return conditionalExpectation(e, goLeft ? e.left[node] : e.right[node], row, known);
  }
  const l = e.left[node];
  const r = e.right[node];
  return (e.cover[l] * conditionalExpectation(e, l, row, known) + e.cover[r] * conditionalExpectation(e, r, row, known)) / e.cover[node];
}

export function bruteForceShapley(ensemble: TreeEnsemble, row: ArrayLike<number>): ShapExplanation {
  const n = ensemble.featureCount;
  if (n > 16) throw new RangeError(`bruteForceShapley: ${n} features is too many for 2^F subsets`);
  const value = new Float64Array(1 << n);
  for (let known = 0; known < value.length; known++) {
    value[known] = ensemble.baseMargin;
    for (let t = 0; t < ensemble.treeCount; t++) value[known] += conditionalExpectation(ensemble, ensemble.roots[t], row, known);
  }
  const factorial = [1];
  for (let k = 1; k <= n; k++) factorial.push(factorial[k - 1] * k);
  const contributions = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    for (let known = 0; known < value.length; known++) {
      if (known & (1 << f)) continue;
      let size = 0;
      for (let m = known; m; m &= m - 1) size++;
      contributions[f] += ((factorial[size] * factorial[n - size - 1]) / factorial[n]) * (value[known | (1 << f)] - value[known]);
    }
  }
  return { bias: value[0], contributions };
}
