import type { ComparisonReport } from './model-comparison';

/** What a challenger must show to replace the champion; written into its card by `train:risk --from-db`. */
export interface PromotionPolicy {
  /** The alert budget (share of transactions) the criteria are judged at. */
  readonly budget: number;
  /** Per typology, how much lower than the champion's its recall may be (0.05: five points). */
  readonly maxTypologyRecallDrop: number;
  /** How much lower than the champion's its precision on labelled alerts may be. */
  readonly maxPrecisionDrop: number;
  readonly maxPrAucDrop: number;
  /** Its own REVIEW threshold may alert at most this times the budget. */
  readonly alertShareTolerance: number;
  /** Transactions it must have scored in shadow beside the champion it would replace. */
  readonly minShadowScored: number;
  /** Live precision is judged only once each model has at least this many labelled alerts. */
  readonly minLabelledAlerts: number;
}

export const DEFAULT_PROMOTION_POLICY: PromotionPolicy = Object.freeze({
  budget: 0.01,
  maxTypologyRecallDrop: 0.05,
  maxPrecisionDrop: 0,
  maxPrAucDrop: 0.02,
  alertShareTolerance: 1.5,
  minShadowScored: 10_000,
  minLabelledAlerts: 30,
});

/** The part of a card (card.json) the gate reads: criteria judged at training, and a challenger's policy. */
export interface CardForGate {
  readonly criteria?: readonly { readonly criterion: string; readonly met: boolean; readonly detail: string }[];
  readonly promotion?: { readonly policy: PromotionPolicy; readonly comparedWith: { readonly name: string; readonly version: number } | null };
}

export interface GateInput {
  readonly name: string;
  readonly version: number;
  /** The version's card.json, parsed; undefined when it has none. */
  readonly card: CardForGate | undefined;
  /** The champion it would replace; undefined when there is none. */
  readonly champion: number | undefined;
  /** Its shadow scores beside that champion; undefined when the card asks for no live evidence. */
  readonly live: ComparisonReport | undefined;
}

/**
 * Why a version may not become champion; empty when it may. The first champion needs nothing (there
 * is nothing to compare it with, and the shipped seed makes it). Any other needs a card whose
 * criteria were all met at training; a challenger's card (trained on the bank's data) also asks
 * that it was compared with the champion it would replace and has run in shadow beside it for
 * long enough, with its own threshold holding the budget and, once both have enough labelled
 * alerts, its live precision not worse.
 */
export function promotionRefusals({ name, version, card, champion, live }: GateInput): string[] {
  if (champion === undefined) return [];
  if (card === undefined) return [`${name}@${version} has no card.json: nothing shows it fit to replace the champion`];
  const reasons = (card.criteria ?? []).filter((c) => !c.met).map((c) => `card criterion not met: ${c.criterion} (${c.detail})`);
  if (card.promotion === undefined) return reasons;
  const { policy, comparedWith } = card.promotion;
  if (comparedWith?.version !== champion) {
    reasons.push(`its card compares it with ${comparedWith ? `${comparedWith.name}@${comparedWith.version}` : 'no champion'}, but the champion is ${name}@${champion}: train a challenger against it`);
  }
  if (live === undefined || live.scoredByBoth < policy.minShadowScored) {
    reasons.push(`${live?.scoredByBoth ?? 0} transactions scored in shadow beside ${name}@${champion}; the card asks for at least ${policy.minShadowScored}`);
  }
  if (live === undefined || live.scoredByBoth === 0) return reasons;
  const limit = live.budget * policy.alertShareTolerance;
  if (live.served.challenger.alertShare > limit) {
    reasons.push(`in shadow its REVIEW threshold alerted ${pct(live.served.challenger.alertShare)} of transactions, above ${pct(limit)} (${policy.alertShareTolerance}× the ${pct(live.budget)} budget)`);
  }
  const [mine, theirs] = [live.labelled.challenger, live.labelled.champion];
  if (mine.alerts >= policy.minLabelledAlerts && theirs.alerts >= policy.minLabelledAlerts && (mine.precision ?? 0) < (theirs.precision ?? 0) - policy.maxPrecisionDrop) {
    reasons.push(`in shadow its precision on labelled alerts is ${pct(mine.precision)}, the champion's ${pct(theirs.precision)}`);
  }
  return reasons;
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(2)} %`);
