import { decodeTransaction } from '@vigil/contracts';

import { Rng } from '@vigil/platform';

import { generate, SimulationOptions } from './generate';
import { TransactionWire, TruthRecord } from './model';
import { DECOY_NAMES, defaultInstanceCount, PATTERN_NAMES } from './patterns';
import { buildPopulation } from './population';
import { buildSecondPopulation } from './population-second';

const defaults = (accounts: number, days: number) => ({
  patterns: Object.fromEntries(PATTERN_NAMES.map((name) => [name, defaultInstanceCount(accounts, days, 1)])),
  decoys: Object.fromEntries(DECOY_NAMES.map((name) => [name, defaultInstanceCount(accounts, days, 1)])),
});
const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({ seed: 42, accounts: 1000, days: 7, start: '2026-11-01', population: 'second', ...defaults(1000, 7), ...overrides });

type Run = ReturnType<typeof generate>;
const background = (run: Run): TransactionWire[] => run.transactions.filter((_, i) => run.truth[i].pattern === 'background');
const withRole = (run: Run, role: string): TransactionWire[] => run.transactions.filter((_, i) => run.truth[i].pattern === 'background' && run.truth[i].role === role);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const share = <T>(items: T[], keep: (item: T) => boolean): number => items.filter(keep).length / items.length;
const utcHour = (t: TransactionWire): number => new Date(t.ts).getUTCHours();
const weekday = (t: TransactionWire): number => new Date(t.ts).getUTCDay();

/** Per beneficiary (or originator), the most distinct counterparties it had in one day. */
function dailyDegree(txs: TransactionWire[], side: 'beneficiary' | 'originator'): Map<string, number> {
  const other = side === 'beneficiary' ? 'originator' : 'beneficiary';
  const perDay = new Map<string, Set<string>>();
  for (const t of txs) {
    const key = `${t[side].account}|${t.ts.slice(0, 10)}`;
    perDay.set(key, (perDay.get(key) ?? new Set()).add(t[other].account));
  }
  const degree = new Map<string, number>();
  for (const [key, set] of perDay) degree.set(key.split('|')[0], Math.max(degree.get(key.split('|')[0]) ?? 0, set.size));
  return degree;
}

