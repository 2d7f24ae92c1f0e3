/**
 * What a ModelSlot loads per live version when serving from the registry: the verified manifest,
 * the drift reference (when the version has one), and a leased session for each ONNX file, all
 * taken before the version is handed out.
 */
import { type DriftReference, parseDriftReference } from '../drift/drift-reference';
import { DRIFT_REFERENCE_FILE, type ModelManifest, onnxFiles } from './model-manifest';
import type { LiveModelRef, ModelRegistry } from './model-registry';
import type { Releasable, SessionCache, SessionLease } from './session-cache';
import type { SlotModel } from './model-slot';

export interface LoadedModel<S> extends SlotModel {
  readonly name: string;
  readonly version: number;
  readonly manifestSha256: string;
  readonly manifest: ModelManifest;
  readonly reference?: DriftReference;
  /** One session per ONNX file of the version, by file name (`trees.onnx`). */
  readonly sessions: ReadonlyMap<string, S>;
}

/**
 * A loader for `new ModelSlot({ load })`: sessions come from `cache` (keys { model: name,
 * version, file, providers }) and stay leased while the version is in a snapshot; once released,
 * the cache's idle TTL frees them.
 */
export function registryModelLoader<S extends Releasable>(
  registry: Pick<ModelRegistry, 'verifiedManifest' | 'readFile'>,
  cache: SessionCache<S>,
  providers: readonly string[],
): (ref: LiveModelRef) => Promise<LoadedModel<S>> {
  return async (ref) => {
    const manifest = await registry.verifiedManifest(ref);
    const reference = manifest.files.some((f) => f.path === DRIFT_REFERENCE_FILE)
      ? parseDriftReference(JSON.parse(Buffer.from(await registry.readFile(ref, manifest, DRIFT_REFERENCE_FILE)).toString('utf8')), `${ref.name}@${ref.version}/${DRIFT_REFERENCE_FILE}`)
      : undefined;
    const files = onnxFiles(manifest);
    const settled = await Promise.allSettled(files.map((file) => cache.acquire({ model: ref.name, version: String(ref.version), file, providers })));
    const leases = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      leases.forEach((lease) => lease.release());
      throw failed.reason;
    }
    return {
      name: ref.name,
      version: ref.version,
      manifestSha256: ref.manifestSha256,
      manifest,
      ...(reference ? { reference } : {}),
      sessions: new Map(files.map((file, i) => [file, (leases[i] as SessionLease<S>).session])),
      release: async () => leases.forEach((lease) => lease.release()),
    };
  };
}
