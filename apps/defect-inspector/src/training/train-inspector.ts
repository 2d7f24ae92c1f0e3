import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { readdir } from 'node:fs/promises';

import { clipGeometry, clipModelToOnnx, clipParameterCount, ClipTrainingResult, ClipTrainParams, DEFAULT_CLIP_TRAIN_PARAMS, prCurveSvg, serializeClipModel, trainClipModel, writeModelArtifact } from '@vigil/core-ml';

import { buildClipDataset, ClipDataset, ClipDatasetSpec, INSPECTOR_CLASSES } from './dataset';
import { evaluateModel, IOU_TARGET, ModelReport } from './evaluate';
import { InspectorModelCard, renderInspectorCard } from './model-card';
import { maxAbsDiff, runClipOnnx } from './onnx-outputs';

export const INSPECTOR_MODEL_NAME = 'inspector';
/** The done-when bars of the model and its baseline on the held-out clips. */
export const TARGETS = { auroc: 0.99, temporalRecall: 0.9, baselineTemporalRecallMax: 0.6, localisedShare: 0.9 } as const;

export interface TrainInspectorOptions {
  readonly train: ClipDatasetSpec;
  readonly holdout: ClipDatasetSpec;
  /** Shared by both models; `kind` is set per model. */
  readonly model: Partial<Omit<ClipTrainParams, 'kind' | 'evaluate' | 'onProgress'>>;
  /** Overrides of `model` for the single-frame baseline. */
  readonly baseline: Partial<Omit<ClipTrainParams, 'kind' | 'evaluate' | 'onProgress'>>;
  /** Where versions go: `<modelsDir>/inspector/<version>/`. */
  readonly modelsDir: string;
  /** As typed, recorded in the card. */
  readonly command: string;
}

export interface TrainingLog {
  step(message: string): void;
  progress(stage: string): (fraction: number, count: number) => void;
}

export interface TrainedInspector {
  readonly dir: string;
  readonly card: InspectorModelCard;
}

/**
 * The whole pipeline: clips from the simulator (training seed and a held-out seed), the clip model
 * and its single-frame baseline trained by clip-train, both exported to ONNX and checked against the
 * trainer on the held-out clips, evaluated from ONNX Runtime's outputs, and the version directory
 * written (graphs, the clip model's raw weights, model card, PR plot) with its checksummed manifest.
 */
