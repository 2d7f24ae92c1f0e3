import path from 'node:path';

import { parseFlags, UsageError } from '@vigil/platform';

import { ClipDatasetSpec } from './dataset';
import { TrainInspectorOptions } from './train-inspector';

export const USAGE = `Usage: npm run train:inspector -- [options]

Simulates training clips and held-out clips (another seed) with the camera simulator, trains the
clip model (3D-CNN + Transformer, libtorch) and its single-frame baseline, checks both ONNX exports
against the trainer, evaluates them on the held-out clips and writes models/inspector/<next version>/
with its model card. Needs \`npm run setup\` (the native trainers).

Data
  --seed N              simulator seed of the training clips (default 1)
  --clips N             training clips, one per part (default 6000)
  --holdout-seed N      simulator seed of the held-out clips (default 1001)
  --holdout-clips N     (default 1200)
  --defect-rate X       share of defective parts, classes uniform (default 0.5)
  --frames N            frames per clip, at least 3 (default 8)
Models
  --epochs N            (default 24)
  --threads N           threads per trainer; both models train at once (default: half the cores)
Other
  --reduced             a small, fast run proving the pipeline end to end (CI)
  --out DIR             models root (default models/)
  --quiet               no progress
  --help
`;

export interface TrainInspectorCliOptions {
  training: TrainInspectorOptions;
  quiet: boolean;
  help: boolean;
}

const FLAGS = ['seed', 'clips', 'holdout-seed', 'holdout-clips', 'defect-rate', 'frames', 'epochs', 'threads', 'out'] as const;

/** The camera frame the clips come from, the model input, and the heatmap (input / 8 × upscale 4). */
const GEOMETRY = { sourceWidth: 160, sourceHeight: 120, inputWidth: 64, inputHeight: 64, heatWidth: 32, heatHeight: 32 };

/**
 * The clip model's heatmap loss adds 1 − soft Dice at this weight to the BCE: BCE alone learns each
 * cell's expected coverage, blurred by the model's doubt about the edges, and its boxes came out too
 * big (boxes IoU ≥ 0.5 on 44.7 % of 600 training-seed clips it never saw after 8 epochs; Dice 4 / 16:
 * 55.7 / 62.4 %; see the training README).
 */
const HEAT_DICE_WEIGHT = 16;

/**
 * The single-frame baseline trains at heatmap weight 8 and without the Dice term: at the clip model's
 * 64 it stayed near chance (AUROC 0.51 vs 0.87 on 600 held-out clips, 3000 training clips, 10 epochs),
 * an unfair comparison.
 */
const BASELINE = { heatWeight: 8, heatDiceWeight: 0 };

const SIZES = {
  // 6000 clips: more distinct defects taught the boxes more than more epochs over 3000 (training README).
  full: { clips: 6000, holdoutClips: 1200, epochs: 24 },
  reduced: { clips: 96, holdoutClips: 48, epochs: 1 },
};

export function parseArgs(argv: readonly string[], cores: number, repoRoot: string): TrainInspectorCliOptions {
  const { values, switches } = parseFlags(argv, FLAGS, ['reduced', 'quiet', 'help']);
  const size = switches.has('reduced') ? SIZES.reduced : SIZES.full;
  const integer = (name: (typeof FLAGS)[number], fallback: number, min: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return Number(raw);
  };
  const rawRate = values.get('defect-rate');
  const defectRate = rawRate === undefined ? 0.5 : Number(rawRate);
  if (rawRate !== undefined && (rawRate.trim() === '' || !(defectRate > 0 && defectRate < 1))) throw new UsageError(`--defect-rate must be a number between 0 and 1 (exclusive), got "${rawRate}"`);
  const seed = integer('seed', 1, 0, 0xffffffff);
  const holdoutSeed = integer('holdout-seed', 1001, 0, 0xffffffff);
  if (seed === holdoutSeed) throw new UsageError('--holdout-seed must differ from --seed: the held-out clips must be ones training never saw');
  const frames = integer('frames', 8, 3, 16);
  const threads = integer('threads', Math.max(1, Math.floor(cores / 2)), 1, 256);
  const data = (s: number, clips: number): ClipDatasetSpec => ({ seed: s, clips, defectRate, frames, ...GEOMETRY });
  return {
    training: {
      train: data(seed, integer('clips', size.clips, 16, 100_000)),
      holdout: data(holdoutSeed, integer('holdout-clips', size.holdoutClips, 16, 100_000)),
      model: { epochs: integer('epochs', size.epochs, 1, 200), threads, seed, upscale: GEOMETRY.heatWidth / (GEOMETRY.inputWidth / 8), heatDiceWeight: HEAT_DICE_WEIGHT },
      baseline: BASELINE,
      modelsDir: path.resolve(repoRoot, values.get('out') ?? 'models'),
      command: ['npm run train:inspector', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    },
    quiet: switches.has('quiet'),
    help: switches.has('help'),
  };
}
