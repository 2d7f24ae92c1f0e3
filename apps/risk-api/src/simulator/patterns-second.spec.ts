import { Rng } from '@vigil/platform';

import { generate } from './generate';
import { HOUR, MINUTE, TransactionWire } from './model';
import { DECOY_NAMES, DecoyName, FIRST_DECOYS, FIRST_PATTERNS, PATTERN_NAMES, PatternName, REPORTING_THRESHOLD } from './patterns';
import { SECOND_DECOYS, SECOND_MAX_INSTANCE_SPAN, SECOND_PATTERNS } from './patterns-second';
import { buildSecondPopulation } from './population-second';

const COUNT = 6;
const SEED = 11;
const ACCOUNTS = 600;
/** One run with every pattern and decoy, as the held-out evaluation streams them together. */
const run = generate({
  seed: SEED,
  accounts: ACCOUNTS,
  days: 5,
  start: '2026-11-01',
  population: 'second',
  patterns: Object.fromEntries(PATTERN_NAMES.map((name) => [name, COUNT])),
  decoys: Object.fromEntries(DECOY_NAMES.map((name) => [name, COUNT])),
});
const population = buildSecondPopulation(Rng.derive(SEED, 'population'), ACCOUNTS);
const knownDevices = new Set(population.households.flatMap((h) => h.devices.map((d) => d.id)));
const cashAccounts = new Set([...population.atms, ...population.branches, ...population.networkAtms].map((a) => a.id));

/** The instances of one pattern or decoy, each its transactions in event-time order. */
function instances(name: PatternName | DecoyName): TransactionWire[][] {
  const groups = new Map<string, TransactionWire[]>();
  run.transactions.forEach((tx, i) => {
    const record = run.truth[i];
    if (record.pattern === name && record.instance !== null) groups.set(record.instance, [...(groups.get(record.instance) ?? []), tx]);
  });
  return [...groups.values()];
}

const ms = (tx: TransactionWire) => Date.parse(tx.ts);
const span = (txs: TransactionWire[]) => ms(txs[txs.length - 1]) - ms(txs[0]);
const distinct = (values: string[]) => new Set(values).size;
const amount = (tx: TransactionWire) => Number(tx.amount);
const sum = (txs: TransactionWire[]) => txs.reduce((s, t) => s + amount(t), 0);

