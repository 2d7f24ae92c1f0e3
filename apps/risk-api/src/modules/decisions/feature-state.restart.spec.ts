import { JsonLogger } from '@vigil/platform';
import pino from 'pino';

import { computeFeatures, computeSequences, DEFAULT_FEATURE_CONFIG, FeatureVector } from '../features';
import { returningHistory } from '../features/testing/returning-history';
import { tx } from '../features/testing/transaction-builder';
import { DAY, HOUR } from '../features/windows/durations';
import { FeatureState, PAGE_SIZE } from './feature-state';
import { StoredTransactions } from './testing/stored-transactions';

const logger = new JsonLogger(pino({ level: 'silent' }));
const START = Date.UTC(2026, 0, 1);
const BATCH = 100;

describe(`${FeatureState.name} after a restart`, () => {
  // 240 days; late arrivals up to 20 h, within the 1 d allowed lateness.
  const history = returningHistory({ seed: 11, start: START, days: 240, regulars: 40, sleepers: 24, lateShare: 0.1, maxLatenessMs: 20 * HOUR });
  const expected = computeFeatures(history);
  const sequences = computeSequences(history);
  const size = sequences.steps * sequences.channels;

  /** Restarts with the first `cut` transactions stored, then decides the rest batch by batch. */
  async function restartAt(cut: number) {
    const storage = new StoredTransactions();
    storage.store(history.slice(0, cut));
    const sut = new FeatureState(storage.asRepository(), logger);
    const actual: { features: FeatureVector; sequence: Float32Array }[] = [];
    for (let start = cut; start < history.length; start += BATCH) {
      const batch = history.slice(start, start + BATCH);
      actual.push(...(await sut.serially(() => sut.process(batch))));
      storage.store(batch);
    }
    return { actual, storage };
  }

  /** Every feature and sequence value that differs from the uninterrupted run's, as `txId name: got ≠ want`. */
  function differences(cut: number, actual: { features: FeatureVector; sequence: Float32Array }[]): string[] {
    const found: string[] = [];
    actual.forEach(({ features, sequence }, i) => {
      const index = cut + i;
      const want = expected[index];
      const name = history[index].txId;
      for (const feature of new Set([...Object.keys(want), ...Object.keys(features)]) as Set<keyof FeatureVector>) {
        if (!Object.is(features[feature], want[feature])) found.push(`${name} ${feature}: ${features[feature]} ≠ ${want[feature]}`);
      }
      const reference = sequences.data.subarray(index * size, (index + 1) * size);
      const at = sequence.findIndex((value, k) => !Object.is(value, reference[k]));
      if (at >= 0 || sequence.length !== size) found.push(`${name} sequence[${at}]: ${sequence[at]} ≠ ${reference[at]}`);
    });
    return found;
  }

  const firstArrivingAfter = (day: number): number => history.findIndex((tx) => tx.ts >= START + day * DAY);

  it('spans more than 180 days with dormant accounts coming back and long-unused beneficiaries and devices', () => {
    const days = (history[history.length - 1].ts - history[0].ts) / DAY;
    const from = firstArrivingAfter(100);
    const count = (test: (features: FeatureVector, i: number) => boolean): number => expected.filter((features, i) => i >= from && test(features, i)).length;

    expect(days).toBeGreaterThan(230);
    expect(history.length).toBeGreaterThan(PAGE_SIZE);
    expect(count((f) => f.orig_dormant_90d === 1)).toBeGreaterThan(10);
    // Known again after longer than any window reaches (31 d), on a device unused as long.
    expect(count((f) => f.orig_dormancy_days > 31 && f.orig_new_beneficiary === 0)).toBeGreaterThan(10);
    expect(count((f, i) => history[i].device?.id.startsWith('D-S-') === true && f.orig_new_device === 0 && f.ip_new === 0)).toBeGreaterThan(10);
    // Sleepers first appear before day 25: new again after day 100 only once the 180-day memory let them go.
    expect(count((f, i) => history[i].originator.account.startsWith('Z-') && f.orig_new_account === 1)).toBeGreaterThan(0);
  });

  it.each([100, 150, 185, 215])(
    'computes every feature and sequence of an uninterrupted run after a restart on day %d',
    async (day) => {
      // Prepare
      const cut = firstArrivingAfter(day);

      // Act
      const { actual, storage } = await restartAt(cut);

      // Assert
      expect(actual).toHaveLength(history.length - cut);
      expect(differences(cut, actual).slice(0, 20)).toEqual([]);
      expect(storage.spans).toEqual([DEFAULT_FEATURE_CONFIG.noveltyRetentionMs + DEFAULT_FEATURE_CONFIG.allowedLatenessMs]);
      expect(storage.pages.every(({ limit }) => limit === PAGE_SIZE)).toBe(true);
    },
  );

  it('keeps what a transaction arriving up to the allowed lateness late needs: a beneficiary first paid more than 180 d before it', async () => {
    // Prepare: A-1 pays B-1 on day 0 and 6 h short of 180 d later (still remembered, so B-1 stays
    // known since day 0); others' payments take the watermark 6 h past 180 d. After a restart a
    // payment to B-1 stamped 18 h before the watermark arrives (within the 1 d lateness): B-1 is known
    // to it through day 0, which a rebuild reading only 180 d would have lost.
    const { noveltyRetentionMs: retention, allowedLatenessMs: lateness } = DEFAULT_FEATURE_CONFIG;
    const stored = [
      tx({ ts: START, to: 'B-1' }),
      tx({ ts: START + retention - lateness / 4, to: 'B-1' }),
      tx({ ts: START + retention + lateness / 4, from: 'A-2', to: 'B-2' }),
    ];
    const late = tx({ ts: START + retention - lateness / 2, to: 'B-1' });
    const storage = new StoredTransactions();
    storage.store(stored);
    const sut = new FeatureState(storage.asRepository(), logger);

    // Act
    const [{ features }] = await sut.serially(() => sut.process([late]));

    // Assert
    expect(features).toEqual(computeFeatures([...stored, late])[3]);
    expect(features.orig_new_beneficiary).toBe(0);
  });

  it('reads the rebuild in bounded pages, skipping what lies beyond the span', async () => {
    // Prepare: on day 230, what was stored before about day 49 is past 180 d + 1 d.
    const cut = firstArrivingAfter(230);
    const storage = new StoredTransactions();
    storage.store(history.slice(0, cut));
    const sut = new FeatureState(storage.asRepository(), logger);

    // Act
    await sut.serially(() => sut.process([]));

    // Assert
    const [first] = storage.pages;
    const latest = Math.max(...history.slice(0, cut).map((tx) => tx.ts));
    const read = storage.pages.reduce((sum, page) => sum + page.rows, 0);
    expect(first.after).toBeGreaterThan(0);
    expect(history[first.after - 1].ts).toBeLessThanOrEqual(latest - 181 * DAY);
    expect(history[first.after].ts).toBeGreaterThan(latest - 181 * DAY);
    expect(read).toBe(cut - first.after);
    expect(storage.pages.length).toBeGreaterThan(1);
    expect(Math.max(...storage.pages.map((page) => page.rows))).toBe(PAGE_SIZE);
  });
});
