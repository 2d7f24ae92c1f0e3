import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InferencePool, type LiveModelRef, ModelRegistry, ModelSlot, type SlotLease, type SlotModel, WorkerModelSession } from '@vigil/core-ml';
import { JsonLogger, type TypeormSqlSession } from '@vigil/platform';

import { CLIP_ONNX, INSPECTOR_MODEL, InspectorManifest, parseInspectorManifest } from './inspector-manifest';

/** The registry over the service's DataSource. */
export const INSPECTOR_REGISTRY = Symbol('INSPECTOR_REGISTRY');
export type InspectorRegistry = ModelRegistry<TypeormSqlSession>;

/** One live version of the inspector model: its checked manifest and its clip graph in the worker pool. */
export interface InspectorModel extends SlotModel {
  readonly name: string;
  readonly version: number;
  readonly manifest: InspectorManifest;
  readonly session: WorkerModelSession;
}

/**
 * The inspector model's champion for the inspection pipeline, as risk-api's LiveRiskModel holds
 * its own: `acquire()` once per batch of frames, `release()` when the batch is stored. Promotions
 * reach every instance within the slot's poll; ONNX Runtime runs in a worker thread, so a batch of
 * clips never blocks the event loop (Kafka heartbeats, HTTP). The registered versions come from the
 * model seed (`npm start`, or `seedShippedModels`), which makes the shipped version champion.
 */
@Injectable()
export class LiveInspectorModel implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #pool: InferencePool;
  readonly #slot: ModelSlot<InspectorModel>;

  constructor(@Inject(INSPECTOR_REGISTRY) registry: InspectorRegistry, logger: JsonLogger) {
    const log = logger.pino.child({ model: INSPECTOR_MODEL });
    this.#pool = new InferencePool({
      name: INSPECTOR_MODEL,
      listener: { workerExited: (worker, error, replaced) => log.error({ err: error, worker, replaced }, 'inference worker exited') },
    });
    this.#slot = new ModelSlot({
      name: INSPECTOR_MODEL,
      live: () => registry.live(INSPECTOR_MODEL),
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

  /** The current champion (absent while none is registered), held until `release()`. */
  acquire(): SlotLease<InspectorModel> {
    return this.#slot.acquire();
  }

  /** Looks at the registry now (after a promotion or a seed made by this process). */
  refresh(): Promise<void> {
    return this.#slot.refresh();
  }

  async #load(registry: InspectorRegistry, ref: LiveModelRef): Promise<InspectorModel> {
    const where = `${ref.name}@${ref.version}`;
    const registered = await registry.verifiedManifest(ref);
    const manifest = parseInspectorManifest(registered, where);
    const session = await this.#pool.load(await registry.readFile(ref, registered, CLIP_ONNX), { name: `${where}/${CLIP_ONNX}`, intraOpNumThreads: 1 });
    const missing = ['clip'].filter((name) => !session.inputNames.includes(name)).concat(['logits', 'heatmap'].filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new Error(`${where}/${CLIP_ONNX}: the graph lacks ${missing.join(', ')}`);
    }
    return { name: ref.name, version: ref.version, manifestSha256: ref.manifestSha256, manifest, session, release: () => session.release() };
  }
}
