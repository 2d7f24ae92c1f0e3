import { Channel, Transaction, TransactionType } from '@vigil/contracts';

import { DAY, HOUR, MINUTE, SECOND } from '../windows/durations';

/** What to generate; the same seed gives the same history. */
export interface SyntheticHistoryOptions {
  seed: number;
  /** Background transactions; the patterns come on top. */
  transactions: number;
  accounts: number;
  /** Event time of the first transaction (epoch ms). */
  start: number;
  days: number;
  /** Share of transactions that arrive late (processed after later ones), 0..1. */
  lateShare: number;
  /** How late a late transaction can be. */
  maxLatenessMs: number;
  /** Planted typologies per kind (fan-out, fan-in, cycle, structuring, mule, card testing). */
  patterns: number;
  /**
   * Structural hubs per kind, on top (none when absent): merchants paid by card, billers collecting
   * debits, employers paying monthly payroll, cash accounts behind ATM withdrawals and branch deposits.
   */
  hubs?: number;
}

/** How a generated transaction moves money, when not a plain transfer. */
interface Kind {
  type: TransactionType;
  channel: Channel;
  merchant?: { id: string; mcc: string };
}

const COUNTRIES = ['DE', 'DE', 'DE', 'NL', 'FR', 'GB', 'ES', 'IR', 'NG', 'US'];

/** A small, fast, seeded PRNG (mulberry32), so generated histories are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A bank's transactions with planted AML/fraud typologies (fan-out, fan-in, cycles, structuring,
 * mule pass-through, card testing), in processing order: mostly by event time, with a share of late
 * arrivals and some equal timestamps. For the batch/stream identity tests and throughput checks.
 */
