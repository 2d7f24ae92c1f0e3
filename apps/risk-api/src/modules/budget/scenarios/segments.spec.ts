import { Rng } from '@vigil/platform';

import { AlertBudget } from '../alert-budget';
import { replayAlertBudget, ReplayedTransaction } from '../replay-alert-budget';
import { FOREIGN, HOME, SETTINGS, SHIPPED, shareOf, stream } from './budget.fixture';

// ATM withdrawals score higher than online payments by nature. One global threshold sends the
// ATM channel most of the alerts; per-channel thresholds hold the budget in each channel (and so
// overall), and a channel too small to estimate borrows the global thresholds.
describe(AlertBudget.name, () => {
  const rng = new Rng(11);
  const online = stream(rng, HOME, 1_000_000);
  const atm = stream(rng, FOREIGN, 1_000_000);
  const transactions: ReplayedTransaction[] = [];
  for (let i = 0; i < 100_000; i++) {
    const channel = rng.chance(0.01) ? 'BRANCH' : rng.chance(0.3) ? 'ATM' : 'ONLINE';
    const next = (channel === 'ATM' ? atm : online).next().value as ReplayedTransaction;
    transactions.push({ ...next, segment: channel });
  }
  const tail = (decisions: string[], channel: string) => decisions.map((d, i) => ({ d, i })).filter(({ i }) => i >= 60_000 && transactions[i].segment === channel);
  const share = (decisions: string[], channel: string) => shareOf(tail(decisions, channel).map(({ d }) => d as never));

  describe('segmented by channel', () => {
    const { decisions, budget } = replayAlertBudget(SETTINGS, SHIPPED, transactions, { batchSize: 100 });

    it('holds the budget in each warmed-up channel and overall', () => {
      // Assert
      for (const channel of ['ONLINE', 'ATM']) {
        expect(share(decisions, channel)).toBeGreaterThan(0.0085);
        expect(share(decisions, channel)).toBeLessThan(0.0115);
        expect(budget.thresholdsFor(channel).basis).toBe('segment');
      }
      expect(shareOf(decisions, 60_000)).toBeGreaterThan(0.0085);
      expect(shareOf(decisions, 60_000)).toBeLessThan(0.0115);
    });

    it('gives a channel still warming up the global thresholds', () => {
      // Act
      const branch = budget.thresholdsFor('BRANCH');

      // Assert
      expect(budget.report().segments.BRANCH.scored).toBeLessThan(SETTINGS.warmup);
      expect(branch).toEqual(budget.thresholdsFor());
      expect(branch.basis).toBe('window');
    });
  });

  describe('not segmented', () => {
    const { decisions } = replayAlertBudget(
      SETTINGS,
      SHIPPED,
      transactions.map(({ segment: _segment, ...tx }) => tx),
      { batchSize: 100 },
    );

    it('holds the budget overall, but the ATM channel takes most of it', () => {
      // Assert
      expect(shareOf(decisions, 60_000)).toBeGreaterThan(0.0085);
      expect(shareOf(decisions, 60_000)).toBeLessThan(0.0115);
      expect(share(decisions, 'ATM')).toBeGreaterThan(0.022);
      expect(share(decisions, 'ONLINE')).toBeLessThan(0.004);
    });
  });
});
