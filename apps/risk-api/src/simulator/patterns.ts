import { Rng } from '@vigil/platform';

import { atm } from './background';
import { Account, Device, Draft, HOUR, Label, MINUTE, toMinor } from './model';
import { BANKS, currencyOf, ExternalAccounts, HIGH_RISK, HOME_COUNTRY, NEIGHBOURS, Population, randomIp } from './population';

/** AMLSim typologies (label `aml`), then the fraud patterns (label `fraud`: structuring onwards). */
export const PATTERN_NAMES = [
  'fan-out',
  'fan-in',
  'cycle',
  'bipartite',
  'stack',
  'scatter-gather',
  'gather-scatter',
  'structuring',
  'mule',
  'account-takeover',
  'card-testing',
] as const;
export type PatternName = (typeof PATTERN_NAMES)[number];

/** Benign look-alikes (label `benign`): what a naive rule would flag. */
export const DECOY_NAMES = ['payroll', 'supplier-payments', 'crowdfunding', 'big-purchase'] as const;
export type DecoyName = (typeof DECOY_NAMES)[number];

/** Every instance fits in this span, so it can be placed anywhere in a window of at least a day. */
export const MAX_INSTANCE_SPAN = 20 * HOUR;
/** The reporting threshold that structuring stays just below (major units). */
export const REPORTING_THRESHOLD = 10_000;

/** Instances per pattern (or decoy kind) by default: 2 per 1 000 accounts per 7 days, times `intensity`, at least 1. */
export function defaultInstanceCount(accounts: number, days: number, intensity: number): number {
  return intensity === 0 ? 0 : Math.max(1, Math.round(2 * (accounts / 1000) * (days / 7) * intensity));
}

export interface PatternContext {
  rng: Rng;
  population: Population;
  /** The instance's first instant. */
  start: number;
  externals: ExternalAccounts;
  newDevice(): Device;
}

export type Builder = (ctx: PatternContext) => Draft[];

/** Distinct population accounts of distinct customers. */
function members(ctx: PatternContext, count: number): Account[] {
  const picked: Account[] = [];
  const customers = new Set<string>();
  for (let tries = 0; picked.length < count && tries < count * 20; tries++) {
    const account = ctx.rng.pick(ctx.population.accounts);
    if (customers.has(account.customer)) continue;
    customers.add(account.customer);
    picked.push(account);
  }
  return picked;
}

function knownDevice(ctx: PatternContext, account: Account): Device | undefined {
  const customer = ctx.population.customerOf.get(account.id);
  return customer ? ctx.rng.pick(customer.devices) : undefined;
}

/** Sorted instants in [from, to) after the instance start. */
function times(ctx: PatternContext, count: number, from: number, to: number): number[] {
  return Array.from({ length: count }, () => ctx.start + Math.floor(ctx.rng.uniform(from, to))).sort((a, b) => a - b);
}

function transfer(ctx: PatternContext, ts: number, from: Account, to: Account, major: number, role: string): Draft {
  const device = from.external ? undefined : knownDevice(ctx, from);
  return { ts, amountMinor: toMinor(major), type: 'TRANSFER', channel: device ? 'ONLINE' : 'API', from, to, ...(device ? { device } : {}), role };
}

const base = (ctx: PatternContext, median: number): number => Math.min(200_000, ctx.rng.logNormal(median, 0.5));
const jitter = (ctx: PatternContext, major: number): number => major * ctx.rng.uniform(0.85, 1.1);
const foreign = (ctx: PatternContext, highRisk = 0.5): Account => ctx.externals.create(ctx.rng, ctx.rng.chance(highRisk) ? ctx.rng.pick(HIGH_RISK) : ctx.rng.pick(NEIGHBOURS));

const fanOut: Builder = (ctx) => {
  const [source, ...locals] = members(ctx, 1 + ctx.rng.int(3, 6));
  const targets = [...locals];
  for (let n = ctx.rng.int(3, 6); n > 0; n--) targets.push(foreign(ctx));
  const amount = base(ctx, 3000);
  return times(ctx, targets.length, 0, 6 * HOUR).map((ts, i) => transfer(ctx, ts, source, targets[i], jitter(ctx, amount), 'out'));
};

