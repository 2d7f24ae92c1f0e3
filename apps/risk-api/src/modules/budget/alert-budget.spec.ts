import { DDSketch } from '@datadog/sketches-js';
import { Rng } from '@vigil/platform';

import { AlertBudget, AlertBudgetSnapshot } from './alert-budget';
import { FOREIGN, SETTINGS, SHIPPED, stream } from './scenarios/budget.fixture';

const SMALL = { ...SETTINGS, epochSize: 4_000, warmup: 2_000, reestimateEvery: 500 };

/** Feeds `count` transactions of the foreign bank (0.5 % flagged by rule R-1, on ATM or ONLINE), re-estimating when due. */
function feed(sut: AlertBudget, rng: Rng, count: number): void {
  for (const { score } of stream(rng, FOREIGN, count)) {
    const rulesFlagged = rng.chance(0.005);
    if (sut.observe({ score, rulesFlagged, rules: rulesFlagged ? ['R-1'] : [], segment: rng.chance(0.5) ? 'ATM' : 'ONLINE' })) sut.reestimate((sut.version ?? 0) + 1);
  }
}

/** A snapshot with each sketch as its non-empty bins: two stores of equal counts may lay out their arrays differently. */
function binsOf(snapshot: AlertBudgetSnapshot): unknown {
  return JSON.parse(JSON.stringify(snapshot), (key, value: unknown) => {
    if (key !== 'scores' && key !== 'unflaggedScores') return value;
    const { store, zeroCount } = DDSketch.fromProto(Buffer.from(value as string, 'base64'));
    return { zeroCount, bins: store.bins.flatMap((count, i) => (count === 0 ? [] : [[store.offset + i, count]])) };
  });
}

