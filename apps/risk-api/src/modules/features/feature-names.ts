/**
 * The features, grouped, in model-input order. Names read `<key>_<what>_<window>`: key `orig`
 * (originator account, outgoing), `bene` (beneficiary account, incoming), `device`, `ip`, `pair`
 * (originator→beneficiary) or `tx` (the transaction itself). docs/features.md documents each one;
 * a spec keeps that table and this list identical.
 */
export const FEATURE_GROUPS = {
  velocity: [
    'orig_count_1m', 'orig_count_1h', 'orig_count_24h', 'orig_count_7d', 'orig_count_30d',
    'orig_sum_1m', 'orig_sum_1h', 'orig_sum_24h', 'orig_sum_7d', 'orig_sum_30d',
    'bene_count_1h', 'bene_count_24h', 'bene_count_7d',
    'bene_sum_1h', 'bene_sum_24h', 'bene_sum_7d',
    'device_count_1m', 'device_count_1h', 'device_count_24h',
    'device_sum_1h', 'device_sum_24h',
    'ip_count_1m', 'ip_count_1h', 'ip_count_24h',
    'ip_sum_24h',
    'pair_count_24h', 'pair_count_7d', 'pair_count_30d',
    'pair_sum_24h', 'pair_sum_30d',
  ],
  amount: ['tx_amount', 'orig_amount_avg_30d', 'orig_amount_zscore_30d', 'orig_amount_ratio_max_30d', 'orig_amount_pct_30d'],
  novelty: [
    'orig_new_beneficiary', 'orig_new_country_pair', 'orig_new_device', 'orig_new_ip',
    'ip_new', 'orig_new_account', 'bene_new_account',
  ],
  flags: [
    'tx_cross_border', 'tx_high_risk_country', 'tx_round_amount', 'tx_round_amount_x10',
    'tx_just_below_threshold', 'orig_just_below_count_24h', 'orig_just_below_count_7d',
  ],
  time: ['tx_hour_utc', 'orig_secs_since_last', 'orig_dormancy_days', 'orig_dormant_90d', 'orig_hour_unusualness_30d'],
  graph: [
    'orig_fan_out_24h', 'orig_fan_out_7d', 'bene_fan_in_24h', 'bene_fan_in_7d', 'orig_fan_in_24h', 'orig_fan_in_7d',
    'orig_pass_through_24h', 'orig_secs_since_last_in', 'orig_fast_forward_1h',
    'pair_closes_cycle_7d', 'pair_cycle_length_7d',
  ],
  sharing: ['tx_has_device', 'device_distinct_orig_24h', 'ip_distinct_orig_24h'],
  cardTesting: [
    'orig_tiny_count_1m', 'orig_tiny_count_1h', 'device_tiny_count_1m', 'device_tiny_count_1h',
    'orig_burst_ratio_1h_24h', 'device_burst_ratio_1m_1h',
  ],
  roles: [
    'bene_merchant_score_30d', 'bene_biller_score_30d', 'bene_cash_score_30d', 'bene_payroll_score_35d', 'bene_collector_score_35d', 'bene_hub_35d',
    'orig_merchant_score_30d', 'orig_biller_score_30d', 'orig_cash_score_30d', 'orig_payroll_score_35d', 'orig_collector_score_35d', 'orig_hub_35d',
  ],
  baselines: ['bene_fan_in_ratio_24h', 'orig_fan_out_ratio_24h', 'bene_amount_ratio_30d', 'tx_amount_vs_mcc_30d'],
  history: ['orig_known_days_35d', 'bene_known_days_35d'],
} as const;

export type FeatureGroup = keyof typeof FEATURE_GROUPS;
export type FeatureOf<G extends FeatureGroup> = (typeof FEATURE_GROUPS)[G][number];
export type FeatureName = FeatureOf<FeatureGroup>;

/** Every feature, in model-input order. */
export const FEATURE_NAMES: readonly FeatureName[] = Object.freeze(Object.values(FEATURE_GROUPS).flat());

/** One transaction's features; booleans are 0/1, money is in major units. */
export type FeatureVector = Record<FeatureName, number>;

/** The vector laid out as a model input row, in FEATURE_NAMES order. */
export function toModelInput(vector: FeatureVector, into: Float32Array = new Float32Array(FEATURE_NAMES.length)): Float32Array {
  for (let i = 0; i < FEATURE_NAMES.length; i++) into[i] = vector[FEATURE_NAMES[i]];
  return into;
}
