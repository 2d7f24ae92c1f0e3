import path from 'node:path';

import { parseFlags, UsageError } from '@vigil/platform';

import { TrainRiskOptions } from './train-risk';

export const USAGE = `Usage: npm run train:risk -- [options]

Simulates a training stream and a holdout stream (another seed, later dates), builds features with
the serving code, trains gradient-boosted trees (libxgboost) and the sequence model (libtorch),
stacks them, checks the ONNX exports against the trainers, evaluates next to the baselines and
writes models/risk/<next version>/ with its model card. Needs \`npm run setup\` (the native trainers).

Training stream
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
Models
  --trees N             boosting rounds (default 200)
  --depth N             tree depth (default 6)
  --epochs N            sequence-model epochs (default 4)
  --threads N           tree-trainer threads (default: the machine's cores)
  --fit-share X         share of training days the models are fitted on; the rest fit the stack (default 0.75)
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
  register: boolean;
  quiet: boolean;
  help: boolean;
}

const FLAGS = ['seed', 'accounts', 'days', 'intensity', 'holdout-seed', 'holdout-accounts', 'holdout-days', 'holdout-intensity', 'trees', 'depth', 'epochs', 'threads', 'fit-share', 'out'] as const;
const START = '2026-08-01';

/** The full run's sizes, and the reduced run's. */
const SIZES = {
  full: { accounts: 4000, days: 28, holdoutAccounts: 20_000, holdoutDays: 14, holdoutIntensity: 0.25, trees: 200, epochs: 4 },
  reduced: { accounts: 500, days: 8, holdoutAccounts: 700, holdoutDays: 5, holdoutIntensity: 1, trees: 20, epochs: 1 },
};

export function parseArgs(argv: readonly string[], cores: number, repoRoot: string): TrainRiskCliOptions {
  const { values, switches } = parseFlags(argv, FLAGS, ['reduced', 'register', 'quiet', 'help']);
  const size = switches.has('reduced') ? SIZES.reduced : SIZES.full;
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
  const days = integer('days', size.days, 2, 365);
  const threads = integer('threads', cores, 1, 256);
  return {
    training: {
      train: { seed, accounts: integer('accounts', size.accounts, 50, 1_000_000), days, start: START, intensity: decimal('intensity', 4, 0, 1000) },
      holdout: { seed: holdoutSeed, accounts: integer('holdout-accounts', size.holdoutAccounts, 50, 1_000_000), days: integer('holdout-days', size.holdoutDays, 1, 365), start: dayAfter(START, days), intensity: decimal('holdout-intensity', size.holdoutIntensity, 0, 1000) },
      fitShare: decimal('fit-share', 0.75, 0, 0.95),
      trees: { trees: integer('trees', size.trees, 1, 5000), maxDepth: integer('depth', 6, 1, 12), eta: 0.1, subsample: 0.8, colsampleByTree: 0.8, threads, seed },
      // One thread: its matrices are small, and a second thread only adds synchronisation (measured).
      sequence: { epochs: integer('epochs', size.epochs, 1, 100), threads: 1, seed },
      modelsDir: path.resolve(repoRoot, values.get('out') ?? 'models'),
      command: ['npm run train:risk', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    },
    register: switches.has('register'),
    quiet: switches.has('quiet'),
    help: switches.has('help'),
  };
}

function dayAfter(start: string, days: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
