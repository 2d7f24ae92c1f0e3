import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  DRIFT_REFERENCE_FILE,
  type DriftReference,
  type LiveModelRef,
  type ModelManifest,
  LiveModel,
  parseDriftReference,
  type SlotModel,
  createShapExplainer,
  TreeEnsemble,
  type TreeEnsembleJson,
} from '@vigil/core-ml';
import { JsonLogger } from '@vigil/platform';

import { RiskModelManifest, RiskScorer } from '../scoring/risk-scorer';
import { MODEL_REGISTRY, RISK_MODEL, type RiskModelRegistry } from './models.tokens';

/** One live version of the risk model: its checked manifest, drift reference and scorer. */
export interface RiskModel extends SlotModel {
  readonly name: string;
  readonly version: number;
  readonly manifest: ModelManifest;
  readonly reference?: DriftReference;
  readonly scorer: RiskScorer;
}

/** The files a risk model version must have (train:risk writes them). */
const TREES_ONNX = 'trees.onnx';
const SEQUENCE_ONNX = 'sequence.onnx';
const TREES_JSON = 'trees.json';

/**
 * The risk model's champion and shadow for the decision pipeline (see LiveModel): `acquire()` once
 * per batch, `release()` when the batch is done. Promotions reach every instance within the slot's
 * poll; this instance's own promotions at once (`refresh()`).
 */
@Injectable()
export class LiveRiskModel extends LiveModel<RiskModel> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(MODEL_REGISTRY) private readonly registry: RiskModelRegistry,
    logger: JsonLogger,
  ) {
    super(RISK_MODEL, () => registry.live(RISK_MODEL), logger.pino.child({ model: RISK_MODEL }));
  }

  /** Every file checked against the registered manifest, both graphs loaded, before the version serves. */
  protected async load(ref: LiveModelRef): Promise<RiskModel> {
    const manifest = await this.registry.verifiedManifest(ref);
    const read = (file: string) => this.registry.readFile(ref, manifest, file);
    const text = async (file: string) => Buffer.from(await read(file)).toString('utf8');
    const explainer = createShapExplainer(TreeEnsemble.fromJSON(JSON.parse(await text(TREES_JSON)) as TreeEnsembleJson));
    const reference = manifest.files.some((f) => f.path === DRIFT_REFERENCE_FILE) ? parseDriftReference(JSON.parse(await text(DRIFT_REFERENCE_FILE)), `${ref.name}@${ref.version}/${DRIFT_REFERENCE_FILE}`) : undefined;
    const trees = await this.pool.load(await read(TREES_ONNX), { name: `${ref.name}@${ref.version}/${TREES_ONNX}`, intraOpNumThreads: 1 });
    const sequence = await this.pool.load(await read(SEQUENCE_ONNX), { name: `${ref.name}@${ref.version}/${SEQUENCE_ONNX}`, intraOpNumThreads: 1 }).catch(async (error: unknown) => {
      await trees.release();
      throw error;
    });
    let scorer: RiskScorer;
    try {
      scorer = new RiskScorer(manifest as unknown as RiskModelManifest, { trees, sequence }, explainer);
    } catch (error) {
      await Promise.all([trees.release(), sequence.release()]);
      throw error;
    }
    return {
      name: ref.name,
      version: ref.version,
      manifestSha256: ref.manifestSha256,
      manifest,
      ...(reference ? { reference } : {}),
      scorer,
      release: async () => {
        await scorer.close();
        await Promise.all([trees.release(), sequence.release()]);
      },
    };
  }
}