export async function trainInspector(options: TrainInspectorOptions, log: TrainingLog): Promise<TrainedInspector> {
  const started = performance.now();
  if (options.holdout.seed === options.train.seed) throw new RangeError('holdout.seed must differ from train.seed: the held-out clips must be ones training never saw');
  log.step(`simulating ${options.train.clips} training clips (seed ${options.train.seed})`);
  const train = buildClipDataset(options.train, log.progress('training clips'));
  log.step(`simulating ${options.holdout.clips} held-out clips (seed ${options.holdout.seed})`);
  const holdout = buildClipDataset(options.holdout, log.progress('held-out clips'));

  const results: Record<'clip' | 'frame', ClipTrainingResult> = {} as Record<'clip' | 'frame', ClipTrainingResult>;
  const onnx: Record<'clip' | 'frame', Uint8Array> = {} as Record<'clip' | 'frame', Uint8Array>;
  const reports: ModelReport[] = [];
  const verification: InspectorModelCard['verification'][number][] = [];
  // Both models train at the same time, each on options.model.threads threads.
  log.step(`training the clip model (3D-CNN + Transformer) and the single-frame baseline on ${train.clips.count} clips`);
  const trained = await Promise.all(
    (['clip', 'frame'] as const).map((kind) => {
      const progress = log.progress(`${kind} model`);
      return trainClipModel(
        { clips: train.clips, labels: train.labels, heatmaps: train.heatmaps },
        { ...options.model, ...(kind === 'frame' ? options.baseline : {}), kind, classes: INSPECTOR_CLASSES.length, evaluate: holdout.clips, onProgress: (p) => progress((p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs, (p.epoch - 1) * p.stepsPerEpoch + p.step) },
      );
    }),
  );
  for (const [i, kind] of (['clip', 'frame'] as const).entries()) {
    const result = trained[i];
    results[kind] = result;
    onnx[kind] = clipModelToOnnx(result.weights);
    log.step(`scoring the held-out clips with ONNX Runtime (${kind} model)`);
    const out = await runClipOnnx(onnx[kind], kind, holdout.clips);
    verification.push({ model: kind, clips: holdout.clips.count, logitsMaxAbsDiff: maxAbsDiff(out.logits, result.evalLogits ?? []), heatmapMaxAbsDiff: maxAbsDiff(out.heatmaps, result.evalHeatmaps ?? []) });
    const { heatH, heatW } = clipGeometry(result.weights.architecture);
    reports.push(
      evaluateModel(kind === 'clip' ? 'clip model' : 'single-frame baseline', out.logits, out.heatmaps, holdout.records, {
        classes: INSPECTOR_CLASSES.length,
        heatHeight: heatH,
        heatWidth: heatW,
        frameWidth: options.holdout.sourceWidth,
        frameHeight: options.holdout.sourceHeight,
      }),
    );
  }
  const [model, baseline] = reports;

  const version = await nextVersion(path.join(options.modelsDir, INSPECTOR_MODEL_NAME));
  const dir = path.join(options.modelsDir, INSPECTOR_MODEL_NAME, String(version));
  const describe = (kind: 'clip' | 'frame'): InspectorModelCard['models'][number] => {
    const r = results[kind];
    const a = r.weights.architecture;
    const stem =
      kind === 'clip'
        ? `a 3-frame Conv3d (${a.c1} channels, stride 1 and no padding in time) + BatchNorm + ReLU over the ${a.frames}-frame clip, pooled by mean and max over time, then 2 Conv2d (${a.c2}/${a.dModel} channels) + BatchNorm + ReLU`
        : `the same stem in 2-D (3 Conv2d, ${a.c1}/${a.c2}/${a.dModel} channels) on the clip's last frame alone`;
    const { heatWeight, heatDiceWeight } = { ...DEFAULT_CLIP_TRAIN_PARAMS, ...options.model, ...(kind === 'frame' ? options.baseline : {}) };
    const loss = `cross-entropy + ${heatWeight} × heatmap BCE${heatDiceWeight > 0 ? ` + ${heatDiceWeight} × (1 − soft Dice of heatmap and target)` : ''}`;
    return {
      name: kind === 'clip' ? 'clip model' : 'single-frame baseline',
      file: `${kind}.onnx`,
      description: `${stem}; ${a.height / 8}×${a.width / 8} tokens through ${a.layers} pre-norm Transformer encoder layers (d=${a.dModel}, ${a.heads} heads, FFN ${a.ffn}); class logits from the mean and max token, a ${clipGeometry(a).heatH}×${clipGeometry(a).heatW} heatmap decoded from each token's ${a.upscale}×${a.upscale} cells and conv1's features (libtorch, served in plain ONNX ops); loss: ${loss}`,
      parameters: { parameters: clipParameterCount(r.weights), ...options.model, ...(kind === 'frame' ? options.baseline : {}), optimizerSteps: r.steps, trainSeconds: round(r.seconds), stepsPerSecond: round(r.stepsPerSecond), finalLoss: round(r.finalLoss) },
    };
  };
  const perClass = (d: ClipDataset): Record<string, number> => Object.fromEntries(INSPECTOR_CLASSES.map((c, i) => [c, d.records.filter((r) => r.classIndex === i).length]));
  const card: InspectorModelCard = {
    name: INSPECTOR_MODEL_NAME,
    version,
    createdAt: new Date().toISOString(),
    command: options.command,
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    durationSeconds: (performance.now() - started) / 1000,
    data: { train: { ...options.train, perClass: perClass(train) }, holdout: { ...options.holdout, perClass: perClass(holdout) } },
    models: [describe('clip'), describe('frame')],
    verification,
    holdout: reports,
    criteria: [
      { criterion: `clip model AUROC ≥ ${TARGETS.auroc}`, met: model.auroc >= TARGETS.auroc, detail: model.auroc.toFixed(4) },
      { criterion: `clip model flags ≥ ${TARGETS.temporalRecall * 100} % of temporal defects`, met: model.temporalRecall >= TARGETS.temporalRecall, detail: pct(model.temporalRecall) },
      { criterion: `single-frame baseline flags ≤ ${TARGETS.baselineTemporalRecallMax * 100} % of temporal defects`, met: baseline.temporalRecall <= TARGETS.baselineTemporalRecallMax, detail: pct(baseline.temporalRecall) },
      {
        criterion: `clip model boxes IoU ≥ ${IOU_TARGET} on ≥ ${TARGETS.localisedShare * 100} % of the static defects it flags`,
        met: model.localisation.share >= TARGETS.localisedShare,
        detail: `${pct(model.localisation.share)} of ${model.localisation.detected}`,
      },
    ],
  };

  log.step(`writing ${dir}`);
  const raw = serializeClipModel(results.clip.weights);
  await writeModelArtifact(dir, {
    name: INSPECTOR_MODEL_NAME,
    version,
    seed: options.train.seed,
    features: ['clip'],
    metrics: {
      holdout_auroc: model.auroc,
      holdout_temporal_recall: model.temporalRecall,
      holdout_static_recall: model.staticRecall,
      holdout_false_alarm_rate: model.falseAlarmRate,
      holdout_box_iou50_share: finiteOr0(model.localisation.share),
      baseline_auroc: baseline.auroc,
      baseline_temporal_recall: baseline.temporalRecall,
    },
    files: {
      'clip.onnx': onnx.clip,
      'frame.onnx': onnx.frame,
      'clip-weights.json': raw.manifestJson,
      'clip-weights.bin': raw.weightsBin,
      'card.json': `${JSON.stringify({ ...card, holdout: card.holdout.map(({ curve: _curve, ...rest }) => rest) }, null, 2)}\n`,
      'card.md': renderInspectorCard(card),
      'pr-curve.svg': prCurveSvg(`${INSPECTOR_MODEL_NAME} v${version}: held-out clips (seed ${options.holdout.seed}), defect vs OK`, reports.map((r) => ({ name: `${r.name} (AUROC ${r.auroc.toFixed(3)})`, points: r.curve }))),
    },
    extra: {
      classes: [...INSPECTOR_CLASSES],
      input: { name: 'clip', frames: options.train.frames, width: options.train.inputWidth, height: options.train.inputHeight, scale: '1/255', source: `${options.train.sourceWidth}x${options.train.sourceHeight} grey, aligned to the last frame, area-averaged` },
      heatmap: { width: options.train.heatWidth, height: options.train.heatHeight },
      defectThreshold: 0.5,
      baseline: { file: 'frame.onnx', input: 'frame' },
      data: { train: options.train, holdout: options.holdout },
      command: options.command,
    },
  });
  return { dir, card };
}

async function nextVersion(dir: string): Promise<number> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return Math.max(0, ...entries.filter((e) => /^\d+$/.test(e)).map(Number)) + 1;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');
const finiteOr0 = (v: number): number => (Number.isFinite(v) ? v : 0);
