import path from 'node:path';
import { readdir } from 'node:fs/promises';

import {
  buildDriftReference,
  LogisticStack,
  type ModelManifest,
  type ModelRecord,
  type ModelRegistry,
  prCurveSvg,
  type Promotion,
  type RegistryActor,
  thresholdAtAlertRate,
  writeModelArtifact,
} from '@vigil/core-ml';

import { FEATURE_NAMES } from '../modules/features';
import { DEFAULT_PROMOTION_POLICY, PromotionPolicy } from '../modules/models/promotion-gate';
import type { RiskModelManifest } from '../modules/scoring/risk-scorer';
import { BankDataset, buildBankDataset, Outcome } from './bank-dataset';
import { evaluateOnBank, EvaluationRows, offlineCriteria } from './bank-evaluation';
import { BankRecords } from './bank-records';
import { BankSplitSummary, ChallengerCard, renderChallengerCard } from './challenger-card';
import { buildDataset, RiskDataset, selectRows } from './dataset';
import { concatRows, fitRiskModels, riskScores, takeRows, TrainingRows } from './fit-models';
import { describeMachine, RISK_MODEL_NAME, TrainingLog, TrainRiskOptions } from './train-risk';

/** What `train:risk --from-db` adds to a training run's options. */
export interface FromDbOptions {
  /** Share of the bank's transactions, the latest by event time, held out for the card's evaluation. */
  readonly evalShare: number;
  /** The alert budget the card judges at; undefined: the one an admin set in the service, else 1 %. */
  readonly budget?: number;
  /** Weight of a never-alerted, unlabelled transaction as a negative. */
  readonly unlabelledWeight: number;
  /** How many bank labels the simulated prior is worth (K); 0 leaves the prior out. */
  readonly priorLabels: number;
  /** Make the new version the shadow once registered. */
  readonly shadow: boolean;
  /** The live part of the promotion policy written into the card. */
  readonly minShadowScored: number;
}

export const DEFAULT_FROM_DB: FromDbOptions = Object.freeze({ evalShare: 0.3, unlabelledWeight: 0.2, priorLabels: 500, shadow: true, minShadowScored: DEFAULT_PROMOTION_POLICY.minShadowScored });

/** Below this many FRAUD labels on the bank's stack days, the prior's later days join the stack rows. */
const MIN_STACK_FRAUD = 5;
/** BLOCK at a tenth of the budget's share: reserved for the most confident scores. */
const BLOCK_SHARE_OF_BUDGET = 0.1;

export interface BankTrainingDeps {
  readonly records: BankRecords;
  readonly registry: Pick<ModelRegistry, 'list' | 'live' | 'register' | 'promote' | 'verifiedManifest' | 'readFile'>;
  readonly actor: RegistryActor;
}

export interface BankTrainedModel {
  readonly dir: string;
  readonly card: ChallengerCard;
  readonly record: ModelRecord;
  /** The shadow promotion, unless `shadow` was off. */
  readonly shadow: Promotion | null;
}

/**
 * A challenger from the bank's own data: replay the stored transactions through the serving
 * features, label them from the analysts' dispositions, split them in time (fit, stack, evaluation),
 * mix in the simulated prior while labels are few, train the same models as the simulated pipeline,
 * compare with the registered champion on the latest transactions, write the version with its card,
 * register it and make it the shadow.
 */