describe(AlertBudget.name, () => {
  describe('warm-up', () => {
    it('decides with the shipped thresholds until the window holds enough scores, and says so', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);

      // Act
      feed(sut, new Rng(1), SMALL.warmup - 1);

      // Assert
      expect(sut.thresholdsFor('ATM')).toEqual({ review: SHIPPED.review, block: SHIPPED.block, basis: 'shipped', version: 3 });
      expect(sut.decide(SHIPPED.review)).toEqual({ decision: 'REVIEW', version: 3 });
      expect(sut.decide(SHIPPED.block)).toEqual({ decision: 'BLOCK', version: 3 });
      expect(sut.report()).toMatchObject({ phase: 'warm-up', warmup: SMALL.warmup, scored: SMALL.warmup - 1 });
    });

    it('has no version before the first threshold set is adopted', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);

      // Assert
      expect(sut.thresholdsFor()).toEqual({ review: SHIPPED.review, block: SHIPPED.block, basis: 'shipped', version: null });
    });

    it('estimates from the window once warm', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);

      // Act
      feed(sut, new Rng(1), SMALL.warmup);

      // Assert
      expect(sut.thresholdsFor()).toMatchObject({ basis: 'window', version: 4 });
      expect(sut.thresholdsFor().review).toBeGreaterThan(SHIPPED.review);
      expect(sut.report().phase).toBe('operating');
    });
  });

  describe('re-estimation', () => {
    it('is due every reestimateEvery transactions', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);
      const due: number[] = [];

      // Act
      for (let i = 1; i <= 1_200; i++) {
        if (!sut.observe({ score: 0.001, rulesFlagged: false })) continue;
        due.push(i);
        sut.reestimate(due.length);
      }

      // Assert
      expect(due).toEqual([500, 1_000]);
    });

    it('only adopts a version above the one in force', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);
      sut.reestimate(7);

      // Act
      const act = () => sut.adopt(sut.estimate(), 7);

      // Assert
      expect(act).toThrow('a threshold version must be an integer above 7, got 7');
    });

    it('makes a new share due at once', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);
      feed(sut, new Rng(2), SMALL.warmup);
      const before = sut.thresholdsFor().review;

      // Act
      const changed = sut.setShare(0.05);
      sut.reestimate(100);

      // Assert
      expect(changed).toBe(true);
      expect(sut.setShare(0.05)).toBe(false);
      expect(sut.thresholdsFor().review).toBeLessThan(before);
      expect(sut.report().share).toBe(0.05);
    });
  });

  describe('restore', () => {
    it('continues from a snapshot (through JSON) exactly as the budget it was taken from', () => {
      // Prepare
      const original = new AlertBudget(SMALL, SHIPPED);
      feed(original, new Rng(3), 9_250);
      const restored = AlertBudget.restore(SMALL, SHIPPED, JSON.parse(JSON.stringify(original.snapshot())) as AlertBudgetSnapshot);

      // Act
      feed(original, new Rng(4), 3_000);
      feed(restored, new Rng(4), 3_000);

      // Assert
      expect(binsOf(restored.snapshot())).toEqual(binsOf(original.snapshot()));
      expect(restored.report()).toEqual(original.report());
      expect(restored.thresholdsFor('ATM')).toEqual(original.thresholdsFor('ATM'));
      expect(original.thresholdsFor('ATM').basis).toBe('segment');
    });

    it('refuses a snapshot of another format', () => {
      // Prepare
      const snapshot = { ...new AlertBudget(SMALL, SHIPPED).snapshot(), format: 2 } as unknown as AlertBudgetSnapshot;

      // Act
      const act = () => AlertBudget.restore(SMALL, SHIPPED, snapshot);

      // Assert
      expect(act).toThrow('alert budget snapshot format 2 is not supported');
    });
  });

  describe('the window', () => {
    it('holds between one and two epochs', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);

      // Act
      const sizes = [3_999, 4_000, 4_001, 7_999, 8_000].map((total, i, all) => {
        feed(sut, new Rng(i), total - (all[i - 1] ?? 0));
        return sut.report().transactions;
      });

      // Assert
      expect(sizes).toEqual([3_999, 4_000, 4_001, 7_999, 4_000]);
    });
  });

  describe('without a model', () => {
    it('tracks the rules’ share and hit rates, and has no thresholds', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, null);

      // Act
      for (let i = 0; i < 1_000; i++) sut.observe({ score: null, rulesFlagged: i % 50 === 0, rules: i % 50 === 0 ? ['FI-01', 'FI-01'] : [] });

      // Assert
      expect(sut.report()).toMatchObject({ thresholds: null, transactions: 1_000, scored: 0, rulesFlaggedShare: 0.02, flaggedShare: 0.02 });
      expect(sut.report().rules).toEqual([{ rule: 'FI-01', hits: 20, hitRate: 0.02, alertRate: 0.02, noisy: true }]);
      expect(() => sut.thresholdsFor()).toThrow('a budget without a model has no thresholds');
    });
  });

  describe('validation', () => {
    it.each([
      [{ share: 0 }, 'the alert budget share must be in (0, 1), got 0'],
      [{ share: 1 }, 'the alert budget share must be in (0, 1), got 1'],
      [{ blockShare: 0 }, 'the block share must be in (0, 1], got 0'],
      [{ epochSize: 1.5 }, 'epochSize must be a positive integer, got 1.5'],
      [{ warmup: 5_000 }, 'the warm-up (5000) must not exceed the epoch size (4000)'],
    ])('refuses %j', (change, message) => {
      // Act
      const act = () => new AlertBudget({ ...SMALL, ...change }, SHIPPED);

      // Assert
      expect(act).toThrow(message);
    });

    it('refuses shipped thresholds out of order, and a score outside [0, 1]', () => {
      // Prepare
      const sut = new AlertBudget(SMALL, SHIPPED);

      // Assert
      expect(() => new AlertBudget(SMALL, { review: 0.5, block: 0.4 })).toThrow('shipped thresholds must satisfy 0 < review <= block <= 1, got 0.5 and 0.4');
      expect(() => sut.observe({ score: Number.NaN, rulesFlagged: false })).toThrow('a score must be in [0, 1], got NaN');
      expect(() => sut.setShare(-0.1)).toThrow('the alert budget share must be in (0, 1), got -0.1');
    });
  });
});