export function syntheticHistory(options: SyntheticHistoryOptions): Transaction[] {
  const random = seededRandom(options.seed);
  const int = (n: number): number => Math.floor(random() * n);
  const span = options.days * DAY;
  const accountCountry = (account: number): string => COUNTRIES[account % COUNTRIES.length];
  const events: Transaction[] = [];
  let seq = 0;

  const push = (ts: number, from: string, to: string, amountMinor: number, device?: { id: string; ip: string }, kind?: Kind): void => {
    const fromIndex = Number(from.slice(2)) || 0;
    const toIndex = Number(to.slice(2)) || 0;
    events.push({
      txId: `T-${String(++seq).padStart(7, '0')}`,
      ts: Math.round(ts),
      amountMinor: Math.max(1, Math.round(amountMinor)),
      currency: 'EUR',
      type: kind?.type ?? 'TRANSFER',
      channel: kind?.channel ?? (device ? 'MOBILE' : 'BRANCH'),
      originator: { account: from, customer: `C${from.slice(1)}`, country: accountCountry(fromIndex), bank: 'BANKDEFF' },
      beneficiary: { account: to, country: accountCountry(toIndex), bank: 'BANKNL2A' },
      ...(kind?.merchant ? { merchant: kind.merchant } : {}),
      ...(device ? { device } : {}),
    });
  };
  const account = (i: number): string => `A-${i}`;
  const deviceOf = (i: number): { id: string; ip: string } => ({ id: `D-${i % 7 === 0 ? i + 1 : i}`, ip: `10.0.${(i >> 8) & 255}.${i & 255}` });
  // Amounts: mostly small, a heavy tail, some round.
  const amount = (): number => {
    const major = Math.exp(random() * 9);
    return random() < 0.1 ? Math.round(major / 100) * 10_000 + 10_000 : major * 100;
  };

  for (let i = 0; i < options.transactions; i++) {
    const from = int(options.accounts);
    let to = int(options.accounts);
    if (to === from) to = (to + 1) % options.accounts;
    const ts = options.start + random() * span;
    push(ts, account(from), account(to), amount(), random() < 0.7 ? deviceOf(random() < 0.05 ? int(options.accounts) : from) : undefined);
  }

  for (let p = 0; p < options.patterns; p++) {
    const at = options.start + random() * (span - 2 * DAY);
    const hub = `H-${p}`;
    // Fan-out: one account pays many new ones within hours.
    for (let k = 0; k < 15; k++) push(at + k * 7 * MINUTE, hub, account(int(options.accounts)), 200_00 + int(50_000));
    // Fan-in: many accounts pay one.
    for (let k = 0; k < 15; k++) push(at + k * 11 * MINUTE, account(int(options.accounts)), `F-${p}`, 100_00 + int(30_000));
    // Cycle of 2..4 accounts with increasing times (money comes back to its origin).
    const ring = [account(int(options.accounts)), `R-${p}a`, `R-${p}b`, `R-${p}c`].slice(0, 2 + (p % 3));
    ring.forEach((from, k) => push(at + (k + 1) * HOUR, from, ring[(k + 1) % ring.length], 5_000_00 - k * 10_00));
    // Structuring: many payments just below 10 000.
    for (let k = 0; k < 8; k++) push(at + k * 5 * HOUR, `S-${p}`, account(int(options.accounts)), 9_000_00 + int(99_999));
    // Mule pass-through: receives, forwards ~90 % within 30 minutes.
    const mule = `M-${p}`;
    push(at, account(int(options.accounts)), mule, 8_000_00);
    push(at + 5 * MINUTE, account(int(options.accounts)), mule, 4_000_00);
    for (let k = 0; k < 3; k++) push(at + (20 + k) * MINUTE, mule, account(int(options.accounts)), 3_600_00);
    // Card testing: a burst of tiny payments from one device, several accounts.
    const device = { id: `D-burst-${p}`, ip: `192.0.2.${p % 250}` };
    for (let k = 0; k < 20; k++) push(at + k * 3 * SECOND, account(int(options.accounts)), `MERCH-${p}`, 1 + int(499), device);
    // Equal timestamps.
    push(at + HOUR, hub, account(1), 1_000_00, device);
    push(at + HOUR, hub, account(2), 1_000_00, device);
  }

  for (let h = 0; h < (options.hubs ?? 0); h++) {
    const shop = { id: `M-${h}`, mcc: ['5411', '5812', '5732'][h % 3] };
    for (let k = 0; k < options.days * 40; k++) {
      push(options.start + random() * span, account(int(options.accounts)), `SHOP-${h}`, 500 + int(20_000), random() < 0.3 ? deviceOf(int(options.accounts)) : undefined, {
        type: 'PAYMENT',
        channel: random() < 0.3 ? 'ONLINE' : 'POS',
        merchant: shop,
      });
    }
    // A biller collects by direct debit (some with its merchant id), a few pay it by transfer.
    for (let k = 0; k < options.days * 4; k++) {
      const debit: Kind = random() < 0.5 ? { type: 'DEBIT', channel: 'API', merchant: { id: `M-U${h}`, mcc: '4900' } } : { type: 'DEBIT', channel: 'API' };
      push(options.start + random() * span, account(int(options.accounts)), `UTIL-${h}`, 4_000 + int(8_000), undefined, random() < 0.8 ? debit : undefined);
    }
    // Payroll: the same staff on the same day every 30 days, within minutes, at stable amounts.
    const staff = Array.from({ length: 12 }, () => account(int(options.accounts)));
    for (let run = options.start + int(10) * DAY + 6 * HOUR; run < options.start + span; run += 30 * DAY) {
      staff.forEach((member, k) => push(run + k * MINUTE, `EMP-${h}`, member, 250_000 + k * 1_000, undefined, { type: 'TRANSFER', channel: 'API' }));
    }
    // Cash: ATM withdrawals into the bank's cash account, branch deposits paid out of it, and
    // deposits into one's own account (which name no cash account).
    for (let k = 0; k < options.days * 6; k++) {
      const customer = account(int(options.accounts));
      const at = options.start + random() * span;
      const roll = random();
      if (roll < 0.6) push(at, customer, `ATM-${h}`, 5_000 + 5_000 * int(8), undefined, { type: 'CASH_OUT', channel: 'ATM' });
      else if (roll < 0.8) push(at, `CASH-${h}`, customer, 10_000 + int(90_000), undefined, { type: 'CASH_IN', channel: 'BRANCH' });
      else push(at, customer, customer, 10_000 + int(90_000), undefined, { type: 'CASH_IN', channel: 'BRANCH' });
    }
  }

  // Processing order: by arrival = event time + lateness for the late share (stable for ties).
  const arrival = events.map((tx) => tx.ts + (random() < options.lateShare ? random() * options.maxLatenessMs : 0));
  return events.map((tx, i) => ({ tx, at: arrival[i], i })).sort((a, b) => a.at - b.at || a.i - b.i).map((e) => e.tx);
}
