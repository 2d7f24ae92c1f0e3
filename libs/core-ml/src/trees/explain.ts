/**
 * `explain(ensemble, row)`: exact path-dependent TreeSHAP with the ensemble's explainer built once and
 * reused. The table-driven FastTreeShapExplainer is chosen when its tables fit the memory budget
 * (always, for the service's few hundred trees of depth ≤ 6: ~10 MB); deeper ensembles fall back to
 * Algorithm 2, which needs no tables.
 */
import { FastTreeShapExplainer } from './fast-tree-shap';
import type { TreeEnsemble } from './tree-ensemble';
import { type ShapExplainer, type ShapExplanation, TreeShapExplainer } from './tree-shap';

/** 2^22 float64 entries = 32 MiB of tables per ensemble. */
export const FAST_TREE_SHAP_MAX_TABLE_ENTRIES = 2 ** 22;

export function createShapExplainer(ensemble: TreeEnsemble): ShapExplainer {
  return FastTreeShapExplainer.tableEntriesFor(ensemble) <= FAST_TREE_SHAP_MAX_TABLE_ENTRIES
    ? new FastTreeShapExplainer(ensemble)
    : new TreeShapExplainer(ensemble);
}

const explainers = new WeakMap<TreeEnsemble, ShapExplainer>();

export function explain(ensemble: TreeEnsemble, row: ArrayLike<number>): ShapExplanation {
  let explainer = explainers.get(ensemble);
  if (explainer === undefined) {
    explainer = createShapExplainer(ensemble);
    explainers.set(ensemble, explainer);
  }
  return explainer.explain(row);
}
