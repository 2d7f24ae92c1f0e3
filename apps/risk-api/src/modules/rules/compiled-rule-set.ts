import { CompiledExpression } from './expression';
import { RuleSetStatus } from './rule-set';
import { ScoreMicros } from './score';

/** A rule set after validation: expressions compiled, scores in exact micro-units. */
export interface CompiledRuleSet {
  readonly version: number;
  readonly status: RuleSetStatus;
  readonly typologies: readonly CompiledTypology[];
  /** Every name any rule reads, so callers know which features to compute. */
  readonly identifiers: readonly string[];
}

export interface CompiledTypology {
  readonly id: string;
  readonly name: string;
  readonly review: ScoreMicros;
  readonly block: ScoreMicros;
  readonly rules: readonly CompiledRule[];
}

export type CompiledRule = CompiledConditionRule | CompiledBandedRule;

export interface CompiledConditionRule {
  readonly kind: 'condition';
  readonly id: string;
  readonly name: string;
  readonly typologyId: string;
  readonly expression: CompiledExpression<boolean>;
  readonly score: ScoreMicros;
}

export interface CompiledBandedRule {
  readonly kind: 'banded';
  readonly id: string;
  readonly name: string;
  readonly typologyId: string;
  readonly expression: CompiledExpression<number>;
  readonly bands: readonly CompiledBand[];
}

export interface CompiledBand {
  /** Inclusive upper limit; +Infinity for the last band. */
  readonly upTo: number;
  readonly score: ScoreMicros;
}
