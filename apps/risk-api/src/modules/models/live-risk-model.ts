import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  DRIFT_REFERENCE_FILE,
  type DriftReference,
  InferencePool,
  type LiveModelRef,
  type ModelManifest,
  ModelSlot,
  parseDriftReference,
  type SlotLease,
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
 * The risk model's champion and shadow for the decision pipeline: `acquire()` once per batch,
 * `release()` when the batch is done (see ModelSlot). Promotions reach every instance within
 * `pollMs`; this instance's own promotions at once. ONNX Runtime runs in a worker thread, so a
 * batch being scored never blocks the event loop (Kafka heartbeats, HTTP).
 */
@Injectable()
export class LiveRiskModel implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #pool: InferencePool;
  readonly #slot: ModelSlot<RiskModel>;

  constructor(@Inject(MODEL_REGISTRY) registry: RiskModelRegistry, logger: JsonLogger) {
    const log = logger.pino.child({ model: RISK_MODEL });
    this.#pool = new InferencePool({
      name: RISK_MODEL,
      listener: { workerExited: (worker, error, replaced) => log.error({ err: error, worker, replaced }, 'inference worker exited') },
    });
    this.#slot = new ModelSlot({
      name: RISK_MODEL,
      live: () => registry.live(RISK_MODEL),
      load: (ref) => this.#load(registry, ref),
      listener: {
        swapped: (from, to) => log.info({ from, to }, 'model versions swapped'),
        loadFailed: (ref, role, error) => log.error({ err: error, version: ref.version, role }, 'model version failed to load; keeping the previous one'),
        pollFailed: (error) => log.warn({ err: error }, 'model registry poll failed'),
        releaseFailed: (version, error) => log.warn({ err: error, version }, 'model version failed to release'),
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.#slot.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#slot.close();
    await this.#pool.close();
  }

  /** The current champion and shadow (either may be absent), held until `release()`. */
  acquire(): SlotLease<RiskModel> {
    return this.#slot.acquire();
  }

  get versions(): { champion?: number; shadow?: number } {
    return this.#slot.versions;
  }

  /** Looks at the registry now (after a promotion made by this instance). */
  refresh(): Promise<void> {
    return this.#slot.refresh();
  }

  /** Every file checked against the registered manifest, both graphs loaded, before the version serves. */
  async #load(registry: RiskModelRegistry, ref: LiveModelRef): Promise<RiskModel> {
    const manifest = await registry.verifiedManifest(ref);
    const read = (file: string) => registry.readFile(ref, manifest, file);
    const text = async (file: string) => Buffer.from(await read(file)).toString('utf8');
    const explainer = createShapExplainer(TreeEnsemble.fromJSON(JSON.parse(await text(TREES_JSON)) as TreeEnsembleJson));
    const reference = manifest.files.some((f) => f.path === DRIFT_REFERENCE_FILE) ? parseDriftReference(JSON.parse(await text(DRIFT_REFERENCE_FILE)), `${ref.name}@${ref.version}/${DRIFT_REFERENCE_FILE}`) : undefined;
    const trees = await this.#pool.load(await read(TREES_ONNX), { name: `${ref.name}@${ref.version}/${TREES_ONNX}`, intraOpNumThreads: 1 });
    const sequence = await this.#pool.load(await read(SEQUENCE_ONNX), { name: `${ref.name}@${ref.version}/${SEQUENCE_ONNX}`, intraOpNumThreads: 1 }).catch(async (error: unknown) => {
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