export async function trainFromDatabase(options: TrainRiskOptions, bank: FromDbOptions, deps: BankTrainingDeps, log: TrainingLog): Promise<BankTrainedModel> {
  const started = performance.now();
  if (!(bank.evalShare > 0 && bank.evalShare < 1)) throw new RangeError(`evalShare must be in (0, 1), got ${bank.evalShare}`);
  const stored = bank.budget === undefined ? await deps.records.budgetShare() : undefined;
  const budget = bank.budget ?? stored ?? DEFAULT_PROMOTION_POLICY.budget;
  const policy: PromotionPolicy = { ...DEFAULT_PROMOTION_POLICY, budget, minShadowScored: bank.minShadowScored };

  log.step('replaying the bank\'s stored transactions through the serving feature engine');
  const data = await buildBankDataset(deps.records, log.progress('bank transactions'));
  if (data.rows === 0) throw new RangeError('risk.transaction holds no transaction: nothing to learn from');
  const split = splitInTime(data, bank.evalShare, options.fitShare);
  const count = (rows: readonly number[], outcome: Outcome) => rows.filter((row) => data.outcome[row] === outcome).length;
  const labels = [...split.fit, ...split.stack].filter((row) => data.outcome[row] === Outcome.Fraud || data.outcome[row] === Outcome.Legit).length;
  if (count(split.evaluation, Outcome.Fraud) === 0) {
    throw new RangeError(`the latest ${Math.round(bank.evalShare * 100)} % of the bank's transactions hold no FRAUD label: the card cannot compare anything; dispose of alerts there or change --eval-share`);
  }

  const trainable = (row: number) => data.outcome[row] === Outcome.Fraud || data.outcome[row] === Outcome.Legit || data.outcome[row] === Outcome.Unlabelled;
  const bankRows = (rows: readonly number[]) =>
    takeRows(
      data,
      rows.filter(trainable),
      (row) => (data.outcome[row] === Outcome.Fraud ? 1 : 0),
      (row) => (data.outcome[row] === Outcome.Unlabelled ? bank.unlabelledWeight : 1),
    );
  const priorWeight = bank.priorLabels > 0 ? bank.priorLabels / (bank.priorLabels + labels) : 0;
  let prior: { dataset: RiskDataset; fit: TrainingRows; stack: TrainingRows } | null = null;
  if (priorWeight > 0) {
    log.step(`simulating the prior (seed ${options.train.seed}, ${options.train.accounts} accounts, ${options.train.days} days), each row weighted ${priorWeight.toFixed(3)}`);
    const dataset = buildDataset(options.train, log.progress('prior stream'));
    const fitDays = Math.max(1, Math.min(options.train.days - 1, Math.round(options.train.days * options.fitShare)));
    const asRows = (part: RiskDataset) => takeRows(part, Array.from({ length: part.rows }, (_, i) => i), (row) => part.labels[row], () => priorWeight);
    prior = { dataset, fit: asRows(selectRows(dataset, (row) => dataset.day[row] < fitDays)), stack: asRows(selectRows(dataset, (row) => dataset.day[row] >= fitDays)) };
  }
  const fit = concatRows([bankRows(split.fit), ...(prior ? [prior.fit] : [])]);
  if (!fit.labels.some((label, row) => label === 1 && fit.weights[row] > 0)) {
    throw new RangeError('the earliest days hold no FRAUD label and no prior is mixed in: dispose of more alerts, or keep the prior (--prior-labels above 0)');
  }
  const bankStack = bankRows(split.stack);
  const bankStackFraud = count(split.stack, Outcome.Fraud);
  const stackOnBank = bankStackFraud >= MIN_STACK_FRAUD || prior === null;
  const stackRows = stackOnBank || prior === null ? bankStack : concatRows([bankStack, prior.stack]);
  if (!stackRows.labels.some((label) => label === 1)) {
    throw new RangeError('the days between fit and evaluation hold no FRAUD label and no prior is mixed in: dispose of more alerts, or keep the prior (--prior-labels above 0)');
  }

  const models = await fitRiskModels(fit, stackRows, { trees: options.trees, sequence: options.sequence }, log);

  log.step('setting the serving thresholds at the budget on the stack days');
  const all = (rows: readonly number[]) => takeRows(data, rows, () => 0, () => 1);
  const stackScores = await riskScores(models, all(split.stack.length > 0 ? split.stack : split.fit));
  const reviewThreshold = Math.min(1, thresholdAtAlertRate(stackScores, policy.budget));
  const blockThreshold = Math.min(1, Math.max(reviewThreshold, thresholdAtAlertRate(stackScores, policy.budget * BLOCK_SHARE_OF_BUDGET)));

  const version = await nextVersion(path.join(options.modelsDir, RISK_MODEL_NAME), deps.registry);
  log.step('comparing with the champion on the latest transactions');
  const evaluation = all(split.evaluation);
  const evalRows: EvaluationRows = { rows: split.evaluation.length, outcome: split.evaluation.map((row) => data.outcome[row]), typology: split.evaluation.map((row) => data.typology[row]) };
  const challengerReport = evaluateOnBank('challenger', version, await riskScores(models, evaluation), evalRows, policy.budget, reviewThreshold);
  const champion = await loadChampion(deps.registry);
  const championReport = champion ? evaluateOnBank('champion', champion.version, await championScores(champion, evaluation), evalRows, policy.budget, champion.manifest.thresholds.review) : null;
  const reports = championReport ? [challengerReport, championReport] : [challengerReport];

  const dir = path.join(options.modelsDir, RISK_MODEL_NAME, String(version));
  const summary = (rows: readonly number[]): BankSplitSummary => ({
    rows: rows.length,
    // Each part is in event-time order (splitInTime).
    from: rows.length > 0 ? new Date(data.ts[rows[0]]).toISOString() : '',
    to: rows.length > 0 ? new Date(data.ts[rows[rows.length - 1]]).toISOString() : '',
    fraud: count(rows, Outcome.Fraud),
    legit: count(rows, Outcome.Legit),
    escalated: count(rows, Outcome.Escalated),
    openAlerts: count(rows, Outcome.AlertOpen),
    unlabelled: count(rows, Outcome.Unlabelled),
  });
  const card: ChallengerCard = {
    kind: 'challenger',
    name: RISK_MODEL_NAME,
    version,
    createdAt: new Date().toISOString(),
    command: options.command,
    machine: describeMachine(),
    durationSeconds: (performance.now() - started) / 1000,
    bank: {
      fit: summary(split.fit),
      stack: summary(split.stack),
      evaluation: summary(split.evaluation),
      unlabelledWeight: bank.unlabelledWeight,
      stackRows: stackOnBank ? "the bank's stack days" : `the bank's stack days and the prior's later days (only ${bankStackFraud} FRAUD labels on the bank's, fewer than ${MIN_STACK_FRAUD})`,
    },
    prior: prior && {
      ...options.train,
      rows: prior.dataset.rows,
      positives: prior.dataset.labels.reduce((a, b) => a + b, 0),
      weight: priorWeight,
      worthLabels: bank.priorLabels,
    },
    models: [
      { name: 'trees', description: `xgboost ${models.ensemble.treeCount} trees (libxgboost, hist) on the ${FEATURE_NAMES.length} tabular features, rows weighted`, parameters: { ...options.trees, trainSeconds: round(models.trainSeconds.trees) } },
      { name: 'sequence', description: `the transformer over the originator's last ${fit.steps} transactions (libtorch), rows weighted`, parameters: { ...models.sequenceWeights.architecture, epochs: options.sequence.epochs, trainSeconds: round(models.trainSeconds.sequence) } },
      { name: 'stack', description: "logistic regression over the two models' logits", parameters: { weights: models.stack.weights.map(round), bias: round(models.stack.bias) } },
    ],
    budget: { share: budget, source: bank.budget !== undefined ? '--budget' : stored !== undefined ? "the admin's alert budget (risk.alert_budget)" : 'the default' },
    serving: { reviewThreshold, blockThreshold },
    evaluation: reports,
    criteria: offlineCriteria(challengerReport, championReport, policy),
    promotion: { policy, comparedWith: champion ? { name: RISK_MODEL_NAME, version: champion.version } : null },
  };

  log.step(`writing ${dir}`);
  const fitted = bankRows(split.fit);
  const reference = buildDriftReference(columnsOf(fitted), FEATURE_NAMES, { scores: await riskScores(models, fitted) });
  // A manifest's metrics are numbers: a figure with nothing to measure is left out.
  const metrics = Object.fromEntries(
    Object.entries({
      bank_eval_pr_auc: challengerReport.prAuc,
      bank_eval_precision_at_budget: challengerReport.atBudget.precision,
      bank_eval_recall_at_budget: challengerReport.atBudget.recall,
      bank_eval_alert_share: challengerReport.served.alertShare,
      champion_bank_eval_pr_auc: championReport?.prAuc ?? null,
    }).filter((entry): entry is [string, number] => entry[1] !== null),
  );
  await writeModelArtifact(dir, {
    name: RISK_MODEL_NAME,
    version,
    seed: options.train.seed,
    features: [...FEATURE_NAMES],
    metrics,
    files: {
      'trees.onnx': models.treesOnnx,
      'trees.json': JSON.stringify(models.ensemble.toJSON()),
      'sequence.onnx': models.sequenceOnnx,
      'reference.json': JSON.stringify(reference),
      'card.json': `${JSON.stringify({ ...card, evaluation: card.evaluation.map(({ curve: _curve, ...rest }) => rest) }, null, 2)}\n`,
      'card.md': renderChallengerCard(card),
      'pr-curve.svg': prCurveSvg(
        `${RISK_MODEL_NAME} v${version}: the bank's latest transactions`,
        reports.filter((r) => r.curve.length > 0).map((r) => ({ name: `${r.name} v${r.version} (AP ${r.prAuc?.toFixed(3)})`, points: r.curve })),
      ),
    },
    extra: {
      stack: models.stack,
      thresholds: { review: reviewThreshold, block: blockThreshold },
      sequence: { steps: fit.steps, channels: fit.channels },
      source: 'bank',
      challengerOf: card.promotion.comparedWith,
      command: options.command,
    },
  });

  const record = await deps.registry.register(dir, deps.actor);
  const shadow = bank.shadow ? await deps.registry.promote(RISK_MODEL_NAME, version, 'shadow', deps.actor) : null;
  return { dir, card, record, shadow };
}

