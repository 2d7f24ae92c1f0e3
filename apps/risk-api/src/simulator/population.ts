import { Rng } from '@vigil/platform';

import { Account, Device, ExternalAccountSource, Merchant, Population } from './model';

/** Banks (BIC) per country; the last group are the usual far-away destinations of laundered money. */
export const BANKS: Readonly<Record<string, readonly string[]>> = {
  DE: ['DEUTDEFF', 'COBADEFF', 'GENODEF1', 'BYLADEMM', 'HYVEDEMM'],
  NL: ['INGBNL2A', 'ABNANL2A', 'RABONL2U'],
  FR: ['BNPAFRPP', 'SOGEFRPP', 'AGRIFRPP'],
  AT: ['BKAUATWW', 'RZBAATWW'],
  PL: ['PKOPPLPW', 'BREXPLPW'],
  IT: ['UNCRITMM', 'BCITITMM'],
  ES: ['BSCHESMM', 'CAIXESBB'],
  GB: ['BARCGB22', 'HBUKGB4B'],
  CH: ['UBSWCHZH'],
  AE: ['EBILAEAD'],
  CY: ['BCYPCY2N'],
  HK: ['HSBCHKHH'],
  TR: ['TGBATRIS'],
  CZ: ['KOMBCZPP', 'CEKOCZPP'],
  SK: ['SUBASKBX', 'TATRSKBX'],
  LT: ['HABALT22', 'CBVILT2X'],
  UA: ['PBANUA2X', 'AVALUAUK'],
  IE: ['AIBKIE2D', 'BOFIIE2D'],
  GE: ['BAGAGE22'],
  CN: ['ICBKCNBJ', 'BKCHCNBJ'],
};

const CURRENCY: Readonly<Record<string, string>> = { PL: 'PLN', GB: 'GBP', CH: 'CHF', AE: 'AED', HK: 'HKD', TR: 'TRY', CZ: 'CZK', UA: 'UAH', GE: 'GEL', CN: 'CNY' };
export const currencyOf = (country: string): string => CURRENCY[country] ?? 'EUR';

/** The first bank's home market, and where the rest of its customers live. */
export const HOME_COUNTRY = 'DE';
const OTHER_HOMES = ['NL', 'FR', 'AT', 'PL', 'IT', 'ES', 'GB'];
export const NEIGHBOURS = ['NL', 'FR', 'AT', 'PL', 'IT', 'ES', 'GB', 'CH'];
export const HIGH_RISK = ['AE', 'CY', 'HK', 'TR'];

/** Merchant categories: MCC, typical ticket (major units), weight, sold online. */
const MCCS: readonly { mcc: string; median: number; weight: number; online: number }[] = [
  { mcc: '5411', median: 35, weight: 30, online: 0.05 }, // groceries
  { mcc: '5812', median: 28, weight: 10, online: 0 }, // restaurants
  { mcc: '5814', median: 9, weight: 10, online: 0.1 }, // fast food
  { mcc: '5541', median: 55, weight: 8, online: 0 }, // fuel
  { mcc: '5912', median: 18, weight: 6, online: 0.2 }, // pharmacy
  { mcc: '5311', median: 60, weight: 6, online: 0.3 }, // department store
  { mcc: '5732', median: 140, weight: 3, online: 0.6 }, // electronics
  { mcc: '5651', median: 55, weight: 6, online: 0.5 }, // clothing
  { mcc: '5942', median: 20, weight: 3, online: 0.7 }, // books
  { mcc: '4111', median: 4, weight: 8, online: 0.4 }, // transit
  { mcc: '5968', median: 12, weight: 5, online: 1 }, // subscriptions
  { mcc: '5999', median: 30, weight: 5, online: 0.4 }, // misc retail
  { mcc: '7011', median: 120, weight: 1, online: 0.8 }, // hotels
  { mcc: '4511', median: 240, weight: 1, online: 1 }, // airlines
];
const UTILITY_MCCS = ['4900', '4814', '6300'];
const FIRST_OCTETS = [31, 37, 46, 62, 77, 78, 79, 80, 84, 85, 87, 88, 91, 93, 95, 109, 176, 178, 185, 188, 212, 213, 217];

export interface Customer {
  id: string;
  country: string;
  accounts: Account[];
  /** Net monthly income, major units. */
  income: number;
  salaryDay: number;
  /** Paid in cash at a branch instead of by the employer's transfer. */
  cashIncome: boolean;
  employer: Account;
  rent: number;
  rentDay: number;
  landlord: Account;
  debits: { utility: Merchant; day: number; amount: number }[];
  devices: Device[];
  /** Mean card payments per weekday. */
  activity: number;
  favourites: Merchant[];
  friends: Account[];
}

export interface FirstPopulation extends Population {
  customers: Customer[];
  customerOf: ReadonlyMap<string, Customer>;
}

const pad = (n: number, width = 6): string => String(n).padStart(width, '0');

