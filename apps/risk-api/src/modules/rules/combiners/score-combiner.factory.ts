import { assertUnreachable } from '@vigil/platform';
import { RuleSetProblem, RuleSetProblemCode, RulesConfigError } from '../rules.exception';
import { toMicros } from '../score';
import { checkProbability } from '../validate-rule-set';
import { MaxScoreCombiner } from './max-score-combiner';
import { COMBINE_METHODS, CombineConfig, ScoreCombiner } from './score-combiner';
import { WeightedScoreCombiner } from './weighted-score-combiner';

export const DEFAULT_MODEL_WEIGHT = 0.5;

/** Every problem in a combine configuration, with paths like `reviewThreshold`. */
export function validateCombineConfig(config: CombineConfig): RuleSetProblem[] {
  const problems = [
    checkProbability(config.reviewThreshold, 'reviewThreshold', RuleSetProblemCode.ThresholdOutOfRange, 'reviewThreshold'),
    checkProbability(config.blockThreshold, 'blockThreshold', RuleSetProblemCode.ThresholdOutOfRange, 'blockThreshold'),
    config.modelWeight === undefined ? undefined : checkProbability(config.modelWeight, 'modelWeight', RuleSetProblemCode.ScoreOutOfRange, 'modelWeight'),
  ].filter((problem): problem is RuleSetProblem => problem !== undefined);
  if (!COMBINE_METHODS.includes(config.method)) {
    problems.push({
      code: RuleSetProblemCode.UnknownCombineMethod,
      path: 'method',
      message: `method must be one of ${COMBINE_METHODS.join(', ')}, not ${String(config.method)}`,
    });
  }
  if (problems.length === 0 && config.reviewThreshold > config.blockThreshold) {
    problems.push({
      code: RuleSetProblemCode.ThresholdsOutOfOrder,
      path: 'reviewThreshold',
      message: `reviewThreshold ${config.reviewThreshold} exceeds blockThreshold ${config.blockThreshold}`,
    });
  }
  return problems;
}

/** Picks the strategy for a configuration; throws RulesConfigError listing every problem. */
export function createScoreCombiner(config: CombineConfig): ScoreCombiner {
  const problems = validateCombineConfig(config);
  if (problems.length > 0) throw new RulesConfigError(problems);
  switch (config.method) {
    case 'max':
      return new MaxScoreCombiner();
    case 'weighted':
      return new WeightedScoreCombiner(toMicros(config.modelWeight ?? DEFAULT_MODEL_WEIGHT));
    default:
      return assertUnreachable(config.method);
  }
}