/** ISO 13616: the rearranged IBAN, letters as numbers, is 1 mod 97. */
function validIban(iban: string): boolean {
  const digits = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

describe('second population', () => {
  const run = generate(options());
  const first = generate(options({ population: 'first' }));

  it('is deterministic by seed, another seed gives other traffic, and it is not the first bank', () => {
    expect(JSON.stringify(generate(options()))).toBe(JSON.stringify(run));
    expect(generate(options({ seed: 43 })).transactions.map((t) => t.amount)).not.toEqual(run.transactions.map((t) => t.amount));
    expect(run.transactions.map((t) => t.amount)).not.toEqual(first.transactions.map((t) => t.amount));
  });

  it('makes contract messages in event-time order, with txIds the first bank never uses', () => {
    const small = generate(options({ accounts: 300, days: 3, ...defaults(600, 7) }));
    const refused = small.transactions.map((t) => decodeTransaction(Buffer.from(t.originator.account), Buffer.from(JSON.stringify(t)))).filter((result) => !result.ok);
    const instants = run.transactions.map((t) => Date.parse(t.ts));

    expect(refused).toEqual([]);
    expect(instants.every((ts, i) => i === 0 || ts >= instants[i - 1])).toBe(true);
    expect(new Set(run.transactions.map((t) => t.txId)).size).toBe(run.transactions.length);
    expect(run.transactions.every((t) => t.txId.startsWith('B2-42-'))).toBe(true);
    expect(first.transactions.every((t) => t.txId.startsWith('T42-'))).toBe(true);
  });

  it('keeps the truth records of the first bank: same shape, pattern names and labels', () => {
    const labels = new Map(run.truth.map((t) => [t.pattern, t.label]));

    expect(run.truth.map((t) => t.txId)).toEqual(run.transactions.map((t) => t.txId));
    expect(new Set(run.truth.flatMap((t) => Object.keys(t)))).toEqual(new Set(first.truth.flatMap((t) => Object.keys(t))));
    for (const name of [...PATTERN_NAMES, ...DECOY_NAMES]) expect(labels.get(name)).toBe(new Map(first.truth.map((t) => [t.pattern, t.label])).get(name));
    expect(run.truth.filter((t: TruthRecord) => t.pattern === 'background').every((t) => t.instance === null && t.label === 'benign')).toBe(true);
  });

  it('is a Polish bank in PLN: one BIC, incomes and tickets on the zloty scale', () => {
    const incomes = buildSecondPopulation(Rng.derive(42, 'population'), 1000).households.filter((h) => h.pay?.role === 'salary').map((h) => h.income);
    const firstIncomes = buildPopulation(Rng.derive(42, 'population'), 1000).customers.map((c) => c.income);
    const groceries = (r: Run) => background(r).filter((t) => t.merchant?.mcc === '5411').map((t) => Number(t.amount));

    expect(new Set(run.transactions.map((t) => t.currency))).toEqual(new Set(['PLN']));
    expect(new Set(run.transactions.flatMap((t) => [t.originator, t.beneficiary]).filter((p) => p.customer !== undefined && p.bank === 'ALBPPLPW').map((p) => p.country))).toEqual(new Set(['PL']));
    expect(new Set(run.transactions.map((t) => t.originator.bank)).has('ALBPPLPW')).toBe(true);
    expect(median(incomes)).toBeGreaterThan(4500);
    expect(median(incomes)).toBeLessThan(8000);
    expect(median(incomes) / median(firstIncomes)).toBeGreaterThan(1.6);
    expect(median(groceries(run)) / median(groceries(first))).toBeGreaterThan(1.6);
  });

  it('names nothing by its role: valid IBANs (or plain account numbers), numeric merchant ids, app-installation device ids', () => {
    const accounts = new Set(run.transactions.flatMap((t) => [t.originator.account, t.beneficiary.account]));
    const ibans = [...accounts].filter((a) => /^[A-Z]{2}/.test(a));

    expect([...accounts].every((a) => /^([A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{15})$/.test(a))).toBe(true);
    expect(ibans.every(validIban)).toBe(true);
    expect(run.transactions.every((t) => t.merchant === undefined || /^\d{10}$/.test(t.merchant.id))).toBe(true);
    expect(run.transactions.every((t) => t.device === undefined || /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/.test(t.device.id))).toBe(true);
    expect(run.transactions.every((t) => /^\d{8}$/.test(t.originator.customer))).toBe(true);
  });

  it('has far fewer merchants per customer than the first bank, so the popular ones are paid by hundreds of cardholders a day', () => {
    const second = buildSecondPopulation(Rng.derive(42, 'population'), 1000);
    const firstBank = buildPopulation(Rng.derive(42, 'population'), 1000);
    const cards = background(run).filter((t) => t.type === 'PAYMENT' && t.merchant !== undefined && t.originator.bank === 'ALBPPLPW');
    const degree = [...dailyDegree(cards, 'beneficiary').values()].sort((a, b) => b - a);

    expect(second.merchants.length * 4).toBeLessThan(firstBank.merchants.length);
    expect(degree[0]).toBeGreaterThanOrEqual(150);
    expect(degree.filter((d) => d >= 50).length).toBeGreaterThanOrEqual(5);
    expect(share(cards, (t) => t.channel === 'POS')).toBeGreaterThan(0.5);
    expect(cards.some((t) => t.channel === 'ONLINE') && cards.some((t) => t.channel === 'MOBILE')).toBe(true);
  });

  it('has cash accounts of its own: withdrawals from a handful of ATM accounts, each used by many customers', () => {
    const atm = withRole(run, 'atm');
    const degree = dailyDegree(atm, 'beneficiary');

    expect(atm.every((t) => t.type === 'CASH_OUT' && t.channel === 'ATM' && t.beneficiary.account !== t.originator.account)).toBe(true);
    expect(degree.size).toBeLessThanOrEqual(7);
    expect(Math.max(...degree.values())).toBeGreaterThanOrEqual(15);
  });

  it('has a marketplace that takes card payments from many and pays many sellers out', () => {
    const population = buildSecondPopulation(Rng.derive(42, 'population'), 1000);
    const marketplace = population.marketplace.account.id;
    const bought = background(run).filter((t) => t.beneficiary.account === marketplace);
    const paidOut = background(run).filter((t) => t.originator.account === marketplace);

    expect(new Set(bought.map((t) => t.originator.account)).size).toBeGreaterThanOrEqual(100);
    expect(new Set(paidOut.map((t) => t.beneficiary.account)).size).toBeGreaterThanOrEqual(20);
    expect(paidOut.every((t) => t.type === 'TRANSFER' && t.channel === 'API')).toBe(true);
  });

  describe('over two months', () => {
    const long = generate(options({ accounts: 400, days: 61, patterns: {}, decoys: {} }));

    it('pays salaries and pensions in bulk from a few payers, on weekdays, at stable amounts', () => {
      const pay = [...withRole(long, 'salary'), ...withRole(long, 'pension')];
      const degree = [...dailyDegree(pay, 'originator').values()].sort((a, b) => b - a);
      const byPair = new Map<string, number[]>();
      for (const t of pay) byPair.set(`${t.originator.account}>${t.beneficiary.account}`, [...(byPair.get(`${t.originator.account}>${t.beneficiary.account}`) ?? []), Number(t.amount)]);
      const repeated = [...byPair.values()].filter((amounts) => amounts.length >= 2);

      expect(new Set(pay.map((t) => t.originator.account)).size).toBeLessThanOrEqual(10);
      expect(degree[0]).toBeGreaterThanOrEqual(40);
      expect(pay.every((t) => weekday(t) !== 0 && weekday(t) !== 6 && t.type === 'TRANSFER')).toBe(true);
      expect(repeated.length).toBeGreaterThan(100);
      expect(repeated.every((amounts) => Math.max(...amounts) / Math.min(...amounts) < 1.14)).toBe(true);
      expect(share(repeated, (amounts) => new Set(amounts).size === 1)).toBeGreaterThan(0.5);
    });

    it('collects bills by direct debit and bill payment from many payers, the same amount every month for most', () => {
      const bills = [...withRole(long, 'direct-debit'), ...withRole(long, 'bill')];
      const byPair = new Map<string, string[]>();
      for (const t of bills) byPair.set(`${t.originator.account}>${t.beneficiary.account}`, [...(byPair.get(`${t.originator.account}>${t.beneficiary.account}`) ?? []), t.amount]);
      const repeated = [...byPair.values()].filter((amounts) => amounts.length >= 2);
      const billers = new Set(bills.map((t) => t.beneficiary.account));

      expect(new Set(bills.map((t) => t.type))).toEqual(new Set(['DEBIT', 'PAYMENT']));
      expect(billers.size).toBeLessThanOrEqual(12);
      expect(Math.max(...dailyDegree(bills, 'beneficiary').values())).toBeGreaterThanOrEqual(40);
      expect(share(repeated, (amounts) => new Set(amounts).size === 1)).toBeGreaterThan(0.7);
    });

    it('has rent, savings between own accounts, loan instalments and friends paying each other', () => {
      const savings = withRole(long, 'savings');
      const p2p = withRole(long, 'p2p');

      expect(withRole(long, 'rent').length).toBeGreaterThan(50);
      expect(withRole(long, 'loan').length).toBeGreaterThan(50);
      expect(savings.length).toBeGreaterThan(30);
      expect(savings.every((t) => t.beneficiary.customer === t.originator.customer && t.beneficiary.account !== t.originator.account)).toBe(true);
      expect(share(p2p, (t) => t.channel === 'MOBILE')).toBeGreaterThan(0.8);
    });
  });

  it('has its own rhythm: later evenings, a Saturday shopping peak, shops closed on Sundays, more mobile', () => {
    const cards = (r: Run) => background(r).filter((t) => t.type === 'PAYMENT');
    const evening = (r: Run) => share(background(r), (t) => utcHour(t) >= 18 && utcHour(t) < 22);
    const perDay = (r: Run, day: number) => cards(r).filter((t) => weekday(t) === day).length;
    // 2026-11-01 is a Sunday: days 0..6 of the run are Sunday..Saturday, once each.
    const sundayInStore = cards(run).filter((t) => weekday(t) === 0 && t.channel === 'POS').length;
    const saturdayInStore = cards(run).filter((t) => weekday(t) === 6 && t.channel === 'POS').length;

    expect(evening(run)).toBeGreaterThan(evening(first) * 1.2);
    expect(perDay(run, 6)).toBeGreaterThan(perDay(run, 3) * 1.15);
    expect(perDay(first, 6)).toBeLessThan(perDay(first, 3));
    expect(sundayInStore).toBeLessThan(saturdayInStore * 0.5);
    expect(share(run.transactions, (t) => t.channel === 'MOBILE')).toBeGreaterThan(share(first.transactions, (t) => t.channel === 'MOBILE') * 1.5);
  });

  it('crosses borders a little: foreign online shops, friends and family abroad', () => {
    const crossBorder = share(background(run), (t) => t.originator.country !== t.beneficiary.country);

    expect(crossBorder).toBeGreaterThan(0.01);
    expect(crossBorder).toBeLessThan(0.1);
  });

  it('carries fraud and AML at a realistic share at the default mix (0.5 to 1.5 % of transactions)', () => {
    const larger = generate(options({ seed: 7, accounts: 2000, days: 14, ...defaults(2000, 14) }));

    for (const mixed of [run, larger]) {
      const bad = mixed.truth.filter((t) => t.label !== 'benign').length / mixed.truth.length;
      expect(bad).toBeGreaterThan(0.005);
      expect(bad).toBeLessThan(0.015);
    }
  });
});
