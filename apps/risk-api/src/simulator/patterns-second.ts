import { HOUR, MINUTE } from './model';
import { DecoyParams, PatternParams } from './patterns';

/**
 * The second bank's pattern parameters, amounts in PLN. The same eleven patterns as the first bank,
 * set independently: slower layering over a day and a half, longer cycles, four-layer stacks with
 * narrow layers, unequal gather-scatter sides, domestic mules cashing out at several ATMs, cash
 * structuring at deposit machines and branches over two days, takeovers paying new accounts at home
 * from the mobile app, and card testing on one or two shops over most of an hour.
 */
export const SECOND_PATTERNS: PatternParams = {
  fanOut: { locals: [4, 8], foreign: [0, 2], highRisk: 0.4, median: 8000, within: 16 * HOUR },
  fanIn: { sources: [7, 14], median: 3800, within: 20 * HOUR },
  cycle: { hops: [4, 8], median: 42_000, kept: [0.97, 0.995], gap: [HOUR, 4 * HOUR] },
  bipartite: { sides: [[2, 3], [2, 4]], median: 12_000, within: 20 * HOUR },
  stack: { layers: 4, size: [1, 3], median: 20_000, slot: 9 * HOUR, within: 7 * HOUR, decay: 0.02 },
  scatterGather: { middle: [3, 6], median: 15_000, out: [0, 8 * HOUR], back: [12 * HOUR, 32 * HOUR], kept: [0.9, 0.97] },
  gatherScatter: { sources: [5, 9], sinks: [2, 4], median: 6000, gather: [0, 10 * HOUR], scatter: [14 * HOUR, 34 * HOUR], kept: 0.93 },
  structuring: { deposits: [4, 8], within: 30 * HOUR, below: [500, 150_000], cash: 0.7, depositChannels: ['ATM', 'BRANCH'], highRisk: 0.2 },
  mule: {
    locals: [2, 4],
    foreignPayers: 0,
    payerHighRisk: 0,
    median: 3500,
    within: 6 * HOUR,
    delay: [HOUR, 8 * HOUR],
    kept: [0.05, 0.15],
    cash: 0.5,
    cashLegs: [2, 3],
    cashGap: [10 * MINUTE, 2 * HOUR],
    legs: [1, 2],
    legGap: [5 * MINUTE, 2 * HOUR],
    highRisk: 0.5,
  },
  takeover: { transfers: [1, 3], within: 2 * HOUR, minimum: 3500, incomes: [0.6, 2.5], domestic: 0.5, highRisk: 0.3, online: 0.2 },
  cardTesting: { probes: [6, 14], within: 45 * MINUTE, tiny: [100, 499], shops: [1, 2], purchase: 0.6, delay: [5 * MINUTE, HOUR], amount: [800, 4000] },
};

export const SECOND_DECOYS: DecoyParams = {
  payroll: { staff: [6, 30], within: 2 * HOUR, median: 6500, sigma: 0.25 },
  supplierPayments: { suppliers: [5, 12], within: 4 * HOUR, median: 18_000, sigma: 0.9 },
  crowdfunding: { donors: [15, 45], within: 30 * HOUR, amount: [20, 300], mobile: 0.8 },
  bigPurchase: { within: 10 * HOUR, amount: [25_000, 160_000] },
};

/** Every instance of the second bank's patterns and decoys fits in this span: runs need at least two days to hold them whole. */
export const SECOND_MAX_INSTANCE_SPAN = 36 * HOUR;