const fanIn: Builder = (ctx) => {
  const [sink, ...sources] = members(ctx, 1 + ctx.rng.int(6, 12));
  const amount = base(ctx, 2500);
  return times(ctx, sources.length, 0, 6 * HOUR).map((ts, i) => transfer(ctx, ts, sources[i], sink, jitter(ctx, amount), 'in'));
};

const cycle: Builder = (ctx) => {
  const ring = members(ctx, ctx.rng.int(3, 6));
  let amount = base(ctx, 15_000);
  let ts = ctx.start;
  return ring.map((from, i) => {
    const draft = transfer(ctx, ts, from, ring[(i + 1) % ring.length], amount, 'hop');
    amount *= ctx.rng.uniform(0.95, 0.99);
    ts += Math.floor(ctx.rng.uniform(30 * MINUTE, 3 * HOUR));
    return draft;
  });
};

const bipartite: Builder = (ctx) => {
  const all = members(ctx, ctx.rng.int(3, 5) + ctx.rng.int(3, 5));
  const cut = Math.floor(all.length / 2);
  const [left, right] = [all.slice(0, cut), all.slice(cut)];
  const amount = base(ctx, 4000);
  const pairs = left.flatMap((from) => right.map((to) => [from, to] as const));
  return times(ctx, pairs.length, 0, 8 * HOUR).map((ts, i) => transfer(ctx, ts, pairs[i][0], pairs[i][1], jitter(ctx, amount), 'edge'));
};

/** Layered: every account of one layer pays every account of the next, layer by layer. */
const stack: Builder = (ctx) => {
  const sizes = [ctx.rng.int(2, 4), ctx.rng.int(2, 4), ctx.rng.int(2, 4)];
  const all = members(ctx, sizes[0] + sizes[1] + sizes[2]);
  const layers = [all.slice(0, sizes[0]), all.slice(sizes[0], sizes[0] + sizes[1]), all.slice(sizes[0] + sizes[1])];
  const amount = base(ctx, 5000);
  const drafts: Draft[] = [];
  for (let layer = 0; layer < 2; layer++) {
    const pairs = layers[layer].flatMap((from) => layers[layer + 1].map((to) => [from, to] as const));
    const slot = layer * 5 * HOUR;
    times(ctx, pairs.length, slot, slot + 4 * HOUR).forEach((ts, i) => drafts.push(transfer(ctx, ts, pairs[i][0], pairs[i][1], jitter(ctx, amount * (1 - 0.03 * layer)), `layer-${layer + 1}`)));
  }
  return drafts;
};

const scatterGather: Builder = (ctx) => {
  const [source, sink, ...middle] = members(ctx, 2 + ctx.rng.int(4, 8));
  const amount = base(ctx, 6000);
  const out = times(ctx, middle.length, 0, 3 * HOUR).map((ts, i) => transfer(ctx, ts, source, middle[i], jitter(ctx, amount), 'scatter'));
  const back = times(ctx, middle.length, 4 * HOUR, 10 * HOUR).map((ts, i) => transfer(ctx, ts, middle[i], sink, out[i].amountMinor / 100 * ctx.rng.uniform(0.95, 0.99), 'gather'));
  return [...out, ...back];
};

const gatherScatter: Builder = (ctx) => {
  const k = ctx.rng.int(4, 7);
  const [hub, ...rest] = members(ctx, 1 + 2 * k);
  const sources = rest.slice(0, k);
  const sinks = rest.slice(k);
  const amount = base(ctx, 5000);
  const gathered = times(ctx, sources.length, 0, 3 * HOUR).map((ts, i) => transfer(ctx, ts, sources[i], hub, jitter(ctx, amount), 'gather'));
  const total = gathered.reduce((sum, d) => sum + d.amountMinor, 0) / 100;
  const scattered = times(ctx, sinks.length, 4 * HOUR, 10 * HOUR).map((ts, i) => transfer(ctx, ts, hub, sinks[i], (total * 0.96) / sinks.length, 'scatter'));
  return [...gathered, ...scattered];
};

