import path from 'node:path';

import { parseFlags, UsageError } from '@vigil/platform';

import { DEFAULT_FROM_DB, FromDbOptions } from './from-db';
import { TrainRiskOptions } from './train-risk';

export const USAGE = `Usage: npm run train:risk -- [options]

Simulates a training stream and a holdout stream (another seed, later dates), builds features with
the serving code, trains gradient-boosted trees (libxgboost) and the sequence model (libtorch),
stacks them, checks the ONNX exports against the trainers, evaluates next to the baselines and
writes models/risk/<next version>/ with its model card. Needs \`npm run setup\` (the native trainers).
With --from-db it trains a challenger from the bank's own stored data instead (see below).

Training stream (with --from-db: the simulated prior)
  --seed N              seed of the training stream (default 1)
  --accounts N          accounts (default 4000)
  --days N              simulated days (default 28)
  --intensity X         pattern instances relative to the simulator's default mix (default 4)
Holdout stream (starts the day after the training stream ends)
  --holdout-seed N      (default 1001)
  --holdout-accounts N  (default 20000)
  --holdout-days N      (default 14)
  --holdout-intensity X pattern instances relative to the default mix (default 0.25: fraud and AML
                        at about 0.6 % of transactions, a realistic share, which an alert budget
                        of 1 % can cover; the default mix puts them at 2.5 %)
Held-out bank (the simulator's second population, never trained or tuned on; the card judges the
model and rules on it at the default alert budget, from the day after the training stream)
  --second-seed N       (default 2001)
  --second-accounts N   (default 5000)
  --second-days N       (default 14)
  --second-intensity X  pattern instances relative to the default mix (default 1)
Models
  --trees N             boosting rounds (default 200)
  --depth N             tree depth (default 6)
  --epochs N            sequence-model epochs (default 4)
  --threads N           tree-trainer threads (default: the machine's cores)
  --fit-share X         share of training days the models are fitted on; the rest fit the stack (default 0.75)
From the bank's own data (--from-db)
  --from-db             train a challenger from this bank's stored transactions (risk.transaction,
                        replayed in ingest order through the serving features) and its analysts'
                        dispositions (risk.label: FRAUD positive, LEGIT negative, ESCALATE and open
                        alerts left out, never-alerted transactions negatives of a lower weight);
                        compare it with the registered champion on the latest transactions, write
                        its card, register it and make it the shadow. Reads DATABASE_URL; --out
                        must be the registry's MODELS_DIR. See docs/retraining.md
  --eval-share X        share of the bank's transactions, the latest, the card evaluates on (default 0.3)
  --budget X            alert budget (share of transactions) the card judges at (default: the one an
                        admin set in the service, PUT /alert-budget, else 0.01)
  --unlabelled-weight X weight of a never-alerted, unlabelled transaction as a negative (default 0.2)
  --prior-labels N      the simulated prior (the training stream options above; default 2000
                        accounts, 14 days) counts as N labels: each simulated row weighs N / (N + L),
                        L the bank's FRAUD and LEGIT labels before the evaluation days; 0 leaves it
                        out (default 500)
  --min-shadow N        transactions it must score in shadow before it may become champion (default 10000)
  --no-shadow           register it as a candidate only
Other
  --reduced             a small, fast run proving the pipeline end to end (CI)
  --out DIR             models root (default models/)
  --register            register the new version in the model registry (DATABASE_URL; --out
                        must be the registry's MODELS_DIR); promote it with npm run model:promote
  --quiet               no progress
  --help
`;

export interface TrainRiskCliOptions {
  training: TrainRiskOptions;
  /** Set with --from-db: train a challenger from the bank's data, `training.train` being the prior. */
  fromDb?: FromDbOptions;
  register: boolean;
  quiet: boolean;
  help: boolean;
}

const HOLDOUT_FLAGS = ['holdout-seed', 'holdout-accounts', 'holdout-days', 'holdout-intensity', 'second-seed', 'second-accounts', 'second-days', 'second-intensity'] as const;
const BANK_FLAGS = ['eval-share', 'budget', 'unlabelled-weight', 'prior-labels', 'min-shadow'] as const;
const FLAGS = ['seed', 'accounts', 'days', 'intensity', ...HOLDOUT_FLAGS, 'trees', 'depth', 'epochs', 'threads', 'fit-share', 'out', ...BANK_FLAGS] as const;
const START = '2026-08-01';

