import { Channel } from '@vigil/contracts';

import { Rng } from '@vigil/platform';

import { Account, Device, Draft, ExternalAccountSource, HOUR, Label, MINUTE, Population, toMinor } from './model';
import { randomIp } from './population';

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

/** Every instance of the first bank's patterns fits in this span, so it can be placed anywhere in a window of at least a day. */
export const MAX_INSTANCE_SPAN = 20 * HOUR;
/** The reporting threshold that structuring stays just below (major units of the account's currency): a legal constant, the same in every bank. */
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
  externals: ExternalAccountSource;
  newDevice(): Device;
}

export type Builder = (ctx: PatternContext) => Draft[];
export interface Pattern {
  label: Label;
  build: Builder;
}

/**
 * A count, or the inclusive range it is drawn from. A fixed count (and a probability of 0 or 1, see
 * `sometimes`) draws nothing from the stream, so a bank that varies what another keeps fixed does
 * not shift the other's numbers.
 */
export type Count = number | readonly [number, number];
/** [from, to): milliseconds after the instance start, or a factor range. */
export type Range = readonly [number, number];

const count = (rng: Rng, value: Count): number => (typeof value === 'number' ? value : rng.int(value[0], value[1]));
const sometimes = (rng: Rng, p: number): boolean => (p <= 0 ? false : p >= 1 ? true : rng.chance(p));
const oneOf = <T>(rng: Rng, items: readonly T[]): T => (items.length === 1 ? items[0] : rng.pick(items));

/** Each pattern's shape parameters: counts, amounts (median major units of the bank's currency), time windows. */
export interface PatternParams {
  fanOut: { locals: Count; foreign: Count; highRisk: number; median: number; within: number };
  fanIn: { sources: Count; median: number; within: number };
  /** `kept`: the share of the amount each hop passes on; `gap`: the time between hops. */
  cycle: { hops: Count; median: number; kept: Range; gap: Range };
  /** Both sides are drawn together and split in half. */
  bipartite: { sides: readonly [Count, Count]; median: number; within: number };
  /** `layers` accounts deep; layer n pays layer n+1 in [n·slot, n·slot + within); each layer passes on `1 - decay·n`. */
  stack: { layers: number; size: Count; median: number; slot: number; within: number; decay: number };
  scatterGather: { middle: Count; median: number; out: Range; back: Range; kept: Range };
  /** `sinks` missing: as many sinks as sources. */
  gatherScatter: { sources: Count; sinks?: Count; median: number; gather: Range; scatter: Range; kept: number };
  /** `below`: how far under the threshold each amount is, in minor units; `cash`: the chance the instance deposits cash rather than transfers. */
  structuring: { deposits: Count; within: number; below: Range; cash: number; depositChannels: readonly ('ATM' | 'BRANCH')[]; highRisk: number };
  /** Money in from `locals` + `foreignPayers`, out after `delay` keeping a `kept` share: as cash in `cashLegs` withdrawals, or in `legs` transfers abroad. */
  mule: {
    locals: Count;
    foreignPayers: Count;
    payerHighRisk: number;
    median: number;
    within: number;
    delay: Range;
    kept: Range;
    cash: number;
    cashLegs: Count;
    cashGap: Range;
    legs: Count;
    legGap: Range;
    highRisk: number;
  };
  /** Each transfer is `income × incomes`, at least `minimum`; `domestic`: the chance the beneficiary is a new account at home. */
  takeover: { transfers: Count; within: number; minimum: number; incomes: Range; domestic: number; highRisk: number; online: number };
  /** `tiny`: probe amounts in minor units; `shops` missing: every probe picks any online shop. */
  cardTesting: { probes: Count; within: number; tiny: Range; shops?: Count; purchase: number; delay: Range; amount: Range };
}

export interface DecoyParams {
  payroll: { staff: Count; within: number; median: number; sigma: number };
  supplierPayments: { suppliers: Count; within: number; median: number; sigma: number };
  /** `mobile`: the chance a donation is made in the mobile app rather than on the web. */
  crowdfunding: { donors: Count; within: number; amount: Range; mobile: number };
  bigPurchase: { within: number; amount: Range };
}

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
  const channel: Channel = device ? ctx.population.appChannel(ctx.rng) : 'API';
  return { ts, amountMinor: toMinor(major), type: 'TRANSFER', channel, from, to, ...(device ? { device } : {}), role };
}