/** Many deposits or transfers just below the reporting threshold, over one working day. */
const structuring: Builder = (ctx) => {
  const [account] = members(ctx, 1);
  const cash = ctx.rng.chance(0.6);
  const target = foreign(ctx, 0.3);
  return times(ctx, ctx.rng.int(6, 14), 0, 10 * HOUR).map((ts) => {
    const amountMinor = REPORTING_THRESHOLD * 100 - ctx.rng.int(1, 100_000);
    return cash
      ? { ts, amountMinor, type: 'CASH_IN' as const, channel: 'BRANCH' as const, from: account, to: account, role: 'deposit' }
      : { ...transfer(ctx, ts, account, target, 0, 'transfer'), amountMinor };
  });
};

/** Money in from several payers, then almost all of it out again within hours. */
const mule: Builder = (ctx) => {
  const [account, ...locals] = members(ctx, 1 + ctx.rng.int(1, 2));
  const payers = [...locals, foreign(ctx, 0.2)];
  const incoming = times(ctx, payers.length, 0, 2 * HOUR).map((ts, i) => transfer(ctx, ts, payers[i], account, base(ctx, 2500), 'in'));
  const total = incoming.reduce((sum, d) => sum + d.amountMinor, 0);
  const outAt = incoming[incoming.length - 1].ts + Math.floor(ctx.rng.uniform(20 * MINUTE, 3 * HOUR));
  const keep = ctx.rng.uniform(0.03, 0.1);
  if (ctx.rng.chance(0.3)) {
    return [...incoming, { ts: outAt, amountMinor: Math.floor(total * (1 - keep)), type: 'CASH_OUT', channel: 'ATM', from: account, to: atm(account, ctx.rng), role: 'out' }];
  }
  const legs = ctx.rng.int(1, 2);
  const outgoing: Draft[] = [];
  for (let i = 0; i < legs; i++) {
    const draft = transfer(ctx, outAt + i * Math.floor(ctx.rng.uniform(MINUTE, 20 * MINUTE)), account, foreign(ctx, 0.7), 0, 'out');
    outgoing.push({ ...draft, amountMinor: Math.floor((total * (1 - keep)) / legs) });
  }
  return [...incoming, ...outgoing];
};

/** A device never seen before, a beneficiary never paid before, a large amount. */
const accountTakeover: Builder = (ctx) => {
  const [victim] = members(ctx, 1);
  const income = ctx.population.customerOf.get(victim.id)?.income ?? 3000;
  const device = ctx.newDevice();
  const beneficiary = foreign(ctx, 0.6);
  return times(ctx, ctx.rng.int(1, 2), 0, 30 * MINUTE).map((ts) => ({
    ts,
    amountMinor: toMinor(Math.max(2000, income * ctx.rng.uniform(1.5, 4))),
    type: 'TRANSFER' as const,
    channel: ctx.rng.chance(0.5) ? ('ONLINE' as const) : ('MOBILE' as const),
    from: victim,
    to: beneficiary,
    device,
    role: 'takeover',
  }));
};

/** A burst of tiny online payments on a stolen card, sometimes followed by one real purchase. */
const cardTesting: Builder = (ctx) => {
  const [card] = members(ctx, 1);
  const device = ctx.newDevice();
  const shops = ctx.population.onlineMerchants;
  const drafts: Draft[] = times(ctx, ctx.rng.int(12, 30), 0, 10 * MINUTE).map((ts) => {
    const merchant = ctx.rng.pick(shops);
    return { ts, amountMinor: ctx.rng.int(50, 299), type: 'PAYMENT', channel: 'ONLINE', from: card, to: merchant.account, merchant, device, role: 'probe' };
  });
  if (ctx.rng.chance(0.5)) {
    const merchant = ctx.rng.pick(shops);
    drafts.push({ ts: drafts[drafts.length - 1].ts + ctx.rng.int(MINUTE, 15 * MINUTE), amountMinor: toMinor(ctx.rng.uniform(300, 900)), type: 'PAYMENT', channel: 'ONLINE', from: card, to: merchant.account, merchant, device, role: 'cash-in' });
  }
  return drafts;
};

