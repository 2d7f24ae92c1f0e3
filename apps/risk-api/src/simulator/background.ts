import { Channel } from '@vigil/contracts';

import { Rng } from '@vigil/platform';

import { Account, Device, Draft, HOUR, toMinor } from './model';
import { atm, Customer, FirstPopulation } from './population';

/** Relative activity per hour of day (UTC): quiet nights, a lunch peak, an evening peak. */
const HOURLY = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 3, 4, 5, 5.5, 6, 7, 6.5, 6, 6, 6.5, 7.5, 8, 7, 5.5, 4, 3, 2];
/** Relative activity per day of week, Sunday first: fewer at weekends. */
const WEEKLY = [0.5, 1, 1, 1, 1, 1.1, 0.7];
const ATM_NOTES = [20, 50, 100, 150, 200, 300, 400, 500];
const ATM_WEIGHTS = [2, 5, 6, 3, 4, 2, 1, 1];

export const weekFactor = (dayStart: number): number => WEEKLY[new Date(dayStart).getUTCDay()];

/** An instant in the day, drawn with the day's rhythm (or inside [fromHour, toHour) if given); `hourly` is a relative weight per UTC hour. */
export function timeOfDay(rng: Rng, dayStart: number, fromHour = 0, toHour = 24, hourly: readonly number[] = HOURLY): number {
  const hour = fromHour + rng.weighted(hourly.slice(fromHour, toHour));
  return dayStart + hour * HOUR + Math.floor(rng.float() * HOUR);
}

const deviceOf = (rng: Rng, customer: Customer): Device => rng.pick(customer.devices);

/** Ordinary traffic of every customer of the first bank on one simulated day (UTC midnight `dayStart`). */
export function backgroundDay(rng: Rng, population: FirstPopulation, dayStart: number): Draft[] {
  const drafts: Draft[] = [];
  const dayOfMonth = new Date(dayStart).getUTCDate();
  const week = weekFactor(dayStart);
  for (const customer of population.customers) {
    const main = customer.accounts[0];
    if (dayOfMonth === customer.salaryDay) {
      const amountMinor = toMinor(customer.income * rng.uniform(0.98, 1.02));
      drafts.push(
        customer.cashIncome
          ? { ts: timeOfDay(rng, dayStart, 9, 17), amountMinor, type: 'CASH_IN', channel: 'BRANCH', from: main, to: main, role: 'salary' }
          : { ts: dayStart + rng.int(5 * HOUR, 8 * HOUR), amountMinor, type: 'TRANSFER', channel: 'API', from: customer.employer, to: main, role: 'salary' },
      );
    }
    if (dayOfMonth === customer.rentDay) {
      drafts.push({ ts: dayStart + rng.int(4 * HOUR, 7 * HOUR), amountMinor: toMinor(customer.rent), type: 'TRANSFER', channel: 'API', from: main, to: customer.landlord, role: 'rent' });
    }
    for (const debit of customer.debits) {
      if (dayOfMonth !== debit.day) continue;
      const amountMinor = toMinor(debit.amount * rng.uniform(0.9, 1.1));
      drafts.push({ ts: dayStart + rng.int(2 * HOUR, 6 * HOUR), amountMinor, type: 'DEBIT', channel: 'API', from: main, to: debit.utility.account, merchant: debit.utility, role: 'direct-debit' });
    }
    const from = customer.accounts.length > 1 && rng.chance(0.3) ? customer.accounts[1] : main;
    for (let n = rng.poisson(customer.activity * week); n > 0; n--) drafts.push(payment(rng, population, customer, from, dayStart));
    if (rng.chance(0.08 * week)) {
      const amount = ATM_NOTES[rng.weighted(ATM_WEIGHTS)];
      drafts.push({ ts: timeOfDay(rng, dayStart, 6, 24), amountMinor: amount * 100, type: 'CASH_OUT', channel: 'ATM', from: main, to: atm(main, rng), role: 'atm' });
    }
    if (rng.chance(0.06 * week)) {
      const to = rng.pick(customer.friends);
      const abroad = to.country !== main.country;
      const channel: Channel = rng.chance(0.6) ? 'MOBILE' : 'ONLINE';
      const amountMinor = toMinor(Math.min(20_000, rng.logNormal(abroad ? 250 : 60, 1.0)));
      drafts.push({ ts: timeOfDay(rng, dayStart), amountMinor, type: 'TRANSFER', channel, from: main, to, device: deviceOf(rng, customer), role: 'p2p' });
    }
  }
  return drafts;
}

function payment(rng: Rng, population: FirstPopulation, customer: Customer, from: Account, dayStart: number): Draft {
  const merchant = rng.chance(0.75) ? rng.pick(customer.favourites) : rng.pick(population.merchants);
  const scale = Math.pow(customer.income / 2800, 0.3);
  const amountMinor = toMinor(Math.min(25_000, rng.logNormal(merchant.median * scale, 0.8)));
  const online = merchant.online && (merchant.mcc === '5968' || rng.chance(0.7));
  const channel: Channel = online ? (rng.chance(0.5) ? 'MOBILE' : 'ONLINE') : 'POS';
  return {
    ts: timeOfDay(rng, dayStart),
    amountMinor,
    type: 'PAYMENT',
    channel,
    from,
    to: merchant.account,
    merchant,
    ...(online ? { device: deviceOf(rng, customer) } : {}),
    role: 'purchase',
  };
}