const base = (ctx: PatternContext, median: number): number => Math.min(200_000, ctx.rng.logNormal(median, 0.5));
const jitter = (ctx: PatternContext, major: number): number => major * ctx.rng.uniform(0.85, 1.1);
const foreign = (ctx: PatternContext, highRisk = 0.5): Account => {
  const { neighbours, highRisk: destinations } = ctx.population.geography;
  return ctx.externals.create(ctx.rng, ctx.rng.chance(highRisk) ? ctx.rng.pick(destinations) : ctx.rng.pick(neighbours));
};

const fanOut =
  (p: PatternParams['fanOut']): Builder =>
  (ctx) => {
    const [source, ...locals] = members(ctx, 1 + count(ctx.rng, p.locals));
    const targets = [...locals];
    for (let n = count(ctx.rng, p.foreign); n > 0; n--) targets.push(foreign(ctx, p.highRisk));
    const amount = base(ctx, p.median);
    return times(ctx, targets.length, 0, p.within).map((ts, i) => transfer(ctx, ts, source, targets[i], jitter(ctx, amount), 'out'));
  };

const fanIn =
  (p: PatternParams['fanIn']): Builder =>
  (ctx) => {
    const [sink, ...sources] = members(ctx, 1 + count(ctx.rng, p.sources));
    const amount = base(ctx, p.median);
    return times(ctx, sources.length, 0, p.within).map((ts, i) => transfer(ctx, ts, sources[i], sink, jitter(ctx, amount), 'in'));
  };

const cycle =
  (p: PatternParams['cycle']): Builder =>
  (ctx) => {
    const ring = members(ctx, count(ctx.rng, p.hops));
    let amount = base(ctx, p.median);
    let ts = ctx.start;
    return ring.map((from, i) => {
      const draft = transfer(ctx, ts, from, ring[(i + 1) % ring.length], amount, 'hop');
      amount *= ctx.rng.uniform(p.kept[0], p.kept[1]);
      ts += Math.floor(ctx.rng.uniform(p.gap[0], p.gap[1]));
      return draft;
    });
  };

const bipartite =
  (p: PatternParams['bipartite']): Builder =>
  (ctx) => {
    const all = members(ctx, count(ctx.rng, p.sides[0]) + count(ctx.rng, p.sides[1]));
    const cut = Math.floor(all.length / 2);
    const [left, right] = [all.slice(0, cut), all.slice(cut)];
    const amount = base(ctx, p.median);
    const pairs = left.flatMap((from) => right.map((to) => [from, to] as const));
    return times(ctx, pairs.length, 0, p.within).map((ts, i) => transfer(ctx, ts, pairs[i][0], pairs[i][1], jitter(ctx, amount), 'edge'));
  };

/** Layered: every account of one layer pays every account of the next, layer by layer. */
const stack =
  (p: PatternParams['stack']): Builder =>
  (ctx) => {
    const sizes = Array.from({ length: p.layers }, () => count(ctx.rng, p.size));
    const all = members(ctx, sizes.reduce((sum, n) => sum + n, 0));
    const layers = sizes.map((size, i) => {
      const from = sizes.slice(0, i).reduce((sum, n) => sum + n, 0);
      return all.slice(from, from + size);
    });
    const amount = base(ctx, p.median);
    const drafts: Draft[] = [];
    for (let layer = 0; layer < p.layers - 1; layer++) {
      const pairs = layers[layer].flatMap((from) => layers[layer + 1].map((to) => [from, to] as const));
      const slot = layer * p.slot;
      times(ctx, pairs.length, slot, slot + p.within).forEach((ts, i) =>
        drafts.push(transfer(ctx, ts, pairs[i][0], pairs[i][1], jitter(ctx, amount * (1 - p.decay * layer)), `layer-${layer + 1}`)),
      );
    }
    return drafts;
  };

const scatterGather =
  (p: PatternParams['scatterGather']): Builder =>
  (ctx) => {
    const [source, sink, ...middle] = members(ctx, 2 + count(ctx.rng, p.middle));
    const amount = base(ctx, p.median);
    const out = times(ctx, middle.length, p.out[0], p.out[1]).map((ts, i) => transfer(ctx, ts, source, middle[i], jitter(ctx, amount), 'scatter'));
    const back = times(ctx, middle.length, p.back[0], p.back[1]).map((ts, i) =>
      transfer(ctx, ts, middle[i], sink, (out[i].amountMinor / 100) * ctx.rng.uniform(p.kept[0], p.kept[1]), 'gather'),
    );
    return [...out, ...back];
  };