/** The full run's sizes, and the reduced run's; with --from-db the training stream is the prior. */
const SIZES = {
  full: { accounts: 4000, days: 28, priorAccounts: 2000, priorDays: 14, holdoutAccounts: 20_000, holdoutDays: 14, holdoutIntensity: 0.25, secondAccounts: 5000, secondDays: 14, trees: 200, epochs: 4 },
  reduced: { accounts: 500, days: 8, priorAccounts: 300, priorDays: 4, holdoutAccounts: 700, holdoutDays: 5, holdoutIntensity: 1, secondAccounts: 600, secondDays: 5, trees: 20, epochs: 1 },
};

export function parseArgs(argv: readonly string[], cores: number, repoRoot: string): TrainRiskCliOptions {
  const { values, switches } = parseFlags(argv, FLAGS, ['reduced', 'register', 'quiet', 'help', 'from-db', 'no-shadow']);
  const size = switches.has('reduced') ? SIZES.reduced : SIZES.full;
  const fromDb = switches.has('from-db');
  const misplaced = fromDb ? HOLDOUT_FLAGS.find((flag) => values.has(flag)) : [...BANK_FLAGS, 'no-shadow'].find((flag) => values.has(flag) || switches.has(flag));
  if (misplaced !== undefined) {
    throw new UsageError(fromDb ? `--${misplaced} is for the simulated run: --from-db evaluates on the bank's latest transactions` : `--${misplaced} needs --from-db`);
  }
  const integer = (name: (typeof FLAGS)[number], fallback: number, min: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return Number(raw);
  };
  const decimal = (name: (typeof FLAGS)[number], fallback: number, min: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value <= min || value > max) throw new UsageError(`--${name} must be a number above ${min} and at most ${max}, got "${raw}"`);
    return value;
  };
  const seed = integer('seed', 1, 0, 0xffffffff);
  const holdoutSeed = integer('holdout-seed', 1001, 0, 0xffffffff);
  if (seed === holdoutSeed) throw new UsageError('--holdout-seed must differ from --seed: the holdout stream must be one training never saw');
  const days = integer('days', fromDb ? size.priorDays : size.days, 2, 365);
  const threads = integer('threads', cores, 1, 256);
  return {
    training: {
      train: { seed, accounts: integer('accounts', fromDb ? size.priorAccounts : size.accounts, 50, 1_000_000), days, start: START, intensity: decimal('intensity', 4, 0, 1000) },
      holdout: { seed: holdoutSeed, accounts: integer('holdout-accounts', size.holdoutAccounts, 50, 1_000_000), days: integer('holdout-days', size.holdoutDays, 1, 365), start: dayAfter(START, days), intensity: decimal('holdout-intensity', size.holdoutIntensity, 0, 1000) },
      bank: {
        population: 'second',
        seed: integer('second-seed', 2001, 0, 0xffffffff),
        accounts: integer('second-accounts', size.secondAccounts, 50, 1_000_000),
        days: integer('second-days', size.secondDays, 2, 365),
        start: dayAfter(START, days),
        intensity: decimal('second-intensity', 1, 0, 1000),
      },
      fitShare: decimal('fit-share', 0.75, 0, 0.95),
      trees: { trees: integer('trees', size.trees, 1, 5000), maxDepth: integer('depth', 6, 1, 12), eta: 0.1, subsample: 0.8, colsampleByTree: 0.8, threads, seed },
      // One thread: its matrices are small, and a second thread only adds synchronisation (measured).
      sequence: { epochs: integer('epochs', size.epochs, 1, 100), threads: 1, seed },
      modelsDir: path.resolve(repoRoot, values.get('out') ?? 'models'),
      command: ['npm run train:risk', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    },
    ...(fromDb
      ? {
          fromDb: {
            evalShare: decimal('eval-share', DEFAULT_FROM_DB.evalShare, 0, 0.9),
            ...(values.has('budget') ? { budget: decimal('budget', 0.01, 0, 0.5) } : {}),
            unlabelledWeight: decimal('unlabelled-weight', DEFAULT_FROM_DB.unlabelledWeight, 0, 1),
            priorLabels: integer('prior-labels', DEFAULT_FROM_DB.priorLabels, 0, 100_000_000),
            shadow: !switches.has('no-shadow'),
            minShadowScored: integer('min-shadow', DEFAULT_FROM_DB.minShadowScored, 0, 1_000_000_000),
          },
        }
      : {}),
    register: switches.has('register') || fromDb,
    quiet: switches.has('quiet'),
    help: switches.has('help'),
  };
}

function dayAfter(start: string, days: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
