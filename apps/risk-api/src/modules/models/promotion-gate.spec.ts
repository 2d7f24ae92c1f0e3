import { comparisonReport, type ComparisonCounts } from './model-comparison';
import { type CardForGate, DEFAULT_PROMOTION_POLICY, promotionRefusals } from './promotion-gate';

const policy = { ...DEFAULT_PROMOTION_POLICY, minShadowScored: 1000, minLabelledAlerts: 10 };
const challengerCard: CardForGate = {
  criteria: [{ criterion: 'PR-AUC not worse', met: true, detail: '0.8 vs 0.7' }],
  promotion: { policy, comparedWith: { name: 'risk', version: 1 } },
};
const counts: ComparisonCounts = {
  scored: 2000,
  championThreshold: 0.9,
  challengerThreshold: 0.8,
  both: 15,
  championOnly: 5,
  challengerOnly: 5,
  championServed: 30,
  challengerServed: 20,
  fraud: 12,
  legit: 30,
  championFraudAlerts: 8,
  championLegitAlerts: 4,
  challengerFraudAlerts: 10,
  challengerLegitAlerts: 2,
};
const live = (change: Partial<ComparisonCounts> = {}) =>
  comparisonReport(
    { model: 'risk', champion: { version: 1, reviewThreshold: 0.5 }, challenger: { version: 2, reviewThreshold: 0.6 }, window: { from: null, to: null }, budget: 0.01 },
    { ...counts, ...change },
  );

describe(promotionRefusals.name, () => {
  it('lets the first champion through: there is nothing to compare it with', () => {
    expect(promotionRefusals({ name: 'risk', version: 1, card: undefined, champion: undefined, live: undefined })).toEqual([]);
  });

  it('lets a challenger through that met its card and ran long enough in shadow within the budget', () => {
    expect(promotionRefusals({ name: 'risk', version: 2, card: challengerCard, champion: 1, live: live() })).toEqual([]);
  });

  it('refuses a version without a card', () => {
    expect(promotionRefusals({ name: 'risk', version: 2, card: undefined, champion: 1, live: undefined })).toEqual(['risk@2 has no card.json: nothing shows it fit to replace the champion']);
  });

  it("judges a simulated run's card on its criteria alone", () => {
    const card: CardForGate = { criteria: [{ criterion: 'every pattern caught', met: false, detail: 'weakest: cycle 50 %' }] };

    expect(promotionRefusals({ name: 'risk', version: 2, card, champion: 1, live: undefined })).toEqual(['card criterion not met: every pattern caught (weakest: cycle 50 %)']);
  });

  it('lists every reason: unmet criteria, another champion, too short a shadow, too many alerts, worse live precision', () => {
    const card: CardForGate = { ...challengerCard, criteria: [{ criterion: 'cycle: recall not worse', met: false, detail: '0 % vs 100 %' }] };
    const report = live({ scored: 500, challengerServed: 10, challengerFraudAlerts: 5, challengerLegitAlerts: 10 });

    const reasons = promotionRefusals({ name: 'risk', version: 2, card, champion: 3, live: report });

    expect(reasons).toEqual([
      'card criterion not met: cycle: recall not worse (0 % vs 100 %)',
      'its card compares it with risk@1, but the champion is risk@3: train a challenger against it',
      '500 transactions scored in shadow beside risk@3; the card asks for at least 1000',
      'in shadow its REVIEW threshold alerted 2.00 % of transactions, above 1.50 % (1.5× the 1.00 % budget)',
      'in shadow its precision on labelled alerts is 33.33 %, the champion\'s 66.67 %',
    ]);
  });

  it('does not judge live precision on fewer labelled alerts than the policy asks for', () => {
    const report = live({ challengerFraudAlerts: 1, challengerLegitAlerts: 3 });

    expect(promotionRefusals({ name: 'risk', version: 2, card: challengerCard, champion: 1, live: report })).toEqual([]);
  });
});