const gatherScatter =
  (p: PatternParams['gatherScatter']): Builder =>
  (ctx) => {
    const k = count(ctx.rng, p.sources);
    const m = p.sinks === undefined ? k : count(ctx.rng, p.sinks);
    const [hub, ...rest] = members(ctx, 1 + k + m);
    const sources = rest.slice(0, k);
    const sinks = rest.slice(k);
    const amount = base(ctx, p.median);
    const gathered = times(ctx, sources.length, p.gather[0], p.gather[1]).map((ts, i) => transfer(ctx, ts, sources[i], hub, jitter(ctx, amount), 'gather'));
    const total = gathered.reduce((sum, d) => sum + d.amountMinor, 0) / 100;
    const scattered = times(ctx, sinks.length, p.scatter[0], p.scatter[1]).map((ts, i) => transfer(ctx, ts, hub, sinks[i], (total * p.kept) / sinks.length, 'scatter'));
    return [...gathered, ...scattered];
  };

/** Many deposits or transfers just below the reporting threshold, over a day or two. */
const structuring =
  (p: PatternParams['structuring']): Builder =>
  (ctx) => {
    const [account] = members(ctx, 1);
    const cash = ctx.rng.chance(p.cash);
    const target = foreign(ctx, p.highRisk);
    return times(ctx, count(ctx.rng, p.deposits), 0, p.within).map((ts) => {
      const amountMinor = REPORTING_THRESHOLD * 100 - ctx.rng.int(p.below[0], p.below[1]);
      if (!cash) return { ...transfer(ctx, ts, account, target, 0, 'transfer'), amountMinor };
      const channel = oneOf(ctx.rng, p.depositChannels);
      return { ts, amountMinor, type: 'CASH_IN' as const, channel, from: account, to: ctx.population.cashAccount(ctx.rng, account, channel), role: 'deposit' };
    });
  };

/** Money in from several payers, then almost all of it out again within hours. */
const mule =
  (p: PatternParams['mule']): Builder =>
  (ctx) => {
    const [account, ...locals] = members(ctx, 1 + count(ctx.rng, p.locals));
    const payers = [...locals];
    for (let n = count(ctx.rng, p.foreignPayers); n > 0; n--) payers.push(foreign(ctx, p.payerHighRisk));
    const incoming = times(ctx, payers.length, 0, p.within).map((ts, i) => transfer(ctx, ts, payers[i], account, base(ctx, p.median), 'in'));
    const total = incoming.reduce((sum, d) => sum + d.amountMinor, 0);
    const outAt = incoming[incoming.length - 1].ts + Math.floor(ctx.rng.uniform(p.delay[0], p.delay[1]));
    const keep = ctx.rng.uniform(p.kept[0], p.kept[1]);
    if (ctx.rng.chance(p.cash)) {
      const withdrawals = count(ctx.rng, p.cashLegs);
      const outgoing: Draft[] = [];
      for (let i = 0, ts = outAt; i < withdrawals; i++) {
        if (i > 0) ts += Math.floor(ctx.rng.uniform(p.cashGap[0], p.cashGap[1]));
        outgoing.push({ ts, amountMinor: Math.floor((total * (1 - keep)) / withdrawals), type: 'CASH_OUT', channel: 'ATM', from: account, to: ctx.population.cashAccount(ctx.rng, account, 'ATM'), role: 'out' });
      }
      return [...incoming, ...outgoing];
    }
    const legs = count(ctx.rng, p.legs);
    const outgoing: Draft[] = [];
    for (let i = 0; i < legs; i++) {
      const draft = transfer(ctx, outAt + i * Math.floor(ctx.rng.uniform(p.legGap[0], p.legGap[1])), account, foreign(ctx, p.highRisk), 0, 'out');
      outgoing.push({ ...draft, amountMinor: Math.floor((total * (1 - keep)) / legs) });
    }
    return [...incoming, ...outgoing];
  };

