import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { type LoadedModel, ModelSlot, type OnnxModelSession, registryModelLoader, SessionCache, type SlotLease } from '@vigil/core-ml';
import { JsonLogger } from '@vigil/platform';

import { MODEL_REGISTRY, RISK_MODEL, type RiskModelRegistry } from './models.tokens';

export type RiskModel = LoadedModel<OnnxModelSession>;

/** How long a released version's sessions stay loaded, in case it comes back (a quick rollback). */
const SESSION_IDLE_TTL_MS = 5 * 60_000;

/**
 * The risk model's champion and shadow for the decision pipeline: `acquire()` once per batch,
 * `release()` when the batch is done (see ModelSlot). Promotions reach every instance within
 * `pollMs`; this instance's own promotions at once.
 */
@Injectable()
export class LiveRiskModel implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #cache: SessionCache<OnnxModelSession>;
  readonly #slot: ModelSlot<RiskModel>;

  constructor(@Inject(MODEL_REGISTRY) registry: RiskModelRegistry, logger: JsonLogger) {
    const log = logger.pino.child({ model: RISK_MODEL });
    this.#cache = new SessionCache({
      load: registry.sessionLoader({ intraOpNumThreads: 1 }),
      idleTtlMs: SESSION_IDLE_TTL_MS,
      listener: { loadFailed: (key, error) => log.error({ err: error, key }, 'model session failed to load') },
    });
    this.#slot = new ModelSlot({
      name: RISK_MODEL,
      live: () => registry.live(RISK_MODEL),
      load: registryModelLoader(registry, this.#cache, ['cpu']),
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
    await this.#cache.close();
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
}
