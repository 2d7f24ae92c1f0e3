import { generate } from './generate';
import { TransactionWire, TruthRecord } from './model';
import { HOUR, MINUTE } from './model';
import { PatternName, REPORTING_THRESHOLD } from './patterns';

/** The instances of one pattern, each its transactions in event-time order. */
function instances(name: PatternName | 'payroll', count = 4): TransactionWire[][] {
  const { transactions, truth } = generate({
    seed: 9,
    accounts: 300,
    days: 3,
    start: '2026-11-01',
    patterns: name === 'payroll' ? {} : { [name]: count },
    decoys: name === 'payroll' ? { payroll: count } : {},
  });
  const groups = new Map<string, TransactionWire[]>();
  transactions.forEach((tx, i) => {
    const record: TruthRecord = truth[i];
    if (record.instance === null) return;
    expect(record.pattern).toBe(name);
    groups.set(record.instance, [...(groups.get(record.instance) ?? []), tx]);
  });
  expect(groups.size).toBe(count);
  return [...groups.values()];
}

const ms = (tx: TransactionWire) => Date.parse(tx.ts);
const span = (txs: TransactionWire[]) => ms(txs[txs.length - 1]) - ms(txs[0]);
const distinct = (values: string[]) => new Set(values).size;
const amount = (tx: TransactionWire) => Number(tx.amount);

describe('injected patterns', () => {
  it('fan-out: one originator pays at least 6 distinct beneficiaries within 6 hours', () => {
    for (const txs of instances('fan-out')) {
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBeGreaterThanOrEqual(6);
      expect(span(txs)).toBeLessThanOrEqual(6 * HOUR);
    }
  });

  it('fan-in: at least 6 distinct originators pay one beneficiary within 6 hours', () => {
    for (const txs of instances('fan-in')) {
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBe(1);
      expect(distinct(txs.map((t) => t.originator.account))).toBeGreaterThanOrEqual(6);
      expect(span(txs)).toBeLessThanOrEqual(6 * HOUR);
    }
  });

  it('cycle: each hop starts where the last ended and the money returns to the origin', () => {
    for (const txs of instances('cycle')) {
      expect(txs.length).toBeGreaterThanOrEqual(3);
      txs.slice(1).forEach((tx, i) => expect(tx.originator.account).toBe(txs[i].beneficiary.account));
      expect(txs[txs.length - 1].beneficiary.account).toBe(txs[0].originator.account);
      expect(amount(txs[txs.length - 1])).toBeLessThan(amount(txs[0]));
    }
  });

  it('bipartite: every originator of one side pays every account of the other side', () => {
    for (const txs of instances('bipartite')) {
      const left = new Set(txs.map((t) => t.originator.account));
      const right = new Set(txs.map((t) => t.beneficiary.account));
      expect([...left].some((a) => right.has(a))).toBe(false);
      expect(distinct(txs.map((t) => `${t.originator.account}>${t.beneficiary.account}`))).toBe(left.size * right.size);
    }
  });

  it('stack: three layers, the middle one receives before it pays on', () => {
    for (const txs of instances('stack')) {
      const senders = new Set(txs.map((t) => t.originator.account));
      const receivers = new Set(txs.map((t) => t.beneficiary.account));
      const middle = [...senders].filter((a) => receivers.has(a));
      expect(middle.length).toBeGreaterThanOrEqual(2);
      const lastIn = Math.max(...txs.filter((t) => middle.includes(t.beneficiary.account)).map(ms));
      const firstOut = Math.min(...txs.filter((t) => middle.includes(t.originator.account)).map(ms));
      expect(firstOut).toBeGreaterThan(lastIn);
    }
  });

  it('scatter-gather: one source to several intermediaries, all of which pay one sink', () => {
    for (const txs of instances('scatter-gather')) {
      const source = txs[0].originator.account;
      const out = txs.filter((t) => t.originator.account === source);
      const back = txs.filter((t) => t.originator.account !== source);
      expect(out.length).toBeGreaterThanOrEqual(4);
      expect(distinct(back.map((t) => t.beneficiary.account))).toBe(1);
      expect(new Set(back.map((t) => t.originator.account))).toEqual(new Set(out.map((t) => t.beneficiary.account)));
    }
  });

  it('gather-scatter: several sources pay a hub that then pays several sinks', () => {
    for (const txs of instances('gather-scatter')) {
      const hub = txs[0].beneficiary.account;
      const gathered = txs.filter((t) => t.beneficiary.account === hub);
      const scattered = txs.filter((t) => t.originator.account === hub);
      expect(gathered.length).toBeGreaterThanOrEqual(4);
      expect(scattered.length).toBe(gathered.length);
      expect(Math.min(...scattered.map(ms))).toBeGreaterThan(Math.max(...gathered.map(ms)));
    }
  });

  it('structuring: at least 6 amounts in [9 000, 10 000) from one account within a day', () => {
    for (const txs of instances('structuring')) {
      expect(txs.length).toBeGreaterThanOrEqual(6);
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      for (const tx of txs) {
        expect(amount(tx)).toBeGreaterThanOrEqual(9000);
        expect(amount(tx)).toBeLessThan(REPORTING_THRESHOLD);
      }
      expect(span(txs)).toBeLessThan(24 * HOUR);
    }
  });

  it('mule: money in, then most of it out of the same account within hours', () => {
    for (const txs of instances('mule')) {
      const mule = txs[0].beneficiary.account;
      const incoming = txs.filter((t) => t.beneficiary.account === mule && t.originator.account !== mule);
      const outgoing = txs.filter((t) => t.originator.account === mule);
      const sum = (list: TransactionWire[]) => list.reduce((s, t) => s + amount(t), 0);
      expect(incoming.length).toBeGreaterThanOrEqual(2);
      expect(Math.min(...outgoing.map(ms))).toBeGreaterThan(Math.max(...incoming.map(ms)));
      expect(sum(outgoing) / sum(incoming)).toBeGreaterThan(0.85);
      expect(sum(outgoing) / sum(incoming)).toBeLessThan(1);
      expect(span(txs)).toBeLessThanOrEqual(6 * HOUR);
    }
  });

  it('account takeover: a large amount from a never-seen device to a never-seen beneficiary', () => {
    for (const txs of instances('account-takeover')) {
      for (const tx of txs) {
        expect(amount(tx)).toBeGreaterThanOrEqual(2000);
        expect(tx.device?.id).toMatch(/^D-N/);
        expect(tx.beneficiary.account).toMatch(/^A-P/);
      }
    }
  });

  it('card testing: a burst of at least 12 tiny online payments within 10 minutes', () => {
    for (const txs of instances('card-testing')) {
      const tiny = txs.filter((t) => amount(t) < 3);
      expect(tiny.length).toBeGreaterThanOrEqual(12);
      expect(ms(tiny[tiny.length - 1]) - ms(tiny[0])).toBeLessThanOrEqual(10 * MINUTE);
      expect(tiny.every((t) => t.type === 'PAYMENT' && t.merchant !== undefined && t.device?.id === tiny[0].device?.id)).toBe(true);
    }
  });

  it('payroll decoy: a fan-out shape, labelled benign', () => {
    for (const txs of instances('payroll')) {
      expect(distinct(txs.map((t) => t.originator.account))).toBe(1);
      expect(distinct(txs.map((t) => t.beneficiary.account))).toBeGreaterThanOrEqual(8);
    }
  });
});
