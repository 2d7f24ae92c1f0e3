import { Channel } from '@vigil/contracts';

import { Rng } from '@vigil/platform';

import { timeOfDay } from './background';
import { Account, DAY, Device, Draft, HOUR, MINUTE, toMinor } from './model';
import { CLOSED_ON_SUNDAY, Household, ONLINE_ONLY, PaySchedule, SecondPopulation } from './population-second';

/** Relative activity per hour of local time (CET, UTC+1): a late evening peak. */
const LOCAL_HOURLY = [0.8, 0.4, 0.2, 0.15, 0.15, 0.3, 1, 2.2, 3, 3.5, 4, 4.5, 5, 5, 5, 5.5, 6.5, 7.5, 8.5, 9, 8.5, 7, 5, 2.5];
/** The same per UTC hour. */
export const SECOND_HOURLY = LOCAL_HOURLY.map((_, h) => LOCAL_HOURLY[(h + 1) % 24]);
/** Per day of week, Sunday first: a Saturday shopping peak; on Sundays most shops are also closed. */
const WEEKLY = [0.75, 0.95, 0.95, 1, 1.05, 1.2, 1.35];
/** Clearing sessions (UTC) in which transfers from other banks are credited, and their shares. */
const SESSIONS = [8.5 * HOUR, 12.5 * HOUR, 15 * HOUR];
const SESSION_WEIGHTS = [6, 3, 1];
/** The marketplace pays its sellers out in two runs a day (UTC). */
const PAYOUT_RUNS = [8 * HOUR, 14 * HOUR];
const ATM_NOTES = [50, 100, 200, 300, 400, 500, 1000];
const ATM_WEIGHTS = [3, 6, 6, 3, 3, 3, 1];

/** Whether a schedule pays on this day: a monthly payday on a weekend moves back to the Friday before (perhaps in the month before). */
export function isPayday(schedule: PaySchedule, dayStart: number): boolean {
  if ('fortnightlyFrom' in schedule) return (((Math.floor(dayStart / DAY) - schedule.fortnightlyFrom) % 14) + 14) % 14 === 0;
  const date = new Date(dayStart);
  return [0, 1].some((ahead) => {
    const nominal = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + ahead, schedule.monthly);
    const weekday = new Date(nominal).getUTCDay();
    return nominal - (weekday === 6 ? 1 : weekday === 0 ? 2 : 0) * DAY === dayStart;
  });
}

/** When a pay run from `from` reaches this bank: in a clearing session from another bank, else in the client's own morning run. */
function credited(rng: Rng, from: Account, dayStart: number): number {
  return from.external ? dayStart + SESSIONS[rng.weighted(SESSION_WEIGHTS)] + rng.int(0, 20 * MINUTE) : dayStart + rng.int(5 * HOUR, 7 * HOUR);
}

