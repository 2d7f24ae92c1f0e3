import { createHash } from 'node:crypto';

import { decodeTransaction } from '@vigil/contracts';

import { generate, SimulationOptions, simulate } from './generate';
import { DECOY_NAMES, PATTERN_NAMES } from './patterns';

const everything = (count: number) => Object.fromEntries(PATTERN_NAMES.map((name) => [name, count]));
const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  seed: 42,
  accounts: 300,
  days: 7,
  start: '2026-11-01',
  patterns: everything(2),
  decoys: Object.fromEntries(DECOY_NAMES.map((name) => [name, 2])),
  ...overrides,
});

describe(generate.name, () => {
  const run = generate(options());

  it('gives the same transactions and truth for the same seed, and others for another seed', () => {
    const again = generate(options());
    const other = generate(options({ seed: 43 }));

    expect(JSON.stringify(again)).toBe(JSON.stringify(run));
    expect(other.transactions.map((t) => t.amount)).not.toEqual(run.transactions.map((t) => t.amount));
  });

  it('keeps the first population byte for byte: the shipped model was trained on it', () => {
    // A deliberate change to the first bank updates this digest in the same commit, and says why.
    expect(createHash('sha256').update(JSON.stringify(run)).digest('hex')).toBe('6061a7b628bade73a5398784863fdc12f01899bc4e682d238eca8812f185ab82');
    expect(JSON.stringify(generate(options({ population: 'first' })))).toBe(JSON.stringify(run));
  });

  it('makes only messages that pass the contract check, keyed by the originator account', () => {
    const many = generate(options({ seed: 5, accounts: 400, days: 5, patterns: everything(4) }));
    expect(many.transactions.length).toBeGreaterThan(3000);

    const refused = many.transactions
      .map((message) => decodeTransaction(Buffer.from(message.originator.account), Buffer.from(JSON.stringify(message))))
      .filter((result) => !result.ok);

    expect(refused).toEqual([]);
  });

  it('emits in event-time order with unique txIds, all inside the simulated window', () => {
    const instants = run.transactions.map((t) => Date.parse(t.ts));

    expect(instants.every((ts, i) => i === 0 || ts >= instants[i - 1])).toBe(true);
    expect(instants[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 1));
    expect(instants[instants.length - 1]).toBeLessThan(Date.UTC(2026, 10, 8));
    expect(new Set(run.transactions.map((t) => t.txId)).size).toBe(run.transactions.length);
  });

  it('has a truth record for every txId, labelled by what made it', () => {
    expect(run.truth.map((t) => t.txId)).toEqual(run.transactions.map((t) => t.txId));
    const labels = new Map(run.truth.map((t) => [t.pattern, t.label]));

    expect(labels.get('background')).toBe('benign');
    expect(labels.get('fan-out')).toBe('aml');
    expect(labels.get('card-testing')).toBe('fraud');
    expect(labels.get('payroll')).toBe('benign');
    for (const name of [...PATTERN_NAMES, ...DECOY_NAMES]) expect(labels.has(name)).toBe(true);
    expect(run.truth.filter((t) => t.pattern === 'background').every((t) => t.instance === null)).toBe(true);
  });

  it('looks like bank traffic: fewer at night and at weekends, mostly domestic, some cross-border', () => {
    const background = run.transactions.filter((_, i) => run.truth[i].pattern === 'background');
    const hour = (t: { ts: string }) => new Date(t.ts).getUTCHours();
    const weekday = (t: { ts: string }) => new Date(t.ts).getUTCDay();
    const night = background.filter((t) => hour(t) < 5).length;
    const midday = background.filter((t) => hour(t) >= 11 && hour(t) < 16).length;
    const payments = background.filter((t) => t.type === 'PAYMENT');
    const sundays = payments.filter((t) => weekday(t) === 0).length;
    const tuesdays = payments.filter((t) => weekday(t) === 2).length;
    const crossBorder = background.filter((t) => t.originator.country !== t.beneficiary.country).length / background.length;

    expect(midday).toBeGreaterThan(night * 3);
    expect(tuesdays).toBeGreaterThan(sundays * 1.3);
    expect(crossBorder).toBeGreaterThan(0.02);
    expect(crossBorder).toBeLessThan(0.4);
    for (const type of ['TRANSFER', 'PAYMENT', 'CASH_OUT', 'DEBIT']) expect(background.some((t) => t.type === type)).toBe(true);
  });

  it('runs 30 days of 2 000 accounts without holding more than it needs', () => {
    let count = 0;
    for (const tx of simulate(options({ accounts: 2000, days: 30, patterns: everything(5) }))) count += tx.key.length > 0 ? 1 : 0;

    expect(count).toBeGreaterThan(30_000);
  });
});
