import { FEATURE_NAMES, FeatureName } from '../../features/feature-names';
import { DEFAULT_RULE_SET, RULE_SCHEMA } from '../default-rule-set';
import { evaluateRuleSet, RuleSetResult } from '../evaluate-rule-set';
import { ExpressionValues } from '../expression';
import { RuleTransaction, ruleValues } from '../transaction-values';
import { compileRuleSet } from '../validate-rule-set';

/**
 * Scenario specs only: the default rule set compiled once, and a quiet account to start each story
 * from (a person the platform has known for weeks, no role: a story about a hub says so).
 */
export const DEFAULT_COMPILED = compileRuleSet(DEFAULT_RULE_SET, RULE_SCHEMA);

const QUIET: Record<FeatureName, number> = {
  ...(Object.fromEntries(FEATURE_NAMES.map((name) => [name, 0])) as Record<FeatureName, number>),
  orig_count_1h: 1,
  orig_count_24h: 2,
  orig_sum_24h: 120,
  orig_fan_out_24h: 1,
  bene_fan_in_24h: 1,
  orig_pass_through_24h: 0.1,
  orig_secs_since_last_in: 604_800,
  orig_amount_zscore_30d: 0.3,
  orig_amount_pct_30d: 0.5,
  orig_count_30d: 30,
  bene_fan_in_ratio_24h: 1,
  bene_amount_ratio_30d: 1,
  orig_known_days_35d: 35,
  bene_known_days_35d: 35,
};

const DOMESTIC_PAYMENT: RuleTransaction = {
  amountMinor: 4_250,
  currency: 'EUR',
  type: 'PAYMENT',
  channel: 'POS',
  originator: { country: 'DE', bank: 'DEUTDEFF' },
  beneficiary: { country: 'DE', bank: 'COBADEFF' },
  merchant: { mcc: '5411' },
  device: { id: 'D-1' },
};

export function scenarioValues(features: Partial<Record<FeatureName, number>>, tx: Partial<RuleTransaction> = {}): ExpressionValues {
  return ruleValues({ ...DOMESTIC_PAYMENT, ...tx }, { ...QUIET, ...features });
}

export function runScenario(features: Partial<Record<FeatureName, number>>, tx: Partial<RuleTransaction> = {}): RuleSetResult {
  return evaluateRuleSet(DEFAULT_COMPILED, scenarioValues(features, tx));
}

export const hitIds = (result: RuleSetResult): string[] => result.hits.map((hit) => hit.ruleId);
export const outcomeOf = (result: RuleSetResult, typologyId: string) => result.typologies.find((typology) => typology.id === typologyId);