interface TimeSplit {
  readonly fit: number[];
  readonly stack: number[];
  readonly evaluation: number[];
}

/**
 * Rows by event time: the latest `evalShare` for evaluation; of the rest, the earliest `fitShare`
 * fit the models and the others the stack and thresholds. A cut falls between distinct instants,
 * so transactions of one instant stay together.
 */
export function splitInTime(data: Pick<BankDataset, 'rows' | 'ts'>, evalShare: number, fitShare: number): TimeSplit {
  const order = Array.from({ length: data.rows }, (_, i) => i).sort((a, b) => data.ts[a] - data.ts[b] || a - b);
  const cut = (rows: number[], share: number): [number[], number[]] => {
    if (rows.length === 0) return [[], []];
    const at = data.ts[rows[Math.min(rows.length - 1, Math.floor(rows.length * share))]];
    return [rows.filter((row) => data.ts[row] < at), rows.filter((row) => data.ts[row] >= at)];
  };
  const [training, evaluation] = cut(order, 1 - evalShare);
  const [fit, stack] = cut(training, fitShare);
  return { fit, stack, evaluation };
}

interface Champion {
  readonly version: number;
  readonly manifest: ModelManifest & RiskModelManifest;
  readonly treesOnnx: Uint8Array;
  readonly sequenceOnnx: Uint8Array;
  readonly stack: LogisticStack;
}

