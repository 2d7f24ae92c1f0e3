import { Transaction } from '@vigil/contracts';

import { FeatureEngine } from './feature-engine';
import { FEATURE_NAMES, FeatureName, FeatureVector, toModelInput } from './feature-names';
import { syntheticHistory } from './testing/synthetic-history';
import { T0, tx } from './testing/transaction-builder';
import { DAY, HOUR, MINUTE, SECOND, utcHour } from './windows/durations';

describe(FeatureEngine.name, () => {
  describe('the vector', () => {
    it('has every feature, in FEATURE_NAMES order, as a finite number', () => {
      const sut = new FeatureEngine();

      const features = sut.process(tx({ ts: T0, device: 'D-1' }));

      expect(Object.keys(features)).toEqual(FEATURE_NAMES);
      expect(Object.values(features).every(Number.isFinite)).toBe(true);
    });

    it('lays out as a model input row in the same order', () => {
      const sut = new FeatureEngine();
      const features = sut.process(tx({ ts: T0, amount: 42 }));

      const row = toModelInput(features);

      expect(row).toHaveLength(FEATURE_NAMES.length);
      expect(row[FEATURE_NAMES.indexOf('tx_amount')]).toBe(42);
    });
  });

  describe('window boundaries', () => {
    it.each([
      { feature: 'orig_count_1m', window: MINUTE },
      { feature: 'orig_count_1h', window: HOUR },
      { feature: 'orig_count_24h', window: DAY },
      { feature: 'orig_count_7d', window: 7 * DAY },
      { feature: 'orig_count_30d', window: 30 * DAY },
    ] as { feature: FeatureName; window: number }[])('$feature: an event exactly one window before is out, 1 ms later is in', ({ feature, window }) => {
      // Prepare
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0 - window }));
      sut.process(tx({ ts: T0 - window + 1 }));

      // Act
      const features = sut.process(tx({ ts: T0 }));

      // Assert
      expect(features[feature]).toBe(2);
    });
  });

  describe('late and simultaneous events', () => {
    it('scores a late event against the events up to its own time only', () => {
      // Prepare: A-1 paid 100.00 at 12:00 and 5 000.00 at 12:10 and 12:20; 12:05 arrives last.
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0, amount: 100 }));
      sut.process(tx({ ts: T0 + 10 * MINUTE, to: 'B-2', amount: 5000 }));
      sut.process(tx({ ts: T0 + 20 * MINUTE, to: 'B-3', amount: 5000 }));

      // Act
      const late = sut.process(tx({ ts: T0 + 5 * MINUTE, to: 'B-2', amount: 100 }));

      // Assert: only 12:00 is history for 12:05.
      expect(late).toMatchObject({
        orig_count_1h: 2,
        orig_sum_1h: 200,
        orig_secs_since_last: 300,
        orig_amount_ratio_max_30d: 1,
        orig_fan_out_24h: 2,
        orig_new_beneficiary: 1,
        pair_count_24h: 1,
      });
    });

    it('lets later events see the late one, in time order', () => {
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0 }));
      sut.process(tx({ ts: T0 + 10 * MINUTE }));
      sut.process(tx({ ts: T0 + 5 * MINUTE, amount: 7 }));

      const next = sut.process(tx({ ts: T0 + 12 * MINUTE }));

      expect(next).toMatchObject({ orig_count_1h: 4, orig_sum_1h: 307, orig_secs_since_last: 120 });
    });

    it('counts equal timestamps processed before, not after', () => {
      const sut = new FeatureEngine();

      const first = sut.process(tx({ ts: T0 }));
      const second = sut.process(tx({ ts: T0 }));
      sut.process(tx({ ts: T0 + 1 }));
      const lateTwin = sut.process(tx({ ts: T0 }));

      expect([first.orig_count_1m, second.orig_count_1m, lateTwin.orig_count_1m]).toEqual([1, 2, 3]);
      expect([first.orig_secs_since_last, second.orig_secs_since_last]).toEqual([180 * 86_400, 0]);
    });

    it('never lets a later-processed, earlier-timestamped sighting make an id "seen" for an earlier event', () => {
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0 + HOUR, to: 'B-2', device: 'D-2' }));

      const earlier = sut.process(tx({ ts: T0, to: 'B-2', device: 'D-2' }));
      const later = sut.process(tx({ ts: T0 + 2 * HOUR, to: 'B-2', device: 'D-2' }));

      expect([earlier.orig_new_beneficiary, earlier.orig_new_device]).toEqual([1, 1]);
      expect([later.orig_new_beneficiary, later.orig_new_device]).toEqual([0, 0]);
    });

    it('matches a brute-force reference on a shuffled history with patterns', () => {
      // Prepare: up to 6 h late, within the 1 d allowed lateness, so every feature is exact.
      const history = syntheticHistory({ seed: 3, transactions: 900, accounts: 60, start: T0, days: 20, lateShare: 0.25, maxLatenessMs: 6 * HOUR, patterns: 8 });
      const sut = new FeatureEngine();

      // Act
      const actual = history.map((event) => sut.process(event));

      // Assert
      const expected = history.map((_, i) => referenceFeatures(history, i));
      history.forEach((_, i) => {
        for (const [name, value] of Object.entries(expected[i]) as [FeatureName, number][]) {
          if (Math.abs(actual[i][name] - value) > 1e-9 * Math.max(1, Math.abs(value))) {
            throw new Error(`event ${i} (${history[i].txId}): ${name} = ${actual[i][name]}, reference ${value}`);
          }
        }
      });
      expect(actual.some((features) => features.pair_cycle_length_7d > 0)).toBe(true);
    });

    it('matches a brute-force reference for roles and baselines on a shuffled history with hubs', () => {
      // Prepare: 50 days, so that payroll recurs and the lagged role window fills.
      const history = syntheticHistory({ seed: 9, transactions: 600, accounts: 40, start: T0, days: 50, lateShare: 0.2, maxLatenessMs: 6 * HOUR, patterns: 3, hubs: 1 });
      const sut = new FeatureEngine();

      // Act
      const actual = history.map((event) => sut.process(event));

      // Assert
      history.forEach((_, i) => {
        for (const [name, value] of Object.entries(referenceRoleFeatures(history, i)) as [FeatureName, number][]) {
          if (Math.abs(actual[i][name] - value) > 1e-9 * Math.max(1, Math.abs(value))) {
            throw new Error(`event ${i} (${history[i].txId}): ${name} = ${actual[i][name]}, reference ${value}`);
          }
        }
      });
      for (const hub of ['bene_hub_35d', 'orig_hub_35d', 'bene_payroll_score_35d'] as const) expect(actual.some((features) => features[hub] > 0)).toBe(true);
    });
  });

  describe('retention', () => {
    it('keeps no windowed event older than 35 d + the allowed lateness, and drops idle entities', () => {
      // Prepare: five accounts pay every day for 120 days, then only A-0 goes on for 200 more.
      const sut = new FeatureEngine({ allowedLatenessMs: DAY });
      for (let day = 0; day < 120; day++) for (let a = 0; a < 5; a++) sut.observe(tx({ ts: T0 + day * DAY + a * MINUTE, from: `A-${a}`, to: `B-${a}` }));
      const busy = sut.stats();
      for (let day = 120; day < 320; day++) sut.observe(tx({ ts: T0 + day * DAY, from: 'A-0', to: 'B-0' }));

      // Act
      sut.prune();

      // Assert: at most 36 d of 5 daily payments, each in an outgoing and an incoming log; at the end
      // only A-0 → B-0 is left: 36 payments, 2 accounts, A-0's one beneficiary and one country pair.
      expect(busy.events).toBeLessThanOrEqual(2 * 5 * 37);
      expect(sut.stats()).toMatchObject({ events: 2 * 36, accounts: 2, remembered: 2 });
    });

    it('forgets a beneficiary and the last payment 180 d after they were last seen', () => {
      const remembers = new FeatureEngine();
      const forgets = new FeatureEngine();
      remembers.process(tx({ ts: T0 }));
      forgets.process(tx({ ts: T0 }));

      const after179 = remembers.process(tx({ ts: T0 + 179 * DAY }));
      const after180 = forgets.process(tx({ ts: T0 + 180 * DAY }));

      expect(after179).toMatchObject({ orig_new_beneficiary: 0, orig_new_account: 0, orig_dormancy_days: 179, orig_dormant_90d: 1 });
      expect(after180).toMatchObject({ orig_new_beneficiary: 1, orig_new_account: 1, orig_dormancy_days: 0, orig_dormant_90d: 0 });
    });

    it('starts a forgotten id afresh when it comes back, also for a late event before its return', () => {
      // Prepare: A-1 paid B-1 at T0, was forgotten, and paid B-1 again 200 d later.
      const sut = new FeatureEngine();
      sut.process(tx({ ts: T0, device: 'D-1' }));
      sut.process(tx({ ts: T0 + 200 * DAY, device: 'D-1' }));

      // Act: an event from 1 h before the return arrives late.
      const late = sut.process(tx({ ts: T0 + 200 * DAY - HOUR, device: 'D-1' }));

      // Assert: the only sighting before it is forgotten.
      expect(late).toMatchObject({ orig_new_beneficiary: 1, orig_new_device: 1, orig_new_account: 1, orig_dormancy_days: 0 });
    });

    it('gives the same features whenever pruning runs, also for events later than allowed', () => {
      // Prepare: up to 3 d late while only 1 d is allowed; one engine prunes after every event.
      const history = syntheticHistory({ seed: 11, transactions: 2000, accounts: 80, start: T0, days: 75, lateShare: 0.1, maxLatenessMs: 3 * DAY, patterns: 10, hubs: 1 });
      const pruning = new FeatureEngine();
      const lazy = new FeatureEngine();

      // Act
      const pruned = history.map((event) => {
        const features = pruning.process(event);
        pruning.prune();
        return features;
      });
      const unpruned = history.map((event) => lazy.process(event));

      // Assert
      expect(pruned).toEqual(unpruned);
      expect(pruning.stats().events).toBeLessThan(lazy.stats().events);
    });

    it('scores an event later than the allowed lateness against the retained history only', () => {
      // Prepare: the watermark is 40 d after T0; with 1 d lateness the logs keep 31 d.
      const sut = new FeatureEngine({ allowedLatenessMs: DAY });
      sut.process(tx({ ts: T0 }));
      sut.process(tx({ ts: T0 + 40 * DAY, from: 'A-2' }));

      // Act: 39 d late.
      const tooLate = sut.process(tx({ ts: T0 + HOUR }));

      // Assert: the T0 payment is gone from the windows, but still remembered (180 d).
      expect(tooLate).toMatchObject({ orig_count_24h: 1, orig_new_beneficiary: 0, orig_secs_since_last: 3600 });
    });
  });

  describe('configuration', () => {
    it('flags the configured high-risk countries instead of the default list', () => {
      const sut = new FeatureEngine({ highRiskCountries: ['NL'] });

      const toNl = sut.process(tx({ ts: T0, toCountry: 'NL' }));
      const toIr = sut.process(tx({ ts: T0 + 1, toCountry: 'IR' }));

      expect([toNl.tx_high_risk_country, toIr.tx_high_risk_country]).toEqual([1, 0]);
    });

    it('uses the configured reporting threshold and margin', () => {
      // 5 000.00 with 20 %: just below is [4 000.00, 5 000.00).
      const sut = new FeatureEngine({ reportingThresholdMinor: 500_000, justBelowMarginPercent: 20 });

      const values = [3999.99, 4000, 4999.99, 5000, 9500].map((amount, i) => sut.process(tx({ ts: T0 + i * MINUTE, amount })));

      expect(values.map((features) => features.tx_just_below_threshold)).toEqual([0, 1, 1, 0, 0]);
      expect(values[4].orig_just_below_count_24h).toBe(2);
    });

    it('uses the configured tiny-amount limit and round-amount unit', () => {
      const sut = new FeatureEngine({ tinyAmountLimitMinor: 1000, roundAmountUnitMinor: 5000 });

      const features = [9.99, 150, 500].map((amount, i) => sut.process(tx({ ts: T0 + i * SECOND, amount })));

      expect(features.map((f) => [f.orig_tiny_count_1m, f.tx_round_amount, f.tx_round_amount_x10])).toEqual([
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
      ]);
    });

    it('gives up a cycle search past its edge budget', () => {
      const history = [tx({ ts: T0 - 2 * DAY, from: 'B', to: 'X' }), tx({ ts: T0 - DAY, from: 'X', to: 'A' })];
      const generous = new FeatureEngine();
      const stingy = new FeatureEngine({ cycleSearchBudget: 1 });
      history.forEach((event) => [generous, stingy].forEach((engine) => engine.process(event)));

      const found = generous.process(tx({ ts: T0, from: 'A', to: 'B' }));
      const missed = stingy.process(tx({ ts: T0, from: 'A', to: 'B' }));

      expect([found.pair_cycle_length_7d, missed.pair_cycle_length_7d]).toEqual([3, 0]);
    });

    it('keeps the default for an override left undefined', () => {
      const sut = new FeatureEngine({ reportingThresholdMinor: undefined });

      const features = sut.process(tx({ ts: T0, amount: 9500 }));

      expect(features.tx_just_below_threshold).toBe(1);
    });

    it('refuses an invalid configuration, naming every bad field', () => {
      const build = (): FeatureEngine =>
        new FeatureEngine({ reportingThresholdMinor: 10.5, justBelowMarginPercent: 120, tinyAmountLimitMinor: 0, highRiskCountries: ['iran'], noveltyRetentionMs: DAY });

      expect(build).toThrow(RangeError);
      expect(build).toThrow(/reportingThresholdMinor.*justBelowMarginPercent.*noveltyRetentionMs.*highRiskCountries/);
      expect(build).toThrow(/tinyAmountLimitMinor/);
    });
  });

  it('builds the same state with observe as with process', () => {
    const history = syntheticHistory({ seed: 5, transactions: 300, accounts: 20, start: T0, days: 40, lateShare: 0.1, maxLatenessMs: HOUR, patterns: 2, hubs: 1 });
    const processed = new FeatureEngine();
    const observed = new FeatureEngine();
    history.forEach((event) => processed.process(event));
    history.forEach((event) => observed.observe(event));
    const next = tx({ ts: T0 + 40 * DAY, from: history[0].originator.account, to: history[0].beneficiary.account });

    const [a, b] = [processed.process(next), observed.process(next)];

    expect(b).toEqual(a);
    expect(observed.stats()).toEqual(processed.stats());
  });
});

