import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LiveModel, type LiveModelRef, ModelRegistry, type SlotModel } from '@vigil/core-ml';
import { loadClipModel, setThreadScheduling } from '@vigil/native-gpu';
import { JsonLogger, type TypeormSqlSession } from '@vigil/platform';

import { ClipEngine, ClipEngineName, nativeClipEngine, onnxClipEngine } from './clip-engine';
import { CLIP_ONNX, INSPECTOR_MODEL, InspectorManifest, parseInspectorManifest } from './inspector-manifest';

/** The registry over the service's DataSource. */
export const INSPECTOR_REGISTRY = Symbol('INSPECTOR_REGISTRY');
export type InspectorRegistry = ModelRegistry<TypeormSqlSession>;
/** The clip engine this instance serves with (chooseClipEngine of INSPECTOR_ENGINE). */
export const INSPECTOR_ENGINE = Symbol('INSPECTOR_ENGINE');

/** One live version of the inspector model: its checked manifest and its loaded clip graph. */
export interface InspectorModel extends SlotModel {
  readonly name: string;
  readonly version: number;
  readonly manifest: InspectorManifest;
  readonly engine: ClipEngine;
}

/**
 * The inspector model's champion for the inspection pipeline, as risk-api's LiveRiskModel holds
 * its own: `acquire()` once per batch of frames, `release()` when the batch is stored. Promotions
 * reach every instance within the slot's poll. The clip graph runs off the JS thread either way, so a
 * batch of clips never blocks the event loop (Kafka heartbeats, HTTP): ONNX Runtime in a worker
 * thread, or libs/native-gpu's kernels (on a GPU, or its CPU twin when asked for) from the same file. The registered versions come from the
 * model seed (`npm start`, or `seedShippedModels`), which makes the shipped version champion.
 */
@Injectable()
export class LiveInspectorModel extends LiveModel<InspectorModel> implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(INSPECTOR_REGISTRY) private readonly registry: InspectorRegistry,
    @Inject(INSPECTOR_ENGINE) private readonly engineName: ClipEngineName,
    private readonly logger: JsonLogger,
  ) {
    // ONNX Runtime's worker threads yield to the event loop as the native ops' threads do (main.ts).
    super(INSPECTOR_MODEL, () => registry.live(INSPECTOR_MODEL), logger.pino.child({ model: INSPECTOR_MODEL }), (osThreadId) =>
      setThreadScheduling(osThreadId, 'batch'),
    );
  }

  protected async load(ref: LiveModelRef): Promise<InspectorModel> {
    const where = `${ref.name}@${ref.version}`;
    const registered = await this.registry.verifiedManifest(ref);
    const manifest = parseInspectorManifest(registered, where);
    const bytes = await this.registry.readFile(ref, registered, CLIP_ONNX);
    const engine = this.engineName === 'onnxruntime' ? await this.#onnx(bytes, where) : await this.#native(bytes, where, manifest);
    this.logger.pino.info({ model: INSPECTOR_MODEL, version: ref.version, engine: engine.name }, 'clip model loaded');
    return { name: ref.name, version: ref.version, manifestSha256: ref.manifestSha256, manifest, engine, release: () => engine.release() };
  }

  async #onnx(bytes: Uint8Array, where: string): Promise<ClipEngine> {
    const session = await this.pool.load(bytes, { name: `${where}/${CLIP_ONNX}`, intraOpNumThreads: 1 });
    const missing = ['clip'].filter((name) => !session.inputNames.includes(name)).concat(['logits', 'heatmap'].filter((name) => !session.outputNames.includes(name)));
    if (missing.length > 0) {
      await session.release();
      throw new Error(`${where}/${CLIP_ONNX}: the graph lacks ${missing.join(', ')}`);
    }
    return onnxClipEngine(session);
  }

  async #native(bytes: Uint8Array, where: string, manifest: InspectorManifest): Promise<ClipEngine> {
    const model = await loadClipModel(bytes);
    const a = model.architecture;
    if (a.frames !== manifest.frames || a.height !== manifest.inputHeight || a.width !== manifest.inputWidth || a.classes !== manifest.classes.length) {
      model.release();
      throw new Error(`${where}/${CLIP_ONNX}: the graph takes ${a.frames}×${a.height}×${a.width} clips into ${a.classes} classes, the manifest says ${manifest.frames}×${manifest.inputHeight}×${manifest.inputWidth} into ${manifest.classes.length}`);
    }
    return nativeClipEngine(model, this.engineName === 'native-cuda' ? 'native-cuda' : 'native-cpu');
  }
}
