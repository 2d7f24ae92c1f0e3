import { comparisonReport, renderComparison } from './model-comparison';

const subject = { model: 'risk', champion: { version: 1, reviewThreshold: 0.5 }, challenger: { version: 2, reviewThreshold: 0.6 }, window: { from: '2026-11-01T00:00:00Z', to: null }, budget: 0.01 };

describe(comparisonReport.name, () => {
  it('derives agreement, shares and labelled outcomes from the counts', () => {
    const report = comparisonReport(subject, {
      scored: 1000,
      championThreshold: 0.9,
      challengerThreshold: 0.7,
      both: 6,
      championOnly: 4,
      challengerOnly: 3,
      championServed: 20,
      challengerServed: 12,
      fraud: 8,
      legit: 12,
      championFraudAlerts: 4,
      championLegitAlerts: 4,
      challengerFraudAlerts: 6,
      challengerLegitAlerts: 0,
    });

    expect(report.scoredByBoth).toBe(1000);
    expect(report.atBudget).toEqual({
      champion: { threshold: 0.9, alerts: 10, alertShare: 0.01 },
      challenger: { threshold: 0.7, alerts: 9, alertShare: 0.009 },
      agreement: { both: 6, neither: 987, championOnly: 4, challengerOnly: 3, rate: 0.993 },
    });
    expect(report.served).toEqual({ champion: { alerts: 20, alertShare: 0.02 }, challenger: { alerts: 12, alertShare: 0.012 } });
    expect(report.labelled).toEqual({
      fraud: 8,
      legit: 12,
      champion: { alerts: 8, fraudAlerts: 4, precision: 0.5, recall: 0.5 },
      challenger: { alerts: 6, fraudAlerts: 6, precision: 1, recall: 0.75 },
    });
  });

  it('answers with no pairs without dividing by zero', () => {
    const empty = { scored: 0, championThreshold: null, challengerThreshold: null, both: 0, championOnly: 0, challengerOnly: 0, championServed: 0, challengerServed: 0, fraud: 0, legit: 0, championFraudAlerts: 0, championLegitAlerts: 0, challengerFraudAlerts: 0, challengerLegitAlerts: 0 };

    const report = comparisonReport(subject, empty);

    expect(report.atBudget.agreement.rate).toBeNull();
    expect(report.atBudget.champion).toEqual({ threshold: null, alerts: 0, alertShare: 0 });
    expect(report.labelled.challenger).toEqual({ alerts: 0, fraudAlerts: 0, precision: null, recall: null });
    expect(renderComparison(report, '2026-11-10T00:00:00Z', 'admin')).toContain('Transactions scored by both: 0.');
  });
});
