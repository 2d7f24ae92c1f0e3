import { Channel } from '@vigil/contracts';

import { hashLabel, Rng } from '@vigil/platform';

import { Account, DAY, Device, ExternalAccountSource, Merchant, Population } from './model';
import { BANKS, currencyOf, randomIp } from './population';

/**
 * The second bank: a Polish retail bank with one BIC, IBAN account numbers, CIF customer numbers,
 * acquirer merchant ids and app-installation device ids, so that nothing in an id tells an
 * account's role. It is never used for training: it is the held-out population (README).
 */
export const SECOND_HOME = 'PL';
export const SECOND_BIC = 'ALBPPLPW';
/** Other Polish banks: where landlords, friends, billers, employers and merchants outside this bank keep their accounts. */
const DOMESTIC_BANKS = ['PKOPPLPW', 'BPKOPLPW', 'BREXPLPW', 'INGBPLPW', 'WBKPPLPP', 'BIGBPLPW', 'CITIPLPX'];
/** The social insurance institution (ZUS) banks with the central bank. */
const CENTRAL_BANK = 'NBPLPLPW';
/** Where this bank's customers' money usually goes abroad (migrant family and work), and where laundered money goes. */
const NEIGHBOURS = ['UA', 'DE', 'GB', 'CZ', 'IE', 'NL', 'SK', 'LT'];
const HIGH_RISK = ['AE', 'HK', 'CY', 'TR', 'GE'];
/** /8 blocks of Polish access networks. */
const OCTETS = [5, 31, 37, 46, 77, 78, 79, 83, 89, 91, 94, 109, 176, 178, 188, 193, 195, 213, 217];

/** IBAN layout per country: letters of the bank code (from the BIC), then digits. HK and CN have no IBAN: a plain account number. */
const BBAN: Readonly<Record<string, readonly [letters: number, digits: number]>> = {
  PL: [0, 24],
  DE: [0, 18],
  CZ: [0, 20],
  SK: [0, 20],
  LT: [0, 16],
  UA: [0, 25],
  GB: [4, 14],
  NL: [4, 10],
  IE: [4, 14],
  AE: [0, 19],
  CY: [0, 24],
  TR: [0, 22],
  GE: [2, 16],
};

/** Number series: each kind of party is numbered apart, so ids never collide. */
const SERIES = { own: 1, corporate: 2, population: 3, P: 4, B: 5, merchant: 6, bank: 7, external: 8 } as const;
type Series = keyof typeof SERIES;

/** The golden ratio's fractional digits: a multiplier that spreads neighbouring serials over every digit. */
const GOLDEN = '61803398874989484820458683436563811772';

/** A bijection of [0, 10^width) (the multiplier is prime to 10): serial numbers that look arbitrary but never collide. */
function scramble(n: number, width: number): string {
  let multiplier = BigInt(GOLDEN.slice(0, width)) | 1n;
  if (multiplier % 5n === 0n) multiplier += 2n;
  return String((BigInt(n) * multiplier) % 10n ** BigInt(width)).padStart(width, '0');
}

/** The n-th number of a series, before scrambling: the series is the last digit, so it mixes into every digit. */
const serial = (series: Series, n: number): number => n * 10 + SERIES[series];

/** ISO 13616 check digits: 98 − (BBAN + country + "00" as digits, mod 97). */
function ibanCheck(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return String(98 - rest).padStart(2, '0');
}

/** The account number of serial `n` at bank `bic`: an IBAN where the country has them. */
export function accountNumber(country: string, bic: string, n: number): string {
  const layout = BBAN[country];
  if (!layout) return `${String(hashLabel(0, bic) % 1000).padStart(3, '0')}${scramble(n, 12)}`;
  const [letters, digits] = layout;
  const routing = Math.max(0, Math.min(8, digits - 10));
  const bankCode = routing > 0 ? String(hashLabel(0, bic) % 10 ** routing).padStart(routing, '0') : '';
  const bban = `${bic.slice(0, letters)}${bankCode}${scramble(n, digits - routing)}`;
  return `${country}${ibanCheck(country, bban)}${bban}`;
}

/** Eight-digit customer numbers. */
const cif = (series: Series, n: number): string => scramble(serial(series, n), 8);