/** A syntactically valid public-looking IPv4 address, in one of the given /8 blocks. */
export function randomIp(rng: Rng, firstOctets: readonly number[] = FIRST_OCTETS): string {
  return `${rng.pick(firstOctets)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** The cash account behind the bank's ATMs in the account's country: the first bank books withdrawals against one of 40 per bank. */
export function atm(account: Account, rng: Rng): Account {
  const n = rng.int(1, 40);
  return { id: `ATM-${account.bank}-${String(n).padStart(3, '0')}`, customer: `C-ATM-${account.bank}`, country: account.country, bank: account.bank, currency: account.currency, external: true };
}

/** The first bank's external accounts: `A-<prefix><n>`, with a bank of their country. */
export class ExternalAccounts implements ExternalAccountSource {
  private next = 1;

  constructor(private readonly prefix: string) {}

  create(rng: Rng, country: string): Account {
    const n = pad(this.next++, 5);
    return { id: `A-${this.prefix}${n}`, customer: `C-${this.prefix}${n}`, country, bank: rng.pick(BANKS[country]), currency: currencyOf(country), external: true };
  }
}

/** Builds the first bank's customers, accounts, devices and the merchants and employers they deal with. */
export function buildPopulation(rng: Rng, accountCount: number): FirstPopulation {
  const externals = new ExternalAccounts('X');
  const merchants: Merchant[] = [];
  const merchantCount = Math.max(40, Math.round(accountCount / 10));
  for (let i = 1; i <= merchantCount; i++) {
    const category = MCCS[rng.weighted(MCCS.map((m) => m.weight))];
    const country = rng.chance(0.1) ? rng.pick(NEIGHBOURS) : HOME_COUNTRY;
    const account: Account = { id: `A-M${pad(i, 5)}`, customer: `C-M${pad(i, 5)}`, country, bank: rng.pick(BANKS[country]), currency: currencyOf(country), external: true };
    merchants.push({ id: `M-${pad(i, 5)}`, mcc: category.mcc, account, online: rng.chance(category.online), median: category.median * rng.uniform(0.7, 1.4) });
  }
  const onlineMerchants = merchants.filter((m) => m.online);
  if (onlineMerchants.length === 0) onlineMerchants.push(merchants[0]);
  const utilities: Merchant[] = UTILITY_MCCS.flatMap((mcc, i) =>
    [1, 2, 3].map((k) => {
      const n = pad(i * 3 + k, 4);
      const account: Account = { id: `A-U${n}`, customer: `C-U${n}`, country: HOME_COUNTRY, bank: rng.pick(BANKS[HOME_COUNTRY]), currency: 'EUR', external: true };
      return { id: `M-U${n}`, mcc, account, online: true, median: 60 };
    }),
  );
  const employers: Account[] = [];
  for (let i = 1; i <= Math.max(10, Math.round(accountCount / 40)); i++) {
    const country = rng.chance(0.9) ? HOME_COUNTRY : rng.pick(NEIGHBOURS);
    employers.push({ id: `A-E${pad(i, 5)}`, customer: `C-E${pad(i, 5)}`, country, bank: rng.pick(BANKS[country]), currency: currencyOf(country), external: true });
  }

  const customers: Customer[] = [];
  const accounts: Account[] = [];
  let deviceNo = 1;
  while (accounts.length < accountCount) {
    const id = `C-${pad(customers.length + 1)}`;
    const country = rng.chance(0.85) ? HOME_COUNTRY : rng.pick(OTHER_HOMES);
    const own: Account[] = [];
    const accountsHere = Math.min(accountCount - accounts.length, rng.chance(0.2) ? 2 : 1);
    for (let k = 0; k < accountsHere; k++) {
      const account: Account = { id: `A-${pad(accounts.length + 1)}`, customer: id, country, bank: rng.pick(BANKS[country]), currency: currencyOf(country), external: false };
      own.push(account);
      accounts.push(account);
    }
    const income = Math.min(40_000, Math.max(600, rng.logNormal(2800, 0.5)));
    const devices: Device[] = [];
    for (let k = rng.int(1, 3); k > 0; k--) devices.push({ id: `D-${pad(deviceNo++)}`, ip: randomIp(rng) });
    const rentCountry = country === HOME_COUNTRY ? HOME_COUNTRY : rng.chance(0.7) ? HOME_COUNTRY : country;
    customers.push({
      id,
      country,
      accounts: own,
      income,
      salaryDay: rng.pick([25, 26, 27, 28, 1]),
      cashIncome: rng.chance(0.05),
      employer: rng.pick(employers),
      rent: income * rng.uniform(0.2, 0.4),
      rentDay: rng.int(1, 3),
      landlord: externals.create(rng, rentCountry),
      debits: rng.sample(utilities, rng.int(1, 3)).map((utility) => ({ utility, day: rng.int(1, 28), amount: rng.logNormal(utility.median, 0.5) })),
      devices,
      activity: rng.uniform(0.6, 2.2) * Math.pow(income / 2800, 0.3),
      favourites: rng.sample(merchants, rng.int(4, 9)),
      friends: [],
    });
  }
  for (const customer of customers) {
    const friends = rng.sample(accounts, 4).filter((a) => a.customer !== customer.id);
    if (rng.chance(0.3)) friends.push(externals.create(rng, rng.pick(NEIGHBOURS)));
    customer.friends = friends.length > 0 ? friends : [externals.create(rng, HOME_COUNTRY)];
  }
  const customerOf = new Map<string, Customer>();
  for (const customer of customers) for (const account of customer.accounts) customerOf.set(account.id, customer);
  return {
    customers,
    accounts,
    merchants,
    onlineMerchants,
    employers,
    customerOf,
    geography: { home: HOME_COUNTRY, neighbours: NEIGHBOURS, highRisk: HIGH_RISK },
    // The first bank books a cash deposit from the account to itself, and customers' transfers come from the web.
    cashAccount: (rng, account, channel) => (channel === 'ATM' ? atm(account, rng) : account),
    appChannel: () => 'ONLINE',
    charity: (rng) => {
      const n = String(rng.int(1, 999)).padStart(3, '0');
      const account: Account = { id: `A-CH${n}`, customer: `C-CH${n}`, country: HOME_COUNTRY, bank: rng.pick(BANKS[HOME_COUNTRY]), currency: currencyOf(HOME_COUNTRY), external: true };
      return { id: `M-CH${n}`, mcc: '8398', account, online: true, median: 30 };
    },
  };
}