/**
 * The definitions of docs/features.md computed the slow, obvious way: scan every event processed
 * before `index` with ts <= t. Valid while no event is later than the allowed lateness.
 */
function referenceFeatures(history: readonly Transaction[], index: number): Partial<FeatureVector> {
  const current = history[index];
  const t = current.ts;
  const o = current.originator.account;
  const b = current.beneficiary.account;
  const amount = current.amountMinor;
  const past = history.slice(0, index).filter((event) => event.ts <= t);
  const within = (window: number) => (event: Transaction) => event.ts > t - window;
  const sumMajor = (events: Transaction[]) => events.reduce((sum, event) => sum + event.amountMinor, 0) / 100;
  const out = past.filter((event) => event.originator.account === o);
  const into = (account: string) => past.filter((event) => event.beneficiary.account === account);
  const distinct = (values: string[]) => new Set(values).size;
  const w = { m1: MINUTE, h1: HOUR, h24: DAY, d7: 7 * DAY, d30: 30 * DAY };

  const out30 = out.filter(within(w.d30)).map((event) => event.amountMinor);
  const n = out30.length;
  const mean = out30.reduce((s, x) => s + x, 0) / n;
  const std = Math.sqrt(out30.reduce((s, x) => s + (x - mean) ** 2, 0) / n);
  const last = Math.max(...out.map((event) => event.ts));
  const lastIn = Math.max(...into(o).map((event) => event.ts));
  const inSum = sumMajor(into(o).filter(within(w.h24)));
  const justBelow = (event: Transaction) => event.amountMinor >= 900_000 && event.amountMinor < 1_000_000;
  const hour = utcHour(t);
  const device = current.device;

  const reference: Partial<FeatureVector> = {
    orig_count_1m: out.filter(within(w.m1)).length + 1,
    orig_count_1h: out.filter(within(w.h1)).length + 1,
    orig_count_24h: out.filter(within(w.h24)).length + 1,
    orig_count_7d: out.filter(within(w.d7)).length + 1,
    orig_count_30d: n + 1,
    orig_sum_1m: sumMajor(out.filter(within(w.m1))) + amount / 100,
    orig_sum_24h: sumMajor(out.filter(within(w.h24))) + amount / 100,
    orig_sum_30d: sumMajor(out.filter(within(w.d30))) + amount / 100,
    bene_count_24h: into(b).filter(within(w.h24)).length + 1,
    bene_sum_7d: sumMajor(into(b).filter(within(w.d7))) + amount / 100,
    pair_count_30d: out.filter((event) => event.beneficiary.account === b).filter(within(w.d30)).length + 1,
    pair_sum_24h: sumMajor(out.filter((event) => event.beneficiary.account === b).filter(within(w.h24))) + amount / 100,
    orig_amount_avg_30d: n > 0 ? mean / 100 : 0,
    orig_amount_zscore_30d: n >= 2 && std > 0 ? (amount - mean) / std : 0,
    orig_amount_ratio_max_30d: n > 0 ? amount / Math.max(...out30) : 0,
    orig_amount_pct_30d: n > 0 ? (out30.filter((x) => x < amount).length + out30.filter((x) => x === amount).length / 2) / n : 0.5,
    orig_new_beneficiary: out.some((event) => event.beneficiary.account === b) ? 0 : 1,
    orig_new_account: past.some((event) => event.originator.account === o || event.beneficiary.account === o) ? 0 : 1,
    bene_new_account: past.some((event) => event.originator.account === b || event.beneficiary.account === b) ? 0 : 1,
    orig_just_below_count_7d: out.filter(within(w.d7)).filter(justBelow).length + (justBelow(current) ? 1 : 0),
    orig_tiny_count_1h: out.filter(within(w.h1)).filter((event) => event.amountMinor < 500).length + (amount < 500 ? 1 : 0),
    orig_secs_since_last: out.length > 0 ? (t - last) / 1000 : 180 * 86_400,
    orig_hour_unusualness_30d: 1 - (out.filter(within(w.d30)).filter((event) => utcHour(event.ts) === hour).length + 1) / (n + 24),
    orig_fan_out_7d: distinct([...out.filter(within(w.d7)).map((event) => event.beneficiary.account), b]),
    bene_fan_in_24h: distinct([...into(b).filter(within(w.h24)).map((event) => event.originator.account), o]),
    orig_fan_in_7d: distinct(into(o).filter(within(w.d7)).map((event) => event.originator.account)),
    orig_pass_through_24h: inSum > 0 ? (sumMajor(out.filter(within(w.h24))) + amount / 100) / inSum : 0,
    orig_secs_since_last_in: Number.isFinite(lastIn) ? Math.min(t - lastIn, 7 * DAY) / 1000 : 7 * 86_400,
    pair_cycle_length_7d: referenceCycle(past.filter(within(w.d7)), o, b),
  };
  if (device) {
    const byDevice = past.filter((event) => event.device?.id === device.id);
    reference.device_count_1h = byDevice.filter(within(w.h1)).length + 1;
    reference.ip_count_24h = past.filter((event) => event.device?.ip === device.ip).filter(within(w.h24)).length + 1;
    reference.device_distinct_orig_24h = distinct([...byDevice.filter(within(w.h24)).map((event) => event.originator.account), o]);
    reference.orig_new_device = out.some((event) => event.device?.id === device.id) ? 0 : 1;
    reference.ip_new = past.some((event) => event.device?.ip === device.ip) ? 0 : 1;
  }
  return reference;
}

