export { computeFeatures } from './compute-features';
export { DEFAULT_FEATURE_CONFIG, DEFAULT_HIGH_RISK_COUNTRIES, resolveFeatureConfig } from './feature-config';
export type { FeatureConfig } from './feature-config';
export { FeatureEngine } from './feature-engine';
export type { FeatureEngineStats } from './feature-engine';
export { FEATURE_GROUPS, FEATURE_NAMES, toModelInput } from './feature-names';
export type { FeatureGroup, FeatureName, FeatureOf, FeatureVector } from './feature-names';
