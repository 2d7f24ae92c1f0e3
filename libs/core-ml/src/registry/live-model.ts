import { InferencePool } from '../workers/inference-pool';
import type { LiveModelRef, LiveModels } from './model-registry';
import { ModelSlot, type SlotLease, type SlotModel, type SlotVersions } from './model-slot';

/** The structured logger a service hands in (pino's shape). */
export interface LiveModelLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * A service's live champion (and shadow) of one registered model: a ModelSlot polling the registry
 * and an inference worker pool that the subclass loads each version's graphs into, so scoring
 * never blocks the event loop. `acquire()` once per batch, `release()` when the batch is done.
 * Nest calls `onApplicationBootstrap` / `onApplicationShutdown`; the pool closes only after the
 * slot, since ending a worker inside an ORT run aborts the process.
 */
export abstract class LiveModel<M extends SlotModel> {
  protected readonly pool: InferencePool;
  readonly #slot: ModelSlot<M>;

  /** `workerStarted`: each inference worker thread's OS id once it serves (InferencePoolListener). */
  protected constructor(name: string, live: () => Promise<LiveModels>, log: LiveModelLog, workerStarted?: (osThreadId: number) => void) {
    this.pool = new InferencePool({
      name,
      listener: {
        workerExited: (worker, error, replaced) => log.error({ err: error, worker, replaced }, 'inference worker exited'),
        workerStarted: (worker, osThreadId) => {
          try {
            workerStarted?.(osThreadId);
          } catch (error) {
            log.warn({ err: error, worker, osThreadId }, 'inference worker thread setup failed; it serves as it is');
          }
        },
      },
    });
    this.#slot = new ModelSlot({
      name,
      live,
      load: (ref) => this.load(ref),
      listener: {
        swapped: (from, to) => log.info({ from, to }, 'model versions swapped'),
        loadFailed: (ref, role, error) => log.error({ err: error, version: ref.version, role }, 'model version failed to load; keeping the previous one'),
        pollFailed: (error) => log.warn({ err: error }, 'model registry poll failed'),
        releaseFailed: (version, error) => log.warn({ err: error, version }, 'model version failed to release'),
      },
    });
  }

  /** Loads a version completely (every file checked, every graph in the pool) before it serves. */
  protected abstract load(ref: LiveModelRef): Promise<M>;

  async onApplicationBootstrap(): Promise<void> {
    await this.#slot.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.#slot.close();
    await this.pool.close();
  }

  /** The current champion and shadow (either may be absent), held until `release()`. */
  acquire(): SlotLease<M> {
    return this.#slot.acquire();
  }

  get versions(): SlotVersions {
    return this.#slot.versions;
  }

  /** Looks at the registry now (after a promotion or a seed made by this process). */
  refresh(): Promise<void> {
    return this.#slot.refresh();
  }
}