/** A device never seen before, a beneficiary never paid before, a large amount. */
const accountTakeover =
  (p: PatternParams['takeover']): Builder =>
  (ctx) => {
    const [victim] = members(ctx, 1);
    const income = ctx.population.customerOf.get(victim.id)?.income ?? p.minimum;
    const device = ctx.newDevice();
    const beneficiary = sometimes(ctx.rng, p.domestic) ? ctx.externals.create(ctx.rng, ctx.population.geography.home) : foreign(ctx, p.highRisk);
    return times(ctx, count(ctx.rng, p.transfers), 0, p.within).map((ts) => ({
      ts,
      amountMinor: toMinor(Math.max(p.minimum, income * ctx.rng.uniform(p.incomes[0], p.incomes[1]))),
      type: 'TRANSFER' as const,
      channel: ctx.rng.chance(p.online) ? ('ONLINE' as const) : ('MOBILE' as const),
      from: victim,
      to: beneficiary,
      device,
      role: 'takeover',
    }));
  };

/** A burst of tiny online payments on a stolen card, sometimes followed by one real purchase. */
const cardTesting =
  (p: PatternParams['cardTesting']): Builder =>
  (ctx) => {
    const [card] = members(ctx, 1);
    const device = ctx.newDevice();
    const online = ctx.population.onlineMerchants;
    const shops = p.shops === undefined ? online : ctx.rng.sample(online, count(ctx.rng, p.shops));
    const drafts: Draft[] = times(ctx, count(ctx.rng, p.probes), 0, p.within).map((ts) => {
      const merchant = ctx.rng.pick(shops);
      return { ts, amountMinor: ctx.rng.int(p.tiny[0], p.tiny[1]), type: 'PAYMENT', channel: 'ONLINE', from: card, to: merchant.account, merchant, device, role: 'probe' };
    });
    if (ctx.rng.chance(p.purchase)) {
      const merchant = ctx.rng.pick(shops);
      drafts.push({
        ts: drafts[drafts.length - 1].ts + ctx.rng.int(p.delay[0], p.delay[1]),
        amountMinor: toMinor(ctx.rng.uniform(p.amount[0], p.amount[1])),
        type: 'PAYMENT',
        channel: 'ONLINE',
        from: card,
        to: merchant.account,
        merchant,
        device,
        role: 'cash-in',
      });
    }
    return drafts;
  };

const payroll =
  (p: DecoyParams['payroll']): Builder =>
  (ctx) => {
    const employer = ctx.rng.pick(ctx.population.employers);
    const staff = members(ctx, count(ctx.rng, p.staff));
    return times(ctx, staff.length, 0, p.within).map((ts, i) => ({ ...transfer(ctx, ts, employer, staff[i], ctx.rng.logNormal(p.median, p.sigma), 'salary'), channel: 'API' as const }));
  };

const supplierPayments =
  (p: DecoyParams['supplierPayments']): Builder =>
  (ctx) => {
    const employer = ctx.rng.pick(ctx.population.employers);
    const suppliers = ctx.rng.sample(ctx.population.merchants, count(ctx.rng, p.suppliers));
    return times(ctx, suppliers.length, 0, p.within).map((ts, i) => ({ ...transfer(ctx, ts, employer, suppliers[i].account, ctx.rng.logNormal(p.median, p.sigma), 'invoice'), channel: 'API' as const }));
  };

const crowdfunding =
  (p: DecoyParams['crowdfunding']): Builder =>
  (ctx) => {
    const charity = ctx.population.charity(ctx.rng);
    const donors = members(ctx, count(ctx.rng, p.donors));
    return times(ctx, donors.length, 0, p.within).map((ts, i) => {
      const device = knownDevice(ctx, donors[i]);
      const amountMinor = toMinor(ctx.rng.uniform(p.amount[0], p.amount[1]));
      const channel: Channel = sometimes(ctx.rng, p.mobile) ? 'MOBILE' : 'ONLINE';
      return { ts, amountMinor, type: 'PAYMENT' as const, channel, from: donors[i], to: charity.account, merchant: charity, ...(device ? { device } : {}), role: 'donation' };
    });
  };

/** A known device buying a car from a dealer never paid before: a large amount, but benign. */
const bigPurchase =
  (p: DecoyParams['bigPurchase']): Builder =>
  (ctx) => {
    const [buyer] = members(ctx, 1);
    const dealer = ctx.externals.create(ctx.rng, ctx.population.geography.home);
    return [transfer(ctx, ctx.start + ctx.rng.int(0, p.within), buyer, dealer, ctx.rng.uniform(p.amount[0], p.amount[1]), 'purchase')];
  };