/** An app installation id (UUID-shaped). */
function deviceId(rng: Rng): string {
  const hex = Array.from({ length: 4 }, () => rng.uint32().toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Devices of the second bank's customers, and the new ones of takeovers and stolen cards: the same kind of id. */
export const newDevice = (rng: Rng): Device => ({ id: deviceId(rng), ip: randomIp(rng, OCTETS) });

/** The second bank's counterparties outside it, numbered in their own series (`X` population, `P` patterns, `B` decoys). */
export class IbanAccounts implements ExternalAccountSource {
  private next = 1;
  private readonly series: Series;

  constructor(prefix: string) {
    this.series = prefix === 'P' || prefix === 'B' ? prefix : 'population';
  }

  create(rng: Rng, country: string): Account {
    const n = this.next++;
    const bank = rng.pick(country === SECOND_HOME ? DOMESTIC_BANKS : BANKS[country]);
    return { id: accountNumber(country, bank, serial(this.series, n)), customer: cif(this.series, n), country, bank, currency: currencyOf(country), external: true };
  }
}

/** A party of this bank that is not a retail customer: corporate clients and the bank's own cash and loan accounts. */
function ownAccount(series: Series, n: number, customer: string): Account {
  return { id: accountNumber(SECOND_HOME, SECOND_BIC, serial(series, n)), customer, country: SECOND_HOME, bank: SECOND_BIC, currency: 'PLN', external: false };
}

/**
 * Card acceptance by category: typical ticket (PLN), share of merchants, how often a customer shops
 * there (relative), share selling online, share of the online ones abroad, open on Sundays (most
 * shops close by law).
 */
const CATEGORIES: readonly { mcc: string; median: number; weight: number; visits: number; online: number; abroad: number; sunday: boolean }[] = [
  { mcc: '5411', median: 78, weight: 22, visits: 3, online: 0.05, abroad: 0, sunday: false }, // supermarkets, discounters
  { mcc: '5499', median: 24, weight: 14, visits: 2.5, online: 0, abroad: 0, sunday: true }, // convenience (franchise, open on Sundays)
  { mcc: '5977', median: 48, weight: 5, visits: 1, online: 0.2, abroad: 0, sunday: false }, // drugstores
  { mcc: '5912', median: 42, weight: 5, visits: 0.8, online: 0.1, abroad: 0, sunday: true }, // pharmacies
  { mcc: '5541', median: 240, weight: 6, visits: 1, online: 0, abroad: 0, sunday: true }, // fuel
  { mcc: '5812', median: 110, weight: 6, visits: 0.8, online: 0, abroad: 0, sunday: true }, // restaurants
  { mcc: '5814', median: 38, weight: 7, visits: 1.5, online: 0.5, abroad: 0, sunday: true }, // fast food and delivery
  { mcc: '5651', median: 170, weight: 5, visits: 0.5, online: 0.5, abroad: 0.3, sunday: false }, // clothing
  { mcc: '5732', median: 520, weight: 2, visits: 0.2, online: 0.7, abroad: 0.3, sunday: false }, // electronics
  { mcc: '5200', median: 190, weight: 3, visits: 0.4, online: 0.2, abroad: 0, sunday: false }, // home and garden
  { mcc: '4111', median: 6, weight: 5, visits: 2, online: 0.8, abroad: 0, sunday: true }, // city transit tickets
  { mcc: '4121', median: 34, weight: 3, visits: 0.6, online: 1, abroad: 0.5, sunday: true }, // ride hailing
  { mcc: '4899', median: 45, weight: 3, visits: 0.3, online: 1, abroad: 0.7, sunday: true }, // streaming, subscriptions
  { mcc: '7832', median: 42, weight: 2, visits: 0.3, online: 0.6, abroad: 0, sunday: true }, // cinema
  { mcc: '5942', median: 55, weight: 1, visits: 0.2, online: 0.7, abroad: 0.2, sunday: false }, // books
  { mcc: '7011', median: 420, weight: 1, visits: 0.1, online: 0.9, abroad: 0.4, sunday: true }, // hotels
];
/** Categories whose shops are closed on Sundays: their card payments in store do not happen then. */
export const CLOSED_ON_SUNDAY: ReadonlySet<string> = new Set(CATEGORIES.filter((c) => !c.sunday).map((c) => c.mcc));
/** Bought only online (never at a till). */
export const ONLINE_ONLY: ReadonlySet<string> = new Set(CATEGORIES.filter((c) => c.online === 1).map((c) => c.mcc));
/** Where this bank's customers buy abroad online. */
const FOREIGN_SHOPS = ['CN', 'IE', 'IE', 'NL', 'NL', 'DE', 'LT'];

/** Bills: the kind, how many billers of it, the share of households that pay one, the monthly amount (PLN) and whether it varies month to month. */
const BILLS: readonly { mcc: string; billers: number; share: number; amount: (rng: Rng) => number; metered: boolean }[] = [
  { mcc: '4900', billers: 2, share: 1, amount: (rng) => rng.logNormal(190, 0.35), metered: false }, // electricity, a fixed forecast instalment
  { mcc: '4900', billers: 1, share: 0.45, amount: (rng) => rng.logNormal(160, 0.5), metered: false }, // gas
  { mcc: '4900', billers: 2, share: 0.35, amount: (rng) => rng.logNormal(95, 0.3), metered: true }, // water and waste
  { mcc: '4814', billers: 3, share: 0.92, amount: (rng) => rng.pick([30, 40, 50, 60, 75, 90]), metered: false }, // mobile plans
  { mcc: '4899', billers: 2, share: 0.6, amount: (rng) => rng.pick([59, 69, 89, 119, 149]), metered: false }, // internet and TV
  { mcc: '6300', billers: 2, share: 0.35, amount: (rng) => rng.logNormal(110, 0.5), metered: false }, // insurance
];

/** Monthly on a day (moved back to Friday when it falls on a weekend), or every other week from an epoch day. */
export type PaySchedule = { monthly: number } | { fortnightlyFrom: number };

export interface Bill {
  biller: Merchant;
  amount: number;
  /** Varies ±8 % month to month (water); the others are the same every month. */
  metered: boolean;
  day: number;
  /** A direct debit on the biller's collection day; otherwise paid in the app some days before. */
  debit: boolean;
}

/** A monthly transfer of a fixed amount: rent, savings, a loan instalment, an allowance, a remittance home. */
export interface StandingOrder {
  to: Account;
  amount: number;
  day: number;
  role: 'rent' | 'savings' | 'loan' | 'allowance' | 'remittance';
  /** Made by hand in the app (with a device, in the evening) rather than executed by the bank at night. */
  manual: boolean;
}

export interface Household {
  id: string;
  /** The current account, and a savings account for some. */
  accounts: Account[];
  /** Net monthly income, PLN. */
  income: number;
  devices: Device[];
  /** Paid by an employer or by social insurance; none for cash earners and dependants. */
  pay?: { from: Account; amount: number; schedule: PaySchedule; role: 'salary' | 'pension'; varies: boolean };
  /** Deposits their earnings in cash once a week, on this weekday (0 = Sunday). */
  cashDepositDay?: number;
  /** The child benefit from social insurance (800 PLN a child) and its day. */
  benefit?: { amount: number; day: number };
  orders: StandingOrder[];
  bills: Bill[];
  /** Marketplace payouts per day (sellers). */
  sales: number;
  /** Card payments per day. */
  activity: number;
  favourites: Merchant[];
  friends: Account[];
  /** ATM withdrawals per day. */
  withdrawals: number;
  /** Index of the home region (its ATMs) and of the home branch. */
  region: number;
  branch: number;
}

export interface SecondPopulation extends Population {
  households: Household[];
  customerOf: ReadonlyMap<string, Household>;
  /** Each merchant's share of walk-in custom (same order as `merchants`). */
  popularity: number[];
  /** Pays buyers' sellers out and takes card payments: receives from many and pays many. */
  marketplace: Merchant;
  /** Social insurance: pensions and child benefit. */
  socialInsurance: Account;
  employerSchedules: ReadonlyMap<string, PaySchedule>;
  billers: Merchant[];
  /** This bank's own cash accounts behind its ATMs (one per region) and branch tills, and an independent ATM network's. */
  atms: Account[];
  branches: Account[];
  networkAtms: Account[];
  loans: Account;
}

const REGIONS = 5;
const BRANCHES = 8;
/** A Friday: fortnightly paydays fall on Fridays. */
const A_FRIDAY = Date.UTC(2026, 0, 2) / DAY;

/** Builds the second bank: its households, corporate clients, cash and loan accounts, and the merchants, billers and employers they deal with. */
export function buildSecondPopulation(rng: Rng, accountCount: number): SecondPopulation {
  const externals = new IbanAccounts('X');
  const bankCif = cif('bank', 1);
  let corporates = 0;
  const corporate = (): Account => {
    corporates++;
    return ownAccount('corporate', corporates, cif('corporate', corporates));
  };
  const domestic = (): Account => externals.create(rng, SECOND_HOME);
  let mids = 0;
  const mid = (): string => scramble(serial('merchant', ++mids), 10);

  // Far fewer merchants per customer than the first bank, with a heavy-tailed popularity: a few chains take most walk-in custom.
  const merchants: Merchant[] = [];
  const popularity: number[] = [];
  const merchantCount = Math.max(CATEGORIES.length, Math.round(accountCount / 50));
  for (let i = 0; i < merchantCount; i++) {
    const category = i < CATEGORIES.length ? CATEGORIES[i] : CATEGORIES[rng.weighted(CATEGORIES.map((c) => c.weight))];
    const online = rng.chance(category.online);
    const country = online && rng.chance(category.abroad) ? rng.pick(FOREIGN_SHOPS) : SECOND_HOME;
    const account = country !== SECOND_HOME ? externals.create(rng, country) : rng.chance(0.15) ? corporate() : domestic();
    merchants.push({ id: mid(), mcc: category.mcc, account, online, median: category.median * rng.uniform(0.8, 1.25) });
    popularity.push(category.visits * rng.logNormal(1, 1.1));
  }
  const onlineMerchants = merchants.filter((m) => m.online);
  const marketplaceAccount = domestic();
  const marketplace: Merchant = { id: mid(), mcc: '5399', account: marketplaceAccount, online: true, median: 110 };
  onlineMerchants.push(marketplace);

  const billerKinds = BILLS.map((kind) => Array.from({ length: kind.billers }, (): Merchant => ({ id: mid(), mcc: kind.mcc, account: domestic(), online: true, median: 0 })));
  const collectionDay = new Map<Merchant, number>();
  for (const biller of billerKinds.flat()) collectionDay.set(biller, rng.int(5, 25));

  // A few large employers pay most salaries: Zipf-like headcounts.
  const employers: Account[] = [];
  const employerSchedules = new Map<string, PaySchedule>();
  const employerCount = Math.max(6, Math.round(accountCount / 200));
  for (let i = 0; i < employerCount; i++) {
    const account = rng.chance(0.4) ? corporate() : domestic();
    employers.push(account);
    employerSchedules.set(account.id, rng.chance(0.25) ? { fortnightlyFrom: A_FRIDAY + 7 * rng.int(0, 1) } : { monthly: rng.pick([10, 10, 10, 1, 5, 25, 28]) });
  }
  const headcount = employers.map((_, i) => 1 / Math.pow(i + 1, 0.9));
  const socialInsurance: Account = { id: accountNumber(SECOND_HOME, CENTRAL_BANK, serial('external', 1)), customer: cif('external', 1), country: SECOND_HOME, bank: CENTRAL_BANK, currency: 'PLN', external: true };
  const loans = ownAccount('bank', 1, bankCif);
  const atms = Array.from({ length: REGIONS }, (_, i) => ownAccount('bank', 100 + i, bankCif));
  const branches = Array.from({ length: BRANCHES }, (_, i) => ownAccount('bank', 200 + i, bankCif));
  const networkAtms = [domestic(), domestic()];

  const households: Household[] = [];
  const accounts: Account[] = [];
  while (accounts.length < accountCount) {
    const n = households.length + 1;
    const id = cif('own', n);
    const own: Account[] = [];
    for (let k = Math.min(accountCount - accounts.length, rng.chance(0.2) ? 2 : 1); k > 0; k--) {
      const account: Account = { id: accountNumber(SECOND_HOME, SECOND_BIC, serial('own', accounts.length + 1)), customer: id, country: SECOND_HOME, bank: SECOND_BIC, currency: 'PLN', external: false };
      own.push(account);
      accounts.push(account);
    }
    const kind = rng.weighted([68, 20, 5, 7]); // employee, pensioner, cash earner, dependant
    const income = kind === 1 ? Math.max(1900, rng.logNormal(3300, 0.35)) : kind === 3 ? rng.uniform(800, 2500) : Math.min(60_000, Math.max(3600, rng.logNormal(5800, 0.5)));
    let pay: Household['pay'];
    if (kind === 0) {
      const employer = employers[rng.weighted(headcount)];
      const schedule = employerSchedules.get(employer.id) as PaySchedule;
      pay = { from: employer, amount: 'monthly' in schedule ? income : (income * 12) / 26, schedule, role: 'salary', varies: rng.chance(0.3) };
    } else if (kind === 1) {
      pay = { from: socialInsurance, amount: income, schedule: { monthly: rng.pick([1, 5, 6, 10, 15, 20, 25]) }, role: 'pension', varies: false };
    }
    const devices: Device[] = [];
    for (let k = rng.weighted([60, 35, 5]) + 1; k > 0; k--) devices.push(newDevice(rng));
    const orders: StandingOrder[] = [];
    if (kind !== 1 && kind !== 3 && rng.chance(0.35)) {
      const landlord = rng.chance(0.25) && households.length > 0 ? rng.pick(households).accounts[0] : domestic();
      orders.push({ to: landlord, amount: Math.round(rng.logNormal(2600, 0.3) / 50) * 50, day: rng.int(1, 10), role: 'rent', manual: rng.chance(0.3) });
    }
    if (own.length > 1) orders.push({ to: own[1], amount: Math.max(50, Math.round((income * rng.uniform(0.05, 0.2)) / 10) * 10), day: rng.int(1, 28), role: 'savings', manual: false });
    if (kind !== 3 && rng.chance(0.28)) orders.push({ to: loans, amount: Math.round(income * rng.uniform(0.1, 0.35) * 100) / 100, day: rng.int(1, 28), role: 'loan', manual: false });
    if (kind === 0 && rng.chance(0.09)) orders.push({ to: externals.create(rng, 'UA'), amount: Math.round(rng.logNormal(1200, 0.4) / 50) * 50, day: rng.int(1, 28), role: 'remittance', manual: true });
    if (kind === 3 && households.length > 0) {
      rng.pick(households).orders.push({ to: own[0], amount: Math.round(income / 100) * 100, day: rng.int(1, 10), role: 'allowance', manual: rng.chance(0.5) });
    }
    const bills: Bill[] = [];
    if (kind !== 3) {
      for (const [k, bill] of BILLS.entries()) {
        if (!rng.chance(bill.share)) continue;
        const biller = rng.pick(billerKinds[k]);
        const debit = rng.chance(0.4);
        const due = collectionDay.get(biller) as number;
        bills.push({ biller, amount: bill.amount(rng), metered: bill.metered, day: debit ? due : Math.max(1, due - rng.int(0, 6)), debit });
      }
    }
    const favourites = Array.from({ length: rng.int(2, 5) }, () => merchants[rng.weighted(popularity)]);
    households.push({
      id,
      accounts: own,
      income,
      devices,
      ...(pay ? { pay } : {}),
      ...(kind === 2 ? { cashDepositDay: rng.int(1, 6) } : {}),
      ...(kind !== 1 && rng.chance(0.25) ? { benefit: { amount: 800 * rng.int(1, 3), day: rng.pick([1, 5, 10, 15, 20]) } } : {}),
      orders,
      bills,
      sales: rng.chance(0.06) ? rng.uniform(0.1, 0.6) : 0,
      activity: rng.uniform(1, 3.6) * Math.pow(Math.max(income, 2000) / 5800, 0.25) * (kind === 1 ? 0.7 : 1),
      favourites,
      friends: [],
      withdrawals: kind === 1 || kind === 2 ? rng.uniform(0.04, 0.15) : rng.uniform(0.01, 0.08),
      region: rng.int(0, REGIONS - 1),
      branch: rng.int(0, BRANCHES - 1),
    });
  }
  for (const household of households) {
    for (let k = rng.int(3, 7); k > 0; k--) {
      const x = rng.float();
      const friend = x < 0.65 ? rng.pick(households).accounts[0] : x < 0.93 ? domestic() : externals.create(rng, rng.pick(NEIGHBOURS));
      if (friend.customer !== household.id) household.friends.push(friend);
    }
    if (household.friends.length === 0) household.friends.push(domestic());
  }
  const customerOf = new Map<string, Household>();
  for (const household of households) for (const account of household.accounts) customerOf.set(account.id, household);

  return {
    households,
    accounts,
    customerOf,
    merchants,
    onlineMerchants,
    popularity,
    marketplace,
    employers,
    employerSchedules,
    socialInsurance,
    billers: billerKinds.flat(),
    atms,
    branches,
    networkAtms,
    loans,
    geography: { home: SECOND_HOME, neighbours: NEIGHBOURS, highRisk: HIGH_RISK },
    cashAccount: (cashRng, account, channel) => {
      const household = customerOf.get(account.id);
      if (channel === 'BRANCH') return branches[household?.branch ?? cashRng.int(0, BRANCHES - 1)];
      const x = cashRng.float();
      return x < 0.8 && household ? atms[household.region] : x < 0.93 ? cashRng.pick(atms) : cashRng.pick(networkAtms);
    },
    appChannel: (channelRng): Channel => (channelRng.chance(0.8) ? 'MOBILE' : 'ONLINE'),
    charity: (charityRng) => ({ id: mid(), mcc: '8398', account: externals.create(charityRng, SECOND_HOME), online: true, median: 60 }),
  };
}
