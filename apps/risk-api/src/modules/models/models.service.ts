import { Inject, Injectable } from '@nestjs/common';
import { type LiveRole, type ModelRecord, ModelRegistryError, ModelRegistryErrorCode, type Promotion } from '@vigil/core-ml';
import { AuditLog, AuthenticatedUser } from '@vigil/platform';

import { LiveRiskModel } from './live-risk-model';
import { ModelDrift, type ModelDriftReport } from './model-drift';
import { modelsError } from './models.exception';
import { MODEL_REGISTRY, RISK_MODEL, type RiskModelRegistry } from './models.tokens';

export type ModelSummary = Omit<ModelRecord, 'manifest'> & { features: number };

export interface DriftAnswer extends Partial<ModelDriftReport> {
  /** False until the pipeline has scored with a champion that has a drift reference. */
  monitored: boolean;
  alerts: string[];
}

/** The registry for admins and viewers: versions, promotions (audited in the same transaction), drift. */
@Injectable()
export class ModelsService {
  constructor(
    @Inject(MODEL_REGISTRY) private readonly registry: RiskModelRegistry,
    private readonly live: LiveRiskModel,
    private readonly drift: ModelDrift,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<ModelSummary[]> {
    return (await this.registry.list()).map(({ manifest, ...summary }) => ({ ...summary, features: manifest.features.length }));
  }

  async get(name: string, version: number): Promise<ModelRecord> {
    const model = await this.registry.get(name, version);
    if (model === undefined) throw modelsError(new ModelRegistryError(ModelRegistryErrorCode.NotFound, `model ${name}@${version} is not registered`));
    return model;
  }

  async promote(name: string, version: number, role: LiveRole, user: AuthenticatedUser): Promise<Promotion> {
    let promotion: Promotion;
    try {
      promotion = await this.registry.promote(name, version, role, user, (tx, done) =>
        this.audit.record(
          user,
          { action: 'model.promote', subjectType: 'model', subjectId: `${name}@${version}`, details: { role, replaced: done.replaced } },
          tx.manager,
        ),
      );
    } catch (error) {
      throw modelsError(error);
    }
    // This instance swaps at once (the load runs in the background); the others at their next poll.
    if (promotion.changed && name === RISK_MODEL) void this.live.refresh();
    return promotion;
  }

  driftReport(): DriftAnswer {
    const report = this.drift.report();
    return report === undefined ? { monitored: false, alerts: [] } : { monitored: true, ...report };
  }
}
