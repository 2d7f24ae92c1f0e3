import { Rng } from '@vigil/platform';

import { AlertBudget } from '../alert-budget';
import { replayAlertBudget } from '../replay-alert-budget';
import { FOREIGN, SETTINGS, SHIPPED, shareOf, stream } from './budget.fixture';

// BLOCK stops a payment, so it stays with high-confidence scores: at most a tenth of the budget
// (the top 0.1 % of scores), never below the model's own block threshold, never below REVIEW.
describe(AlertBudget.name, () => {
  describe('a population with a long tail of high scores (0.4 % above the shipped block threshold)', () => {
    const rng = new Rng(3);
    const { decisions, budget } = replayAlertBudget(SETTINGS, SHIPPED, stream(rng, { mean: -4, sd: 2 }, 100_000), { batchSize: 100 });

    it('blocks only the top tenth of the budget, and reviews the rest of it', () => {
      // Act
      const { review, block } = budget.thresholdsFor();

      // Assert
      expect(shareOf(decisions, 60_000, 'BLOCK')).toBeGreaterThan(0.0007);
      expect(shareOf(decisions, 60_000, 'BLOCK')).toBeLessThan(0.0013);
      expect(shareOf(decisions, 60_000)).toBeGreaterThan(0.0085);
      expect(shareOf(decisions, 60_000)).toBeLessThan(0.0115);
      expect(block).toBeGreaterThan(SHIPPED.block);
      expect(block).toBeGreaterThan(review);
    });
  });

  describe('a population whose scores never reach the shipped block threshold', () => {
    const rng = new Rng(4);
    const { decisions, budget } = replayAlertBudget(SETTINGS, SHIPPED, stream(rng, FOREIGN, 60_000), { batchSize: 100 });

    it('keeps the shipped block threshold and blocks nothing', () => {
      // Assert
      expect(budget.thresholdsFor().block).toBe(SHIPPED.block);
      expect(decisions).not.toContain('BLOCK');
    });
  });

  describe('a population scoring above the shipped block threshold throughout', () => {
    const rng = new Rng(5);
    const { budget } = replayAlertBudget(SETTINGS, SHIPPED, stream(rng, { mean: 3, sd: 0.5 }, 30_000), { batchSize: 100 });

    it('never puts BLOCK below REVIEW', () => {
      // Act
      const { review, block } = budget.thresholdsFor();

      // Assert
      expect(review).toBeGreaterThan(SHIPPED.block);
      expect(block).toBeGreaterThanOrEqual(review);
    });
  });
});
