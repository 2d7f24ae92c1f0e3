import { ScoreMicros } from '../score';
import { CombineMethod, ScoreCombiner } from './score-combiner';

/** The higher of the two: either source alone can escalate, neither can mask the other. */
export class MaxScoreCombiner implements ScoreCombiner {
  readonly method: CombineMethod = 'max';

  combine(rules: ScoreMicros, model: ScoreMicros): ScoreMicros {
    return Math.max(rules, model) as ScoreMicros;
  }
}
