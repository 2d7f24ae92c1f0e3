import { Channel, Transaction, TransactionType } from '@vigil/contracts';

import { DAY, HOUR, MINUTE } from '../windows/durations';
import { seededRandom } from './synthetic-history';

/** What to generate; the same seed gives the same history. */
export interface ReturningHistoryOptions {
  seed: number;
  /** Event time of the first transaction (epoch ms). */
  start: number;
  days: number;
  /** Accounts that pay every day or two throughout: salary in, card payments, cash, transfers. */
  regulars: number;
  /** Accounts that go quiet for 91..200 days and come back to their old beneficiaries and devices. */
  sleepers: number;
  /** Share of transactions that arrive late (processed after later ones), 0..1. */
  lateShare: number;
  /** How late a late transaction can be. */
  maxLatenessMs: number;
}

interface Sketch {
  ts: number;
  from: string;
  to: string;
  amountMinor: number;
  type?: TransactionType;
  channel?: Channel;
  fromCountry?: string;
  toCountry?: string;
  device?: string;
  merchant?: string;
}

const ABROAD = ['FR', 'ES', 'IT', 'AT', 'PL', 'NG'];

/**
 * Months of a bank's transactions in which long memory matters, in processing order (a share late):
 * accounts dormant for more than 90 days that come back; beneficiaries, devices, IP addresses and
 * country pairs used again after 60..170 days; accounts idle past the 180-day "seen before" memory,
 * which look new again; beside them an employer paying salaries, merchants paid by card and ATM
 * withdrawals. A restart that forgets any of it changes features (the restart-equivalence tests).
 */
export function returningHistory(options: ReturningHistoryOptions): Transaction[] {
  const random = seededRandom(options.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const between = (low: number, high: number): number => low + random() * (high - low);
  const end = options.start + options.days * DAY;
  const events: Transaction[] = [];
  const ips = new Map<string, string>();
  const ipOf = (device: string): string => {
    let ip = ips.get(device);
    if (ip === undefined) ips.set(device, (ip = `10.${ips.size >> 8}.${ips.size & 255}.1`));
    return ip;
  };

  const push = (s: Sketch): void => {
    const ts = Math.round(s.ts);
    if (ts < options.start || ts >= end) return;
    events.push({
      txId: `T-${String(events.length + 1).padStart(7, '0')}`,
      ts,
      amountMinor: Math.max(1, Math.round(s.amountMinor)),
      currency: 'EUR',
      type: s.type ?? 'TRANSFER',
      channel: s.channel ?? (s.device ? 'MOBILE' : 'ONLINE'),
      originator: { account: s.from, customer: `C-${s.from}`, country: s.fromCountry ?? 'DE', bank: 'BANKDEFF' },
      beneficiary: { account: s.to, country: s.toCountry ?? 'DE', bank: 'BANKDEBB' },
      ...(s.merchant ? { merchant: { id: s.merchant, mcc: '5411' } } : {}),
      ...(s.device ? { device: { id: s.device, ip: ipOf(s.device) } } : {}),
    });
  };

  const regular = (i: number): string => `R-${i}`;
  for (let i = 0; i < options.regulars; i++) {
    const me = regular(i);
    const device = `D-R-${i}`;
    const habitual = [0, 1, 2, 3].map(() => (random() < 0.3 ? regular(int(options.regulars)) : `P-${int(40)}`)).filter((to) => to !== me);
    // Salary from one employer, same amount each month (a payroll pattern).
    for (let month = 0; month * 30 < options.days; month++) {
      push({ ts: options.start + (month * 30 + 27) * DAY + 9 * HOUR + i * MINUTE, from: 'E-1', to: me, amountMinor: 2_500_00 + i * 10_00, type: 'PAYMENT', channel: 'API' });
    }
    // Everyday activity: habitual transfers, card payments, cash, now and then a one-off beneficiary.
    for (let ts = options.start + between(0, 2) * DAY; ts < end; ts += between(0.3, 2.5) * DAY) {
      const kind = random();
      const withDevice = random() < 0.8 ? device : undefined;
      const merchant = `M-${int(12)}`;
      if (kind < 0.45) push({ ts, from: me, to: habitual[int(habitual.length)] ?? 'P-0', amountMinor: between(10_00, 900_00), device: withDevice });
      else if (kind < 0.75) push({ ts, from: me, to: merchant, amountMinor: between(3_00, 120_00), type: 'PAYMENT', channel: 'POS', merchant });
      else if (kind < 0.85) push({ ts, from: me, to: 'CASH-DE', amountMinor: 10_000 * (1 + int(4)), type: 'CASH_OUT', channel: 'ATM' });
      else if (kind < 0.95) push({ ts, from: me, to: regular(int(options.regulars)), amountMinor: between(5_00, 300_00), device: withDevice });
      else push({ ts, from: me, to: `N-${i}-${Math.round(ts)}`, amountMinor: between(50_00, 2_000_00), device: withDevice });
    }
    // Seasonal: a beneficiary abroad, a spare device and its IP, used again after 60..170 days.
    for (let k = 0; k < 3; k++) {
      const seasonal = `S-${i}-${k}`;
      const country = ABROAD[int(ABROAD.length)];
      const spare = `D-S-${i}-${k}`;
      let ts = options.start + between(0, 40) * DAY;
      for (let visit = 0; visit < 3 && ts < end; visit++) {
        push({ ts, from: me, to: seasonal, toCountry: country, amountMinor: between(100_00, 3_000_00), device: spare });
        push({ ts: ts + between(1, 30) * MINUTE, from: me, to: habitual[0] ?? 'P-0', amountMinor: between(10_00, 200_00), device: spare });
        ts += between(60, 170) * DAY;
      }
    }
  }

  // Sleepers: a burst of activity, silence beyond 90 days (a few beyond the 180-day memory), then back.
  for (let z = 0; z < options.sleepers; z++) {
    const me = `Z-${z}`;
    const device = `D-Z-${z}`;
    const old = [`P-${int(40)}`, `Y-${z}`, regular(int(options.regulars))];
    const awake = options.start + between(0, 25) * DAY;
    const quiet = (z % 4 === 3 ? between(181, 200) : between(91, 170)) * DAY;
    for (let k = 0; k < 6; k++) push({ ts: awake + k * between(0.5, 2) * DAY, from: me, to: old[k % old.length], amountMinor: between(20_00, 500_00), device });
    const back = awake + 10 * DAY + quiet;
    push({ ts: back, from: me, to: old[1], amountMinor: between(500_00, 5_000_00), device });
    push({ ts: back + between(1, 3) * HOUR, from: me, to: `X-${z}`, toCountry: ABROAD[int(ABROAD.length)], amountMinor: between(1_000_00, 9_000_00), device: `D-X-${z}` });
    push({ ts: back + between(4, 30) * HOUR, from: me, to: old[0], amountMinor: between(20_00, 500_00), device });
    // Money coming back to a sleeper after its return: incoming flows and a possible cycle.
    push({ ts: back + between(1, 2) * DAY, from: old[2], to: me, amountMinor: between(20_00, 500_00) });
  }

  // Processing order: by arrival = event time + lateness for the late share (stable for ties).
  const arrival = events.map((tx) => tx.ts + (random() < options.lateShare ? random() * options.maxLatenessMs : 0));
  return events.map((tx, i) => ({ tx, at: arrival[i], i })).sort((a, b) => a.at - b.at || a.i - b.i).map((e) => e.tx);
}
