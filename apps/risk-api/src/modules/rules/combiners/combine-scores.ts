import { Decision, decisionFor, fromMicros, isProbability, toMicros } from '../score';
import { CombineConfig, CombineMethod } from './score-combiner';
import { createScoreCombiner } from './score-combiner.factory';

export interface CombinedScore {
  /** The method that produced `score`; null when there was no model and the rule score stands alone. */
  readonly method: CombineMethod | null;
  readonly score: number;
  readonly decision: Decision;
  readonly rules: { readonly score: number };
  /** null: no model is registered, the decision rests on the rules alone. */
  readonly model: { readonly score: number } | null;
}

export type ScoreCombination = (ruleScore: number, modelScore: number | undefined) => CombinedScore;

/**
 * Validates `config` once (throws RulesConfigError) and returns the per-transaction function.
 *
 * The final score and decision use the global thresholds. With no model the rule score is used as
 * it is and `model` is null. The rule set's own per-typology decision is separate: the caller takes
 * mostSevere() of both, so a model can escalate a rule decision but never clear one.
 *
 * Model scores are rounded to millionths (score.ts); a score outside [0, 1] or NaN is a bug in the
 * model's export and throws a RangeError rather than deciding on garbage.
 */
export function createScoreCombination(config: CombineConfig): ScoreCombination {
  const combiner = createScoreCombiner(config);
  const review = toMicros(config.reviewThreshold);
  const block = toMicros(config.blockThreshold);
  return (ruleScore, modelScore) => {
    if (!isProbability(ruleScore)) throw new RangeError(`the rule score must be in [0, 1], not ${ruleScore}`);
    if (modelScore !== undefined && !isProbability(modelScore)) throw new RangeError(`the model score must be in [0, 1], not ${modelScore}`);
    const rules = toMicros(ruleScore);
    const model = modelScore === undefined ? undefined : toMicros(modelScore);
    const score = model === undefined ? rules : combiner.combine(rules, model);
    return {
      method: model === undefined ? null : combiner.method,
      score: fromMicros(score),
      decision: decisionFor(score, review, block),
      rules: { score: fromMicros(rules) },
      model: model === undefined ? null : { score: fromMicros(model) },
    };
  };
}

/** One-off form of createScoreCombination. */
export function combineScores(ruleScore: number, modelScore: number | undefined, config: CombineConfig): CombinedScore {
  return createScoreCombination(config)(ruleScore, modelScore);
}
