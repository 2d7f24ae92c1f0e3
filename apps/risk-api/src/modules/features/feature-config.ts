import { DAY, LONGEST_WINDOW } from './windows/durations';

/**
 * Tunables of the feature engine. Money is in integer minor units, and every currency is treated as
 * the same unit (no FX conversion): 1 000 000 minor units are "10 000" whether EUR, USD or GBP.
 */
export interface FeatureConfig {
  /** ISO 3166 alpha-2 codes; a transaction touching one sets `tx_high_risk_country`. */
  highRiskCountries: readonly string[];
  /** The cash/transfer reporting threshold structuring stays under. */
  reportingThresholdMinor: number;
  /** "Just below" = within this many percent under the threshold: [threshold·(1 − p/100), threshold). */
  justBelowMarginPercent: number;
  /** Payments strictly below this are "tiny" (card testing). */
  tinyAmountLimitMinor: number;
  /** A multiple of this is a round amount; `tx_round_amount_x10` uses ten times it. */
  roundAmountUnitMinor: number;
  /**
   * How far behind the watermark (the latest event time seen) an event may arrive and still get
   * exact features. History is kept for the longest window (35 d) plus this.
   */
  allowedLatenessMs: number;
  /** How long "seen before" memory (novelty, dormancy) lasts after an id's last sighting. */
  noveltyRetentionMs: number;
  /** At most this many edges are examined per transaction when looking for a closed cycle. */
  cycleSearchBudget: number;
}

/**
 * FATF-style default: the FATF "call for action" list (KP, IR, MM) plus the jurisdictions under
 * increased monitoring, as published in June 2025. The lists change at every FATF plenary
 * (February, June, October); production deployments pass their own compliance team's list.
 */
export const DEFAULT_HIGH_RISK_COUNTRIES: readonly string[] = [
  'KP', 'IR', 'MM',
  'DZ', 'AO', 'BO', 'BG', 'BF', 'CM', 'CI', 'HR', 'CD', 'HT', 'KE', 'LA', 'LB', 'MC', 'MZ', 'NA', 'NP', 'NG',
  'ZA', 'SS', 'SY', 'VE', 'VN', 'VG', 'YE',
];

export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  highRiskCountries: DEFAULT_HIGH_RISK_COUNTRIES,
  reportingThresholdMinor: 1_000_000, // 10 000.00
  justBelowMarginPercent: 10, // [9 000.00, 10 000.00)
  tinyAmountLimitMinor: 500, // 5.00
  roundAmountUnitMinor: 10_000, // 100.00 (and 1 000.00 for x10)
  allowedLatenessMs: DAY,
  noveltyRetentionMs: 180 * DAY,
  cycleSearchBudget: 5_000,
});

/** The defaults with `overrides` applied, checked; throws a RangeError listing every bad field. */
export function resolveFeatureConfig(overrides: Partial<FeatureConfig> = {}): Readonly<FeatureConfig> {
  // An override left undefined (an unset environment variable, say) keeps the default.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<FeatureConfig>;
  const config = { ...DEFAULT_FEATURE_CONFIG, ...given, highRiskCountries: [...(given.highRiskCountries ?? DEFAULT_HIGH_RISK_COUNTRIES)] };
  const problems: string[] = [];
  const positiveInteger = (name: keyof FeatureConfig, value: number): void => {
    if (!Number.isSafeInteger(value) || value <= 0) problems.push(`${name} must be a positive integer, got ${value}`);
  };
  positiveInteger('reportingThresholdMinor', config.reportingThresholdMinor);
  positiveInteger('tinyAmountLimitMinor', config.tinyAmountLimitMinor);
  positiveInteger('roundAmountUnitMinor', config.roundAmountUnitMinor);
  positiveInteger('cycleSearchBudget', config.cycleSearchBudget);
  if (!Number.isInteger(config.justBelowMarginPercent) || config.justBelowMarginPercent < 0 || config.justBelowMarginPercent > 100) {
    problems.push(`justBelowMarginPercent must be an integer in 0..100, got ${config.justBelowMarginPercent}`);
  }
  if (!Number.isSafeInteger(config.allowedLatenessMs) || config.allowedLatenessMs < 0) {
    problems.push(`allowedLatenessMs must be a non-negative integer, got ${config.allowedLatenessMs}`);
  }
  // Novelty memory must outlive the windowed history: dormancy falls back on it once a key's log is empty.
  if (!Number.isSafeInteger(config.noveltyRetentionMs) || config.noveltyRetentionMs < LONGEST_WINDOW + config.allowedLatenessMs) {
    problems.push(`noveltyRetentionMs must be an integer >= 35 d + allowedLatenessMs, got ${config.noveltyRetentionMs}`);
  }
  for (const country of config.highRiskCountries) {
    if (!/^[A-Z]{2}$/.test(country)) problems.push(`highRiskCountries must hold ISO 3166 alpha-2 codes, got "${country}"`);
  }
  if (problems.length > 0) throw new RangeError(`Invalid feature configuration: ${problems.join('; ')}`);
  return Object.freeze(config);
}
