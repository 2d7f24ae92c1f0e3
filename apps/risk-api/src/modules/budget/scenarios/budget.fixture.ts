import { Rng } from '@vigil/platform';

import { Decision } from '../../rules';
import { AlertBudgetSettings, ShippedThresholds } from '../alert-budget';
import { ReplayedTransaction } from '../replay-alert-budget';

/** The budget the scenarios hold: 1 %, BLOCK at most a tenth of it, windows of 2 × 20 000. */
export const SETTINGS: AlertBudgetSettings = { share: 0.01, blockShare: 0.1, epochSize: 20_000, warmup: 2_000, reestimateEvery: 1_000 };

/** The shipped champion's thresholds, fitted on the simulator (models/risk/1). */
export const SHIPPED: ShippedThresholds = { review: 0.0051, block: 0.79 };

/** A score population as a model's scores look: logit-normal, so the tail is long and smooth. */
export interface Population {
  /** Mean and standard deviation of the logit. */
  readonly mean: number;
  readonly sd: number;
}

/** The population the model was fitted on: its shipped REVIEW threshold flags about 0.9 %. */
export const HOME: Population = { mean: -8.1, sd: 1.2 };
/** A bank the model was not built for: everything scores higher, and the shipped REVIEW threshold flags about 7.5 %. */
export const FOREIGN: Population = { mean: -7, sd: 1.2 };

/** A score in micro-units, as the scorer rounds it. */
export function score(rng: Rng, { mean, sd }: Population): number {
  return Math.round(1e6 / (1 + Math.exp(-(mean + sd * rng.normal())))) / 1e6;
}

/** `count` transactions scored from `population`; `extra` adds what the rules made of each. */
export function* stream(rng: Rng, population: Population, count: number, extra: (score: number) => Partial<ReplayedTransaction> = () => ({})): Generator<ReplayedTransaction> {
  for (let i = 0; i < count; i++) {
    const s = score(rng, population);
    yield { score: s, rulesDecision: 'ALLOW', ...extra(s) };
  }
}

/** Share of `decisions` (from `from` on) that are REVIEW or BLOCK, or exactly `kind`. */
export function shareOf(decisions: readonly Decision[], from = 0, kind?: Decision): number {
  const tail = decisions.slice(from);
  return tail.filter((d) => (kind === undefined ? d !== 'ALLOW' : d === kind)).length / tail.length;
}