async function loadChampion(registry: BankTrainingDeps['registry']): Promise<Champion | undefined> {
  const ref = (await registry.live(RISK_MODEL_NAME)).champion;
  if (ref === undefined) return undefined;
  const manifest = (await registry.verifiedManifest(ref)) as ModelManifest & RiskModelManifest;
  return {
    version: ref.version,
    manifest,
    treesOnnx: await registry.readFile(ref, manifest, 'trees.onnx'),
    sequenceOnnx: await registry.readFile(ref, manifest, 'sequence.onnx'),
    stack: manifest.stack,
  };
}

/** The champion's scores, its features picked by name from the engine's (which may have grown since it was trained). */
async function championScores(champion: Champion, rows: TrainingRows): Promise<Float64Array> {
  const columns = champion.manifest.features.map((name) => {
    const at = (FEATURE_NAMES as readonly string[]).indexOf(name);
    if (at < 0) throw new RangeError(`the champion v${champion.version} reads feature '${name}', which the engine no longer computes: it cannot be compared`);
    return at;
  });
  if (champion.manifest.sequence.steps !== rows.steps || champion.manifest.sequence.channels !== rows.channels) {
    throw new RangeError(`the champion v${champion.version} reads sequences of ${champion.manifest.sequence.steps}×${champion.manifest.sequence.channels}, the encoder writes ${rows.steps}×${rows.channels}`);
  }
  const width = FEATURE_NAMES.length;
  const features = new Float32Array(rows.rows * columns.length);
  for (let row = 0; row < rows.rows; row++) columns.forEach((at, c) => (features[row * columns.length + c] = rows.features[row * width + at]));
  return riskScores(champion, { ...rows, features }, columns.length);
}

function columnsOf(rows: TrainingRows): Float32Array[] {
  const width = FEATURE_NAMES.length;
  return FEATURE_NAMES.map((_, f) => Float32Array.from({ length: rows.rows }, (_, row) => rows.features[row * width + f]));
}

/** Past every version on disk and in the registry. */
async function nextVersion(dir: string, registry: BankTrainingDeps['registry']): Promise<number> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const registered = (await registry.list(RISK_MODEL_NAME)).map((m) => m.version);
  return Math.max(0, ...entries.filter((e) => /^\d+$/.test(e)).map(Number), ...registered) + 1;
}

const round = (v: number): number => Math.round(v * 1e4) / 1e4;