describe('second bank patterns', () => {
  it('injects every pattern and decoy with the requested count, labelled as in the first bank', () => {
    for (const name of [...PATTERN_NAMES, ...DECOY_NAMES]) expect(instances(name)).toHaveLength(COUNT);
    expect(new Set(run.truth.filter((t) => t.pattern === 'structuring').map((t) => t.label))).toEqual(new Set(['fraud']));
    expect(new Set(run.truth.filter((t) => t.pattern === 'stack').map((t) => t.label))).toEqual(new Set(['aml']));
    expect(new Set(run.truth.filter((t) => t.pattern === 'payroll').map((t) => t.label))).toEqual(new Set(['benign']));
  });

  it('has parameters of its own for every pattern and decoy, and instances that fit its span', () => {
    for (const key of Object.keys(FIRST_PATTERNS) as (keyof typeof FIRST_PATTERNS)[]) expect(SECOND_PATTERNS[key]).not.toEqual(FIRST_PATTERNS[key]);
    for (const key of Object.keys(FIRST_DECOYS) as (keyof typeof FIRST_DECOYS)[]) expect(SECOND_DECOYS[key]).not.toEqual(FIRST_DECOYS[key]);
    for (const name of [...PATTERN_NAMES, ...DECOY_NAMES]) for (const txs of instances(name)) expect(span(txs)).toBeLessThanOrEqual(SECOND_MAX_INSTANCE_SPAN);
  });

  it('fan-out: one originator pays 4 to 10 beneficiaries, mostly at home, over up to 16 hours', () => {
    for (const txs of instances('fan-out')) {
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBeGreaterThanOrEqual(4);
      expect(txs.filter((t) => t.beneficiary.country === 'PL').length).toBeGreaterThan(txs.length / 2);
      expect(span(txs)).toBeLessThanOrEqual(16 * HOUR);
    }
  });

  it('fan-in: at least 7 distinct originators pay one beneficiary within 20 hours', () => {
    for (const txs of instances('fan-in')) {
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBe(1);
      expect(distinct(txs.map((t) => t.originator.account))).toBeGreaterThanOrEqual(7);
      expect(span(txs)).toBeLessThanOrEqual(20 * HOUR);
    }
  });

  it('cycle: 4 to 8 hops that close on the origin, some longer than 4, each passing on a little less', () => {
    const cycles = instances('cycle');
    for (const txs of cycles) {
      expect(txs.length).toBeGreaterThanOrEqual(4);
      txs.slice(1).forEach((tx, i) => expect(tx.originator.account).toBe(txs[i].beneficiary.account));
      expect(txs[txs.length - 1].beneficiary.account).toBe(txs[0].originator.account);
      expect(amount(txs[txs.length - 1])).toBeLessThan(amount(txs[0]));
    }
    expect(Math.max(...cycles.map((txs) => txs.length))).toBeGreaterThan(4);
  });

  it('bipartite: every originator of one side pays every account of the other side', () => {
    for (const txs of instances('bipartite')) {
      const left = new Set(txs.map((t) => t.originator.account));
      const right = new Set(txs.map((t) => t.beneficiary.account));
      expect([...left].some((a) => right.has(a))).toBe(false);
      expect(distinct(txs.map((t) => `${t.originator.account}>${t.beneficiary.account}`))).toBe(left.size * right.size);
    }
  });

  it('stack: four layers, each receiving before it pays on', () => {
    for (const txs of instances('stack')) {
      const roles = run.truth.filter((t) => txs.some((tx) => tx.txId === t.txId)).map((t) => t.role);
      expect(new Set(roles)).toEqual(new Set(['layer-1', 'layer-2', 'layer-3']));
      for (const layer of [1, 2]) {
        const inbound = txs.filter((_, i) => roles[i] === `layer-${layer}`);
        const outbound = txs.filter((_, i) => roles[i] === `layer-${layer + 1}`);
        expect(new Set(outbound.map((t) => t.originator.account))).toEqual(new Set(inbound.map((t) => t.beneficiary.account)));
        expect(Math.min(...outbound.map(ms))).toBeGreaterThan(Math.max(...inbound.map(ms)));
      }
    }
  });

  it('scatter-gather: one source to several intermediaries, all paying one sink half a day or more later', () => {
    for (const txs of instances('scatter-gather')) {
      const source = txs[0].originator.account;
      const out = txs.filter((t) => t.originator.account === source);
      const back = txs.filter((t) => t.originator.account !== source);
      expect(out.length).toBeGreaterThanOrEqual(3);
      expect(distinct(back.map((t) => t.beneficiary.account))).toBe(1);
      expect(new Set(back.map((t) => t.originator.account))).toEqual(new Set(out.map((t) => t.beneficiary.account)));
      expect(Math.min(...back.map(ms)) - ms(txs[0])).toBeGreaterThanOrEqual(4 * HOUR);
    }
  });

  it('gather-scatter: many sources pay a hub that then pays fewer sinks', () => {
    for (const txs of instances('gather-scatter')) {
      const hub = txs[0].beneficiary.account;
      const gathered = txs.filter((t) => t.beneficiary.account === hub);
      const scattered = txs.filter((t) => t.originator.account === hub);
      expect(gathered.length).toBeGreaterThanOrEqual(5);
      expect(scattered.length).toBeLessThan(gathered.length);
      expect(Math.min(...scattered.map(ms))).toBeGreaterThan(Math.max(...gathered.map(ms)));
      expect(sum(scattered) / sum(gathered)).toBeCloseTo(0.93, 2);
    }
  });

  it('structuring: 4 to 8 amounts in [8 500, 10 000) from one account, cash into the bank\'s own cash accounts', () => {
    const all = instances('structuring');
    for (const txs of all) {
      expect(txs.length).toBeGreaterThanOrEqual(4);
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      for (const tx of txs) {
        expect(amount(tx)).toBeGreaterThanOrEqual(8500);
        expect(amount(tx)).toBeLessThan(REPORTING_THRESHOLD);
        if (tx.type === 'CASH_IN') expect(cashAccounts.has(tx.beneficiary.account)).toBe(true);
      }
    }
    expect(all.some((txs) => txs[0].type === 'CASH_IN')).toBe(true);
  });

  it('mule: money in from people at home, then 85 to 95 % of it out, in several ATM withdrawals or transfers abroad', () => {
    for (const txs of instances('mule')) {
      const mule = txs[0].beneficiary.account;
      const incoming = txs.filter((t) => t.beneficiary.account === mule);
      const outgoing = txs.filter((t) => t.originator.account === mule);
      expect(incoming.length).toBeGreaterThanOrEqual(2);
      expect(incoming.every((t) => t.originator.country === 'PL')).toBe(true);
      expect(Math.min(...outgoing.map(ms))).toBeGreaterThan(Math.max(...incoming.map(ms)));
      expect(sum(outgoing) / sum(incoming)).toBeGreaterThan(0.84);
      expect(sum(outgoing) / sum(incoming)).toBeLessThan(0.96);
      if (outgoing[0].type === 'CASH_OUT') expect(outgoing.length).toBeGreaterThanOrEqual(2);
      else expect(outgoing.every((t) => t.beneficiary.country !== 'PL')).toBe(true);
    }
  });

  it('account takeover: a device the customer never used, a beneficiary never paid, at least 3 500 PLN, mostly from the app', () => {
    const txs = instances('account-takeover').flat();
    const paidBefore = new Set(run.transactions.filter((_, i) => run.truth[i].pattern === 'background').map((t) => t.beneficiary.account));
    for (const tx of txs) {
      expect(amount(tx)).toBeGreaterThanOrEqual(3500);
      expect(knownDevices.has(tx.device?.id ?? '')).toBe(false);
      expect(tx.device?.id).toMatch(/^[0-9a-f]{8}-/);
      expect(paidBefore.has(tx.beneficiary.account)).toBe(false);
    }
    expect(txs.filter((t) => t.channel === 'MOBILE').length).toBeGreaterThan(txs.length / 2);
  });

  it('card testing: 6 to 14 payments under 5 PLN on one or two shops within 45 minutes, from one new device', () => {
    for (const txs of instances('card-testing')) {
      const tiny = txs.filter((t) => amount(t) < 5);
      expect(tiny.length).toBeGreaterThanOrEqual(6);
      expect(tiny.length).toBeLessThanOrEqual(14);
      expect(ms(tiny[tiny.length - 1]) - ms(tiny[0])).toBeLessThanOrEqual(45 * MINUTE);
      expect(distinct(tiny.map((t) => t.merchant?.id ?? ''))).toBeLessThanOrEqual(2);
      expect(tiny.every((t) => t.type === 'PAYMENT' && t.device?.id === tiny[0].device?.id && !knownDevices.has(t.device?.id ?? ''))).toBe(true);
    }
  });

  it('decoys: payroll-like fan-outs and crowdfunding fan-ins, labelled benign', () => {
    for (const txs of instances('payroll')) {
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBeGreaterThanOrEqual(6);
      expect(txs.every((t) => t.channel === 'API')).toBe(true);
    }
    for (const txs of instances('crowdfunding')) {
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBe(1);
      expect(distinct(txs.map((t) => t.originator.account))).toBeGreaterThanOrEqual(15);
    }
    for (const txs of instances('big-purchase')) expect(amount(txs[0])).toBeGreaterThanOrEqual(25_000);
  });
});
