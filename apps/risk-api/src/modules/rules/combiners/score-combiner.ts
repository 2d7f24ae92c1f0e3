import { ScoreMicros } from '../score';

export type CombineMethod = 'max' | 'weighted';
export const COMBINE_METHODS: readonly CombineMethod[] = ['max', 'weighted'];

/** One way of merging the rule score with a model score (STYLE R11: one class per method). */
export interface ScoreCombiner {
  readonly method: CombineMethod;
  combine(rules: ScoreMicros, model: ScoreMicros): ScoreMicros;
}

/** Global thresholds and the method; used when a model is registered (and, with no model, on the rule score alone). */
export interface CombineConfig {
  readonly method: CombineMethod;
  readonly reviewThreshold: number;
  readonly blockThreshold: number;
  /** `weighted` only: the model's share, the rules get 1 − modelWeight. Default 0.5. */
  readonly modelWeight?: number;
}