/** The eleven patterns, built with one bank's parameters. */
export function patterns(p: PatternParams): Readonly<Record<PatternName, Pattern>> {
  return {
    'fan-out': { label: 'aml', build: fanOut(p.fanOut) },
    'fan-in': { label: 'aml', build: fanIn(p.fanIn) },
    cycle: { label: 'aml', build: cycle(p.cycle) },
    bipartite: { label: 'aml', build: bipartite(p.bipartite) },
    stack: { label: 'aml', build: stack(p.stack) },
    'scatter-gather': { label: 'aml', build: scatterGather(p.scatterGather) },
    'gather-scatter': { label: 'aml', build: gatherScatter(p.gatherScatter) },
    structuring: { label: 'fraud', build: structuring(p.structuring) },
    mule: { label: 'fraud', build: mule(p.mule) },
    'account-takeover': { label: 'fraud', build: accountTakeover(p.takeover) },
    'card-testing': { label: 'fraud', build: cardTesting(p.cardTesting) },
  };
}

/** The decoys, built with one bank's parameters. */
export function decoys(p: DecoyParams): Readonly<Record<DecoyName, Builder>> {
  return { payroll: payroll(p.payroll), 'supplier-payments': supplierPayments(p.supplierPayments), crowdfunding: crowdfunding(p.crowdfunding), 'big-purchase': bigPurchase(p.bigPurchase) };
}

/** The first bank's pattern parameters (amounts in EUR). */
export const FIRST_PATTERNS: PatternParams = {
  fanOut: { locals: [3, 6], foreign: [3, 6], highRisk: 0.5, median: 3000, within: 6 * HOUR },
  fanIn: { sources: [6, 12], median: 2500, within: 6 * HOUR },
  cycle: { hops: [3, 6], median: 15_000, kept: [0.95, 0.99], gap: [30 * MINUTE, 3 * HOUR] },
  bipartite: { sides: [[3, 5], [3, 5]], median: 4000, within: 8 * HOUR },
  stack: { layers: 3, size: [2, 4], median: 5000, slot: 5 * HOUR, within: 4 * HOUR, decay: 0.03 },
  scatterGather: { middle: [4, 8], median: 6000, out: [0, 3 * HOUR], back: [4 * HOUR, 10 * HOUR], kept: [0.95, 0.99] },
  gatherScatter: { sources: [4, 7], median: 5000, gather: [0, 3 * HOUR], scatter: [4 * HOUR, 10 * HOUR], kept: 0.96 },
  structuring: { deposits: [6, 14], within: 10 * HOUR, below: [1, 100_000], cash: 0.6, depositChannels: ['BRANCH'], highRisk: 0.3 },
  mule: {
    locals: [1, 2],
    foreignPayers: 1,
    payerHighRisk: 0.2,
    median: 2500,
    within: 2 * HOUR,
    delay: [20 * MINUTE, 3 * HOUR],
    kept: [0.03, 0.1],
    cash: 0.3,
    cashLegs: 1,
    cashGap: [0, 0],
    legs: [1, 2],
    legGap: [MINUTE, 20 * MINUTE],
    highRisk: 0.7,
  },
  takeover: { transfers: [1, 2], within: 30 * MINUTE, minimum: 2000, incomes: [1.5, 4], domestic: 0, highRisk: 0.6, online: 0.5 },
  cardTesting: { probes: [12, 30], within: 10 * MINUTE, tiny: [50, 299], purchase: 0.5, delay: [MINUTE, 15 * MINUTE], amount: [300, 900] },
};

export const FIRST_DECOYS: DecoyParams = {
  payroll: { staff: [8, 20], within: 10 * MINUTE, median: 2800, sigma: 0.3 },
  supplierPayments: { suppliers: [6, 15], within: 2 * HOUR, median: 4000, sigma: 0.8 },
  crowdfunding: { donors: [10, 25], within: 12 * HOUR, amount: [10, 100], mobile: 0 },
  bigPurchase: { within: 8 * HOUR, amount: [5000, 30_000] },
};

/** A fresh device on a foreign-looking address, for takeovers and stolen cards (the first bank's naming). */
export function deviceFactory(rng: Rng): () => Device {
  let n = 0;
  return () => ({ id: `D-N${String(++n).padStart(6, '0')}`, ip: randomIp(rng) });
}
