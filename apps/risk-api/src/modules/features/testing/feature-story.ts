import { Transaction } from '@vigil/contracts';

import { FeatureConfig } from '../feature-config';
import { FeatureGroup, FeatureName, FeatureOf } from '../feature-names';

/** A mini-story for one feature: what happened before, the transaction scored, the hand-computed value. */
export interface FeatureStory {
  /** What happened and how the expected value follows, in words. */
  story: string;
  /** Processed in this order before `current`. */
  history: readonly Transaction[];
  current: Transaction;
  expected: number;
  config?: Partial<FeatureConfig>;
}

/** One story per feature of a group: the type fails to compile when a feature has none. */
export type FeatureStories<G extends FeatureGroup> = Record<FeatureOf<G>, FeatureStory>;

/** The stories as `it.each` rows. */
export function storyCases(stories: Partial<Record<FeatureName, FeatureStory>>): (FeatureStory & { name: FeatureName })[] {
  return (Object.entries(stories) as [FeatureName, FeatureStory][]).map(([name, story]) => ({ name, ...story }));
}
