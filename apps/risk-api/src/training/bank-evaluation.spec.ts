import { DEFAULT_PROMOTION_POLICY } from '../modules/models/promotion-gate';
import { Outcome } from './bank-dataset';
import { evaluateOnBank, offlineCriteria } from './bank-evaluation';

/**
 * 200 transactions: 190 never alerted, then 4 FRAUD (structuring, structuring, mule, model-only),
 * 4 LEGIT, an escalated alert and an open one.
 */
function rows() {
  const outcome = new Uint8Array(200).fill(Outcome.Unlabelled);
  const typology: (string | null)[] = Array(200).fill(null);
  [
    [190, Outcome.Fraud, 'structuring'],
    [191, Outcome.Fraud, 'structuring'],
    [192, Outcome.Fraud, 'mule_pass_through'],
    [193, Outcome.Fraud, 'model-only'],
    [194, Outcome.Legit],
    [195, Outcome.Legit],
    [196, Outcome.Legit],
    [197, Outcome.Legit],
    [198, Outcome.Escalated],
    [199, Outcome.AlertOpen],
  ].forEach(([row, o, t]) => {
    outcome[row as number] = o as number;
    typology[row as number] = (t as string | undefined) ?? null;
  });
  return { rows: 200, outcome, typology };
}

/** Score = rank among the given rows, highest first; the rest 0.01. */
function scoresRanking(order: number[]): Float64Array {
  const scores = new Float64Array(200).fill(0.01);
  order.forEach((row, i) => (scores[row] = 0.99 - i * 0.01));
  return scores;
}

describe(evaluateOnBank.name, () => {
  it('flags the budget’s share of its own distribution and judges the labelled alerts among them', () => {
    // 2 % of 200 = 4 alerts: two structuring FRAUD, one LEGIT, the escalated one.
    const scores = scoresRanking([190, 194, 191, 198, 192, 193]);

    const report = evaluateOnBank('challenger', 2, scores, rows(), 0.02, 0.5);

    expect(report.atBudget).toEqual({ threshold: scores[198], alerts: 4, alertShare: 0.02, labelledAlerts: 3, fraudAlerts: 2, precision: 2 / 3, recall: 0.5 });
    expect(report.served).toEqual({ threshold: 0.5, alertShare: 6 / 200 });
    expect(report.perTypology).toEqual([
      { typology: 'model-only', positives: 1, caught: 0, recall: 0 },
      { typology: 'mule_pass_through', positives: 1, caught: 0, recall: 0 },
      { typology: 'structuring', positives: 2, caught: 2, recall: 1 },
    ]);
  });

  it('leaves escalated and open alerts out of PR-AUC: their outcome is unknown', () => {
    // The escalated and open alerts rank first; a perfect ranking of what is known remains.
    const scores = scoresRanking([198, 199, 190, 191, 192, 193]);

    expect(evaluateOnBank('challenger', 2, scores, rows(), 0.01, 0.5).prAuc).toBe(1);
  });

  it('has no PR-AUC, precision or recall to report without labels', () => {
    const unlabelled = { rows: 10, outcome: new Uint8Array(10), typology: Array(10).fill(null) };

    const report = evaluateOnBank('champion', 1, new Float64Array(10).fill(0.2), unlabelled, 0.1, 0.5);

    expect([report.prAuc, report.atBudget.precision, report.atBudget.recall, report.perTypology]).toEqual([null, null, null, []]);
  });
});

describe(offlineCriteria.name, () => {
  const policy = { ...DEFAULT_PROMOTION_POLICY, budget: 0.02 };
  const champion = evaluateOnBank('champion', 1, scoresRanking([190, 191, 192, 194]), rows(), 0.02, 0.9);

  it('meets every criterion when it catches as much, as precisely, within the budget', () => {
    const challenger = evaluateOnBank('challenger', 2, scoresRanking([190, 191, 192, 193]), rows(), 0.02, 0.9);

    const criteria = offlineCriteria(challenger, champion, policy);

    expect(criteria.filter((c) => !c.met)).toEqual([]);
    expect(criteria.map((c) => c.criterion)).toEqual([
      'model-only: recall at the budget not worse than the champion\'s by more than 5.0 %',
      'mule_pass_through: recall at the budget not worse than the champion\'s by more than 5.0 %',
      'structuring: recall at the budget not worse than the champion\'s by more than 5.0 %',
      'precision on labelled alerts at the budget not worse than the champion\'s by more than 0.0 %',
      'PR-AUC not worse than the champion\'s by more than 0.02',
      'its REVIEW threshold alerts at most 3.0 % (1.5× the 2.0 % budget)',
    ]);
  });

  it('fails a typology it catches less of, worse precision, and a threshold that overruns the budget', () => {
    // Misses the mule, alerts two LEGIT, and its REVIEW threshold (0.005) alerts every transaction.
    const challenger = evaluateOnBank('challenger', 2, scoresRanking([190, 191, 194, 195]), rows(), 0.02, 0.005);

    const unmet = offlineCriteria(challenger, champion, policy).filter((c) => !c.met);

    expect(unmet.map((c) => c.criterion.split(':')[0].split(' ')[0])).toEqual(['mule_pass_through', 'precision', 'PR-AUC', 'its']);
    expect(unmet[0].detail).toBe('0.0 % (0/1) vs 100.0 % (1/1)');
  });

  it('meets the comparisons with no champion, but still needs labelled alerts and the budget', () => {
    const challenger = evaluateOnBank('challenger', 2, scoresRanking([198, 199, 190, 191]), rows(), 0.01, 0.9);

    const criteria = offlineCriteria(challenger, null, policy);

    expect(criteria.filter((c) => !c.met).map((c) => c.criterion.split(' ')[0])).toEqual(['precision']);
  });
});