const payroll: Builder = (ctx) => {
  const employer = ctx.rng.pick(ctx.population.employers);
  const staff = members(ctx, ctx.rng.int(8, 20));
  return times(ctx, staff.length, 0, 10 * MINUTE).map((ts, i) => ({ ...transfer(ctx, ts, employer, staff[i], ctx.rng.logNormal(2800, 0.3), 'salary'), channel: 'API' as const }));
};

const supplierPayments: Builder = (ctx) => {
  const employer = ctx.rng.pick(ctx.population.employers);
  const suppliers = ctx.rng.sample(ctx.population.merchants, ctx.rng.int(6, 15));
  return times(ctx, suppliers.length, 0, 2 * HOUR).map((ts, i) => ({ ...transfer(ctx, ts, employer, suppliers[i].account, ctx.rng.logNormal(4000, 0.8), 'invoice'), channel: 'API' as const }));
};

const crowdfunding: Builder = (ctx) => {
  const n = String(ctx.rng.int(1, 999)).padStart(3, '0');
  const charity: Account = { id: `A-CH${n}`, customer: `C-CH${n}`, country: HOME_COUNTRY, bank: ctx.rng.pick(BANKS[HOME_COUNTRY]), currency: currencyOf(HOME_COUNTRY), external: true };
  const merchant = { id: `M-CH${n}`, mcc: '8398', account: charity, online: true, median: 30 };
  const donors = members(ctx, ctx.rng.int(10, 25));
  return times(ctx, donors.length, 0, 12 * HOUR).map((ts, i) => {
    const device = knownDevice(ctx, donors[i]);
    return { ts, amountMinor: toMinor(ctx.rng.uniform(10, 100)), type: 'PAYMENT' as const, channel: 'ONLINE' as const, from: donors[i], to: charity, merchant, ...(device ? { device } : {}), role: 'donation' };
  });
};

/** A known device buying a car from a dealer never paid before: a large amount, but benign. */
const bigPurchase: Builder = (ctx) => {
  const [buyer] = members(ctx, 1);
  const dealer = ctx.externals.create(ctx.rng, HOME_COUNTRY);
  return [transfer(ctx, ctx.start + ctx.rng.int(0, 8 * HOUR), buyer, dealer, ctx.rng.uniform(5000, 30_000), 'purchase')];
};

export const PATTERNS: Readonly<Record<PatternName, { label: Label; build: Builder }>> = {
  'fan-out': { label: 'aml', build: fanOut },
  'fan-in': { label: 'aml', build: fanIn },
  cycle: { label: 'aml', build: cycle },
  bipartite: { label: 'aml', build: bipartite },
  stack: { label: 'aml', build: stack },
  'scatter-gather': { label: 'aml', build: scatterGather },
  'gather-scatter': { label: 'aml', build: gatherScatter },
  structuring: { label: 'fraud', build: structuring },
  mule: { label: 'fraud', build: mule },
  'account-takeover': { label: 'fraud', build: accountTakeover },
  'card-testing': { label: 'fraud', build: cardTesting },
};

export const DECOYS: Readonly<Record<DecoyName, Builder>> = {
  payroll,
  'supplier-payments': supplierPayments,
  crowdfunding,
  'big-purchase': bigPurchase,
};

/** A fresh device on a foreign-looking address, for takeovers and stolen cards. */
export function deviceFactory(rng: Rng): () => Device {
  let n = 0;
  return () => ({ id: `D-N${String(++n).padStart(6, '0')}`, ip: randomIp(rng) });
}
