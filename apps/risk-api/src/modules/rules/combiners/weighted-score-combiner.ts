import { SCORE_SCALE, ScoreMicros } from '../score';
import { CombineMethod, ScoreCombiner } from './score-combiner';

/**
 * (1 − w)·rules + w·model, in integers: weight and scores are micro-units, so the product is at most
 * 10^12 (exact in a double) and one rounding, half up, brings it back to micro-units.
 */
export class WeightedScoreCombiner implements ScoreCombiner {
  readonly method: CombineMethod = 'weighted';

  constructor(private readonly modelWeight: ScoreMicros) {}

  combine(rules: ScoreMicros, model: ScoreMicros): ScoreMicros {
    const total = (SCORE_SCALE - this.modelWeight) * rules + this.modelWeight * model;
    return Math.floor((total + SCORE_SCALE / 2) / SCORE_SCALE) as ScoreMicros;
  }
}
