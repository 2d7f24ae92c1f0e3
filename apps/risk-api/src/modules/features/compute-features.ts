import { Transaction } from '@vigil/contracts';

import { FeatureConfig } from './feature-config';
import { FeatureEngine } from './feature-engine';
import { FeatureVector } from './feature-names';

/**
 * Batch features for training: one fresh FeatureEngine fed `history` in processing order. Serving
 * runs the same engine one transaction at a time, so training and serving features cannot differ.
 */
export function computeFeatures(history: readonly Transaction[], config?: Partial<FeatureConfig>): FeatureVector[] {
  const engine = new FeatureEngine(config);
  return history.map((tx) => engine.process(tx));
}
