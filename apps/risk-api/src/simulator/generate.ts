import { Rng } from '@vigil/platform';

import { DAY, Device, Draft, ExternalAccountSource, Label, SimulatedTransaction, toWire, TransactionWire, TruthRecord } from './model';
import { Builder, DECOY_NAMES, DecoyName, PATTERN_NAMES, PatternName } from './patterns';
import { POPULATION_NAMES, PopulationName, POPULATIONS } from './populations';

export type { PopulationName };

export interface SimulationOptions {
  /** Unsigned 32-bit seed: the same options give the same transactions, byte for byte. */
  seed: number;
  /** Accounts in the bank's population. */
  accounts: number;
  /** Simulated days (whole days from `start`). */
  days: number;
  /** First simulated day, `YYYY-MM-DD` (UTC midnight). */
  start: string;
  /** Instances to inject per pattern (missing: none). */
  patterns: Partial<Record<PatternName, number>>;
  /** Benign look-alike instances per decoy kind (missing: none). */
  decoys: Partial<Record<DecoyName, number>>;
  /** Which bank: `first` (the default, what the shipped model is trained on) or `second` (held out, built differently). */
  population?: PopulationName;
}

interface Pending {
  ts: number;
  seq: number;
  draft: Draft;
  truth: Omit<TruthRecord, 'txId'>;
}

export const startInstant = (start: string): number => Date.parse(`${start}T00:00:00.000Z`);

/**
 * The simulated transactions in event-time order, one day at a time (memory stays at one day of
 * traffic plus the injected instances). Pure: everything comes from the options' seed.
 */
export function* simulate(options: SimulationOptions): Generator<SimulatedTransaction> {
  const populationName = options.population ?? 'first';
  if (!POPULATION_NAMES.includes(populationName)) throw new Error(`unknown population "${String(populationName)}"; known: ${POPULATION_NAMES.join(', ')}`);
  const bank = POPULATIONS[populationName];
  const windowStart = startInstant(options.start);
  const { population, backgroundDay } = bank.open(Rng.derive(options.seed, 'population'), options.accounts);
  const byDay = new Map<number, Pending[]>();
  let seq = 0;

  const inject = (rng: Rng, name: string, label: Label, instanceNo: number, build: Builder, externals: ExternalAccountSource, newDevice: () => Device): void => {
    const room = Math.max(0, options.days * DAY - bank.maxInstanceSpan);
    const start = windowStart + Math.floor(rng.float() * room);
    const drafts = build({ rng, population, start, externals, newDevice });
    const last = Math.max(...drafts.map((d) => d.ts));
    const overflow = last - (windowStart + options.days * DAY - 1);
    const instance = `${name}-${String(instanceNo).padStart(3, '0')}`;
    for (const draft of drafts) {
      const ts = overflow > 0 ? Math.max(windowStart, draft.ts - overflow) : draft.ts;
      const day = Math.floor((ts - windowStart) / DAY);
      const list = byDay.get(day) ?? [];
      list.push({ ts, seq: seq++, draft: { ...draft, ts }, truth: { pattern: name, instance, label, ...(draft.role ? { role: draft.role } : {}) } });
      byDay.set(day, list);
    }
  };

  const patternRng = Rng.derive(options.seed, 'patterns');
  const externals = bank.externals('P');
  const newDevice = bank.newDevices(patternRng);
  for (const name of PATTERN_NAMES) {
    for (let i = 1; i <= (options.patterns[name] ?? 0); i++) inject(patternRng, name, bank.patterns[name].label, i, bank.patterns[name].build, externals, newDevice);
  }
  const decoyRng = Rng.derive(options.seed, 'decoys');
  const decoyExternals = bank.externals('B');
  const decoyDevices = bank.newDevices(decoyRng);
  for (const name of DECOY_NAMES) {
    for (let i = 1; i <= (options.decoys[name] ?? 0); i++) inject(decoyRng, name, 'benign', i, bank.decoys[name], decoyExternals, decoyDevices);
  }

  const backgroundRng = Rng.derive(options.seed, 'background');
  let emitted = 0;
  for (let day = 0; day < options.days; day++) {
    const dayStart = windowStart + day * DAY;
    const today: Pending[] = byDay.get(day) ?? [];
    byDay.delete(day);
    for (const draft of backgroundDay(backgroundRng, dayStart)) {
      today.push({ ts: draft.ts, seq: seq++, draft, truth: { pattern: 'background', instance: null, label: 'benign', ...(draft.role ? { role: draft.role } : {}) } });
    }
    today.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    for (const pending of today) {
      const txId = bank.txId(options.seed, ++emitted);
      const message = toWire(txId, pending.draft);
      yield { key: message.originator.account, message, truth: { txId, ...pending.truth } };
    }
  }
}

/** The whole run in memory: for tests and small runs. */
export function generate(options: SimulationOptions): { transactions: TransactionWire[]; truth: TruthRecord[] } {
  const transactions: TransactionWire[] = [];
  const truth: TruthRecord[] = [];
  for (const tx of simulate(options)) {
    transactions.push(tx.message);
    truth.push(tx.truth);
  }
  return { transactions, truth };
}