/**
 * The roles and baselines of docs/features.md, the slow, obvious way (same validity as above; no
 * account is idle long enough to be forgotten).
 */
function referenceRoleFeatures(history: readonly Transaction[], index: number): Partial<FeatureVector> {
  const current = history[index];
  const t = current.ts;
  const o = current.originator.account;
  const b = current.beneficiary.account;
  const amount = current.amountMinor;
  const processed = history.slice(0, index);
  const past = processed.filter((event) => event.ts <= t);
  const inWindow = (from: number, to: number) => (event: Transaction) => event.ts > from && event.ts <= to;
  const isTransfer = (event: Transaction) => event.type === 'TRANSFER' && !event.merchant;
  const isCash = (event: Transaction, type: string) =>
    event.type === type && ['ATM', 'BRANCH'].includes(event.channel) && event.originator.account !== event.beneficiary.account;
  const distinct = (values: string[]) => new Set(values).size;
  const roles = (x: string) => {
    const received = past.filter((event) => event.beneficiary.account === x).filter(inWindow(t - 30 * DAY, t));
    const sent = past.filter((event) => event.originator.account === x).filter(inWindow(t - 30 * DAY, t));
    const lagged = inWindow(t - 35 * DAY, t - 7 * DAY);
    const payees = past.filter((event) => event.originator.account === x && isTransfer(event)).filter(lagged);
    const payers = past.filter((event) => event.beneficiary.account === x && (isTransfer(event) || event.type === 'DEBIT')).filter(lagged);
    const scores = {
      merchant: received.filter((event) => event.merchant).length / (received.length + 5),
      biller: received.filter((event) => event.type === 'DEBIT').length / (received.length + 5),
      cash: (received.filter((event) => isCash(event, 'CASH_OUT')).length + sent.filter((event) => isCash(event, 'CASH_IN')).length) / (received.length + sent.length + 5),
      payroll: distinct(payees.map((event) => event.beneficiary.account)) / (distinct(payees.map((event) => event.beneficiary.account)) + 10),
      collector: distinct(payers.map((event) => event.originator.account)) / (distinct(payers.map((event) => event.originator.account)) + 10),
    };
    return { ...scores, hub: Math.max(...Object.values(scores)) >= 0.5 ? 1 : 0 };
  };
  // Per day over the 30 d before the last 24 h, or since the account was first seen (any processed event).
  const perDay = (x: string, events: Transaction[]) => {
    const first = Math.min(...processed.filter((event) => event.originator.account === x || event.beneficiary.account === x).map((event) => event.ts));
    const days = Math.max(1, (t - DAY - Math.max(t - 30 * DAY, first)) / DAY);
    return events.filter(inWindow(t - 30 * DAY, t - DAY)).length / days;
  };
  const into = past.filter((event) => event.beneficiary.account === b);
  const transfersOut = past.filter((event) => event.originator.account === o && isTransfer(event));
  const into30 = into.filter(inWindow(t - 30 * DAY, t));
  const mcc = current.merchant?.mcc;
  const day = Math.floor(t / DAY);
  const peers = past.filter((event) => mcc !== undefined && event.merchant?.mcc === mcc && Math.floor(event.ts / DAY) >= day - 30 && Math.floor(event.ts / DAY) < day);
  const [bene, orig] = [roles(b), roles(o)];

  return {
    bene_merchant_score_30d: bene.merchant,
    bene_biller_score_30d: bene.biller,
    bene_cash_score_30d: bene.cash,
    bene_payroll_score_35d: bene.payroll,
    bene_collector_score_35d: bene.collector,
    bene_hub_35d: bene.hub,
    orig_merchant_score_30d: orig.merchant,
    orig_biller_score_30d: orig.biller,
    orig_cash_score_30d: orig.cash,
    orig_payroll_score_35d: orig.payroll,
    orig_collector_score_35d: orig.collector,
    orig_hub_35d: orig.hub,
    bene_fan_in_ratio_24h: distinct([...into.filter(inWindow(t - DAY, t)).map((event) => event.originator.account), o]) / (1 + perDay(b, into)),
    orig_fan_out_ratio_24h:
      distinct([...transfersOut.filter(inWindow(t - DAY, t)).map((event) => event.beneficiary.account), ...(isTransfer(current) ? [b] : [])]) /
      (1 + perDay(o, transfersOut)),
    bene_amount_ratio_30d: into30.length > 0 ? (amount * into30.length) / into30.reduce((sum, event) => sum + event.amountMinor, 0) : 0,
    tx_amount_vs_mcc_30d: peers.length > 0 ? (amount * peers.length) / peers.reduce((sum, event) => sum + event.amountMinor, 0) : 0,
  };
}

/** Shortest path beneficiary → … → originator of at most 7 edges with non-decreasing times, + 1: the earliest arrival, one edge more per round. */
function referenceCycle(edges: Transaction[], o: string, b: string): number {
  if (o === b) return 0;
  let earliest = new Map<string, number>([[b, -Infinity]]);
  for (let length = 1; length <= 7; length++) {
    const next = new Map(earliest);
    for (const edge of edges) {
      const at = earliest.get(edge.originator.account);
      if (at !== undefined && edge.ts >= at && edge.ts < (next.get(edge.beneficiary.account) ?? Infinity)) next.set(edge.beneficiary.account, edge.ts);
    }
    if (next.has(o)) return length + 1;
    earliest = next;
  }
  return 0;
}
