import { JsonLogger } from '@vigil/platform';
import pino from 'pino';

import { computeFeatures, computeSequences } from '../features';
import { syntheticHistory } from '../features/testing/synthetic-history';
import { FeatureState } from './feature-state';
import { StoredTransactions } from './testing/stored-transactions';

const logger = new JsonLogger(pino({ level: 'silent' }));

describe(FeatureState.name, () => {
  const history = syntheticHistory({ seed: 7, transactions: 600, accounts: 60, start: Date.UTC(2026, 10, 1), days: 3, lateShare: 0.05, maxLatenessMs: 3_600_000, patterns: 2 }).slice(0, 600);
  const expected = computeFeatures(history);
  const sequences = computeSequences(history);
  const size = sequences.steps * sequences.channels;
  const expectedSequence = (index: number) => sequences.data.slice(index * size, (index + 1) * size);

  it('computes the features and sequences an uninterrupted run computes when other instances store part of the history (a rebalance)', async () => {
    const storage = new StoredTransactions();
    const sut = new FeatureState(storage.asRepository(), logger);
    const mine: { index: number; features: Record<string, number>; sequence: Float32Array }[] = [];

    // Batches of 20 alternate between this instance and another one that owns other partitions.
    for (let start = 0; start < history.length; start += 20) {
      const batch = history.slice(start, start + 20);
      if ((start / 20) % 2 === 0) {
        const inputs = await sut.serially(() => sut.process(batch));
        inputs.forEach(({ features, sequence }, i) => mine.push({ index: start + i, features, sequence }));
      }
      storage.store(batch);
    }

    expect(mine.length).toBe(300);
    for (const { index, features, sequence } of mine) {
      expect(features).toEqual(expected[index]);
      expect(sequence).toEqual(expectedSequence(index));
    }
  });

  it('rebuilds from storage after a failed batch, forgetting what was never stored', async () => {
    const storage = new StoredTransactions();
    const sut = new FeatureState(storage.asRepository(), logger);
    await sut.serially(() => sut.process(history.slice(0, 100)));
    storage.store(history.slice(0, 100));

    await sut.serially(() => sut.process(history.slice(100, 200))); // seen, then the save fails
    sut.invalidate();
    const retried = await sut.serially(() => sut.process(history.slice(100, 200)));

    expect(retried.map(({ features }) => features)).toEqual(expected.slice(100, 200));
    expect(retried.map(({ sequence }) => sequence)).toEqual(Array.from({ length: 100 }, (_, i) => expectedSequence(100 + i)));
  });
});
