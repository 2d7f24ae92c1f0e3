import { syntheticHistory } from '../testing/synthetic-history';
import { T0 } from '../testing/transaction-builder';
import { HOUR } from '../windows/durations';
import { computeSequences } from './compute-sequences';
import { SEQUENCE_CHANNELS } from './sequence-channels';
import { SequenceEncoder } from './sequence-encoder';

// 45 days (so the 30-day retention sweeps), every planted typology, 5 % late arrivals.
const history = syntheticHistory({ seed: 7, transactions: 3000, accounts: 200, start: T0, days: 45, lateShare: 0.05, maxLatenessMs: 12 * HOUR, patterns: 10 });

describe(computeSequences.name, () => {
  it('equals one encoder fed the same transactions one by one, bit for bit', () => {
    // Prepare
    const config = { steps: 8, retentionMs: 30 * 24 * HOUR };
    const encoder = new SequenceEncoder(config);

    // Act
    const batch = computeSequences(history, config);
    const streamed = history.map((tx) => encoder.process(tx));

    // Assert
    expect(batch).toMatchObject({ count: history.length, steps: 8, channels: SEQUENCE_CHANNELS.length });
    const size = 8 * SEQUENCE_CHANNELS.length;
    const differs = streamed.findIndex((row, i) => !Buffer.from(row.buffer).equals(Buffer.from(batch.data.buffer, i * size * 4, size * 4)));
    expect(differs).toBe(-1);
  });

  it('gives every sequence its scored transaction as a valid last step', () => {
    // Act
    const { data, count, steps, channels } = computeSequences(history);

    // Assert
    const lastValid = Array.from({ length: count }, (_, i) => data[(i * steps + steps - 1) * channels]);
    expect(new Set(lastValid)).toEqual(new Set([1]));
    expect(data.every(Number.isFinite)).toBe(true);
  });
});
