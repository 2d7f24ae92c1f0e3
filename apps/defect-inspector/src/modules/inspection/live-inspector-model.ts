import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LiveModel, type LiveModelRef, ModelRegistry, type SlotModel, WorkerModelSession } from '@vigil/core-ml';
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
export class LiveInspectorModel extends LiveModel<InspectorModel> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(INSPECTOR_REGISTRY) private readonly registry: InspectorRegistry,
    logger: JsonLogger,
  ) {
    super(INSPECTOR_MODEL, () => registry.live(INSPECTOR_MODEL), logger.pino.child({ model: INSPECTOR_MODEL }));
  }

  protected async load(ref: LiveModelRef): Promise<InspectorModel> {
    const where = `${ref.name}@${ref.version}`;
    const registered = await this.registry.verifiedManifest(ref);
    const manifest = parseInspectorManifest(registered, where);
    const session = await this.pool.load(await this.registry.readFile(ref, registered, CLIP_ONNX), { name: `${where}/${CLIP_ONNX}`, intraOpNumThreads: 1 });
    const missing = ['clip'].filter((name) => !session.inputNames.includes(name)).concat(['logits', 'heatmap'].filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new Error(`${where}/${CLIP_ONNX}: the graph lacks ${missing.join(', ')}`);
    }
    return { name: ref.name, version: ref.version, manifestSha256: ref.manifestSha256, manifest, session, release: () => session.release() };
  }
}
