import { Rng } from '@vigil/platform';

import { backgroundDay } from './background';
import { secondBackgroundDay } from './background-second';
import { Device, Draft, ExternalAccountSource, Population } from './model';
import { Builder, DecoyName, decoys, deviceFactory, FIRST_DECOYS, FIRST_PATTERNS, MAX_INSTANCE_SPAN, Pattern, PatternName, patterns } from './patterns';
import { SECOND_DECOYS, SECOND_MAX_INSTANCE_SPAN, SECOND_PATTERNS } from './patterns-second';
import { buildPopulation, ExternalAccounts } from './population';
import { buildSecondPopulation, IbanAccounts, newDevice } from './population-second';

export const POPULATION_NAMES = ['first', 'second'] as const;
export type PopulationName = (typeof POPULATION_NAMES)[number];

/** One bank the simulator can generate: its customers and hubs, their everyday traffic, and its patterns' parameters. */
export interface Bank {
  /** Builds the population from its own stream; `backgroundDay` then gives its ordinary traffic of one day (UTC midnight `dayStart`). */
  open(rng: Rng, accounts: number): { population: Population; backgroundDay(rng: Rng, dayStart: number): Draft[] };
  patterns: Readonly<Record<PatternName, Pattern>>;
  decoys: Readonly<Record<DecoyName, Builder>>;
  /** Every pattern or decoy instance fits in this span. */
  maxInstanceSpan: number;
  /** Accounts outside the bank that the patterns (`P`) and the decoys (`B`) pay or are paid by. */
  externals(prefix: string): ExternalAccountSource;
  /** Devices never seen before (takeovers, stolen cards). */
  newDevices(rng: Rng): () => Device;
  /** The txId of the n-th transaction (from 1) of a run. */
  txId(seed: number, n: number): string;
}

const FIRST_BANK: Bank = {
  open: (rng, accounts) => {
    const population = buildPopulation(rng, accounts);
    return { population, backgroundDay: (dayRng, dayStart) => backgroundDay(dayRng, population, dayStart) };
  },
  patterns: patterns(FIRST_PATTERNS),
  decoys: decoys(FIRST_DECOYS),
  maxInstanceSpan: MAX_INSTANCE_SPAN,
  externals: (prefix) => new ExternalAccounts(prefix),
  newDevices: deviceFactory,
  txId: (seed, n) => `T${seed}-${String(n).padStart(9, '0')}`,
};

const SECOND_BANK: Bank = {
  open: (rng, accounts) => {
    const population = buildSecondPopulation(rng, accounts);
    return { population, backgroundDay: (dayRng, dayStart) => secondBackgroundDay(dayRng, population, dayStart) };
  },
  patterns: patterns(SECOND_PATTERNS),
  decoys: decoys(SECOND_DECOYS),
  maxInstanceSpan: SECOND_MAX_INSTANCE_SPAN,
  externals: (prefix) => new IbanAccounts(prefix),
  newDevices: (rng) => () => newDevice(rng),
  // Its own reference format: a platform fed both banks never takes one's transaction for a duplicate of the other's.
  txId: (seed, n) => `B2-${seed}-${String(n).padStart(9, '0')}`,
};

/** `first`: the population the shipped model is trained on; `second`: a bank built differently, held out for evaluation (README). */
export const POPULATIONS: Readonly<Record<PopulationName, Bank>> = { first: FIRST_BANK, second: SECOND_BANK };