/** Ordinary traffic of every household of the second bank on one simulated day (UTC midnight `dayStart`). */
export function secondBackgroundDay(rng: Rng, population: SecondPopulation, dayStart: number): Draft[] {
  const drafts: Draft[] = [];
  const dayOfMonth = new Date(dayStart).getUTCDate();
  const weekday = new Date(dayStart).getUTCDay();
  const week = WEEKLY[weekday];
  const at = (fromHour: number, toHour: number): number => timeOfDay(rng, dayStart, fromHour, toHour, SECOND_HOURLY);
  const night = (): number => dayStart + rng.int(HOUR, 5 * HOUR);
  for (const household of population.households) {
    const main = household.accounts[0];
    const device = (): Device => rng.pick(household.devices);
    const app = (): { channel: Channel; device: Device } => ({ channel: population.appChannel(rng), device: device() });
    const { pay, benefit } = household;
    if (pay && isPayday(pay.schedule, dayStart)) {
      const amountMinor = toMinor(pay.amount * (pay.varies ? rng.uniform(0.95, 1.08) : 1));
      drafts.push({ ts: credited(rng, pay.from, dayStart), amountMinor, type: 'TRANSFER', channel: 'API', from: pay.from, to: main, role: pay.role });
    }
    if (benefit && benefit.day === dayOfMonth) {
      const from = population.socialInsurance;
      drafts.push({ ts: credited(rng, from, dayStart), amountMinor: benefit.amount * 100, type: 'TRANSFER', channel: 'API', from, to: main, role: 'benefit' });
    }
    if (household.cashDepositDay === weekday) {
      const channel = rng.chance(0.6) ? 'ATM' : 'BRANCH';
      const amountMinor = toMinor(rng.logNormal((household.income * 12) / 52, 0.25));
      drafts.push({ ts: at(7, 18), amountMinor, type: 'CASH_IN', channel, from: main, to: population.cashAccount(rng, main, channel), role: 'deposit' });
    }
    for (const order of household.orders) {
      if (order.day !== dayOfMonth) continue;
      const amountMinor = toMinor(order.amount);
      drafts.push(
        order.manual
          ? { ts: at(16, 23), amountMinor, type: 'TRANSFER', ...app(), from: main, to: order.to, role: order.role }
          : { ts: night(), amountMinor, type: 'TRANSFER', channel: 'API', from: main, to: order.to, role: order.role },
      );
    }
    for (const bill of household.bills) {
      if (bill.day !== dayOfMonth) continue;
      const amountMinor = toMinor(bill.amount * (bill.metered ? rng.uniform(0.92, 1.08) : 1));
      const { biller } = bill;
      drafts.push(
        bill.debit
          ? { ts: night(), amountMinor, type: 'DEBIT', channel: 'API', from: main, to: biller.account, merchant: biller, role: 'direct-debit' }
          : { ts: at(7, 23), amountMinor, type: 'PAYMENT', ...app(), from: main, to: biller.account, merchant: biller, role: 'bill' },
      );
    }
    for (let n = rng.poisson(household.activity * week); n > 0; n--) {
      const draft = payment(rng, population, household, main, dayStart, at);
      if (draft) drafts.push(draft);
    }
    if (rng.chance(0.05 * week)) {
      const { marketplace } = population;
      drafts.push({ ts: at(0, 24), amountMinor: toMinor(Math.min(15_000, rng.logNormal(marketplace.median, 0.9))), type: 'PAYMENT', ...app(), from: main, to: marketplace.account, merchant: marketplace, role: 'purchase' });
    }
    for (let n = rng.poisson(household.sales); n > 0; n--) {
      const from = population.marketplace.account;
      drafts.push({ ts: dayStart + rng.pick(PAYOUT_RUNS) + rng.int(0, 10 * MINUTE), amountMinor: toMinor(rng.logNormal(140, 0.8)), type: 'TRANSFER', channel: 'API', from, to: main, role: 'payout' });
    }
    if (rng.chance(household.withdrawals * week)) {
      const amount = ATM_NOTES[rng.weighted(ATM_WEIGHTS)];
      drafts.push({ ts: at(6, 24), amountMinor: amount * 100, type: 'CASH_OUT', channel: 'ATM', from: main, to: population.cashAccount(rng, main, 'ATM'), role: 'atm' });
    }
    if (rng.chance(0.15 * week)) {
      const to = rng.pick(household.friends);
      const abroad = to.country !== main.country;
      const major = Math.min(5000, Math.max(5, rng.logNormal(abroad ? 400 : 60, abroad ? 0.8 : 1.0)));
      const amountMinor = toMinor(rng.chance(0.6) ? Math.ceil(major / 10) * 10 : major);
      drafts.push({ ts: at(0, 24), amountMinor, type: 'TRANSFER', channel: rng.chance(0.88) ? 'MOBILE' : 'ONLINE', from: main, to, device: device(), role: 'p2p' });
    }
    if (household.accounts.length > 1 && rng.chance(0.012)) {
      const amountMinor = Math.round(rng.uniform(200, 2000) / 10) * 1000;
      drafts.push({ ts: at(7, 23), amountMinor, type: 'TRANSFER', ...app(), from: household.accounts[1], to: main, role: 'savings' });
    }
  }
  return drafts;
}

/** A card payment at a favourite or a popular merchant; none when the shop is closed (Sunday). */
function payment(rng: Rng, population: SecondPopulation, household: Household, from: Account, dayStart: number, at: (fromHour: number, toHour: number) => number): Draft | undefined {
  const merchant = rng.chance(0.5) ? rng.pick(household.favourites) : population.merchants[rng.weighted(population.popularity)];
  const online = merchant.online && (ONLINE_ONLY.has(merchant.mcc) || rng.chance(0.4));
  if (!online && new Date(dayStart).getUTCDay() === 0 && CLOSED_ON_SUNDAY.has(merchant.mcc)) return undefined;
  const scale = Math.pow(Math.max(household.income, 2000) / 5800, 0.3);
  const amountMinor = toMinor(Math.min(20_000, rng.logNormal(merchant.median * scale, 0.75)));
  if (!online) return { ts: at(5, 22), amountMinor, type: 'PAYMENT', channel: 'POS', from, to: merchant.account, merchant, role: 'purchase' };
  const channel: Channel = rng.chance(0.75) ? 'MOBILE' : 'ONLINE';
  return { ts: at(0, 24), amountMinor, type: 'PAYMENT', channel, from, to: merchant.account, merchant, device: rng.pick(household.devices), role: 'purchase' };
}
