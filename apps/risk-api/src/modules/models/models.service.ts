import { Inject, Injectable } from '@nestjs/common';
import { type LiveRole, type ModelRecord, ModelRegistryError, ModelRegistryErrorCode, type Promotion } from '@vigil/core-ml';
import { AuditLog, AuthenticatedUser } from '@vigil/platform';

import { AlertBudgetService } from '../budget/alert-budget.service';
import type { RiskModelManifest } from '../scoring/risk-scorer';
import { LiveRiskModel } from './live-risk-model';
import { ModelCards } from './model-cards';
import { comparisonReport, type ComparisonReport, renderComparison } from './model-comparison';
import { ModelComparisonRepository } from './model-comparison.repository';
import { ModelDrift, type ModelDriftReport } from './model-drift';
import { modelsError, ModelsError, ModelsErrorCode } from './models.exception';
import { MODEL_REGISTRY, RISK_MODEL, type RiskModelRegistry } from './models.tokens';
import { type CardForGate, promotionRefusals } from './promotion-gate';

export type ModelSummary = Omit<ModelRecord, 'manifest'> & { features: number };

export interface DriftAnswer extends Partial<ModelDriftReport> {
  /** False until the pipeline has scored with a champion that has a drift reference. */
  monitored: boolean;
  alerts: string[];
}

/** An admin's override of the promotion gate. */
export interface PromotionOverride {
  force?: boolean;
  reason?: string;
}

export interface ComparisonWindow {
  from?: string;
  to?: string;
  champion?: number;
  challenger?: number;
  budget?: number;
}

/**
 * The registry for admins and viewers: versions, promotions (gated on the card for a champion,
 * audited in the same transaction), the champion/challenger comparison on live traffic, drift.
 */
@Injectable()
export class ModelsService {
  constructor(
    @Inject(MODEL_REGISTRY) private readonly registry: RiskModelRegistry,
    private readonly live: LiveRiskModel,
    private readonly drift: ModelDrift,
    private readonly audit: AuditLog,
    private readonly cards: ModelCards,
    private readonly comparisons: ModelComparisonRepository,
    private readonly budget: AlertBudgetService,
  ) {}

  async list(): Promise<ModelSummary[]> {
    return (await this.registry.list()).map(({ manifest, ...summary }) => ({ ...summary, features: manifest.features.length }));
  }

  async get(name: string, version: number): Promise<ModelRecord> {
    const model = await this.registry.get(name, version);
    if (model === undefined) throw modelsError(new ModelRegistryError(ModelRegistryErrorCode.NotFound, `model ${name}@${version} is not registered`));
    return model;
  }

  /**
   * Gives the version the role. A new champion must pass the gate (promotion-gate.ts) unless an
   * admin forces it with a reason; a refusal, and an override with what it overrode, are audited.
   */
  async promote(name: string, version: number, role: LiveRole, user: AuthenticatedUser, override: PromotionOverride = {}): Promise<Promotion> {
    const refusals = role === 'champion' ? await this.refusals(name, version) : [];
    const forced = refusals.length > 0 && override.force === true;
    if (refusals.length > 0 && !forced) {
      await this.audit.record(user, { action: 'model.promote.refused', subjectType: 'model', subjectId: `${name}@${version}`, details: { role, reasons: refusals } });
      throw modelsError(new ModelsError(ModelsErrorCode.PromotionRefused, `${name}@${version} may not become champion (${refusals.length} reason${refusals.length > 1 ? 's' : ''}); an admin may force it with a reason`, refusals));
    }
    let promotion: Promotion;
    try {
      promotion = await this.registry.promote(name, version, role, user, (tx, done) =>
        this.audit.record(
          user,
          {
            action: 'model.promote',
            subjectType: 'model',
            subjectId: `${name}@${version}`,
            details: { role, replaced: done.replaced, ...(forced ? { forced: true, overridden: refusals } : {}), ...(override.reason ? { reason: override.reason } : {}) },
          },
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

  /** The champion and the challenger (by default the live pair) on the transactions both scored. */
  async comparison(name: string, window: ComparisonWindow = {}): Promise<ComparisonReport> {
    const live = await this.registry.live(name);
    const championVersion = window.champion ?? live.champion?.version;
    const challengerVersion = window.challenger ?? live.shadow?.version;
    if (championVersion === undefined || challengerVersion === undefined) {
      throw modelsError(new ModelsError(ModelsErrorCode.NothingToCompare, `${name} has no ${championVersion === undefined ? 'champion' : 'shadow'}: name the versions to compare, or promote a challenger to shadow first`));
    }
    return this.compare(await this.get(name, championVersion), await this.get(name, challengerVersion), window);
  }

  /** The comparison, written beside the challenger's card (live-comparison.md) and audited. */
  async recordComparison(name: string, window: ComparisonWindow, user: AuthenticatedUser): Promise<ComparisonReport & { card: string }> {
    const report = await this.comparison(name, window);
    const challenger = await this.get(name, report.challenger.version);
    const recordedAt = new Date().toISOString();
    const card = await this.cards.writeLiveComparison(challenger, renderComparison(report, recordedAt, user.username), { recordedAt, recordedBy: user.username, ...report });
    await this.audit.record(user, {
      action: 'model.compare',
      subjectType: 'model',
      subjectId: `${name}@${report.challenger.version}`,
      details: { champion: report.champion.version, window: report.window, scoredByBoth: report.scoredByBoth, card },
    });
    return { ...report, card };
  }

  driftReport(): DriftAnswer {
    const report = this.drift.report();
    return report === undefined ? { monitored: false, alerts: [] } : { monitored: true, ...report };
  }

  private async refusals(name: string, version: number): Promise<string[]> {
    const champion = (await this.registry.live(name)).champion?.version;
    // The first champion needs no gate; the champion itself is left as it is by the registry.
    if (champion === undefined || champion === version) return [];
    const model = await this.get(name, version);
    const card = await this.card(model);
    const live = card?.promotion ? await this.compare(await this.get(name, champion), model, {}) : undefined;
    return promotionRefusals({ name, version, card, champion, live });
  }

  private async card(model: ModelRecord): Promise<CardForGate | undefined> {
    try {
      return await this.cards.read(model);
    } catch (error) {
      throw modelsError(error);
    }
  }

  private async compare(champion: ModelRecord, challenger: ModelRecord, window: ComparisonWindow): Promise<ComparisonReport> {
    const subject = {
      model: champion.name,
      champion: { version: champion.version, reviewThreshold: reviewThreshold(champion) },
      challenger: { version: challenger.version, reviewThreshold: reviewThreshold(challenger) },
      window: { from: window.from ?? null, to: window.to ?? null },
      // The share the bank's admin runs with now: the challenger is to serve at it.
      budget: window.budget ?? (await this.budget.share()),
    };
    const counts = await this.comparisons.counts({
      model: subject.model,
      champion: champion.version,
      challenger: challenger.version,
      from: subject.window.from,
      to: subject.window.to,
      budget: subject.budget,
      championReview: subject.champion.reviewThreshold,
      challengerReview: subject.challenger.reviewThreshold,
    });
    return comparisonReport(subject, counts);
  }
}

/** The REVIEW threshold training wrote into the manifest (what the model decides with on its own). */
function reviewThreshold(model: ModelRecord): number {
  const review = (model.manifest as Partial<RiskModelManifest>).thresholds?.review;
  if (typeof review !== 'number' || !Number.isFinite(review)) throw new RangeError(`${model.name}@${model.version}: its manifest has no REVIEW threshold`);
  return review;
}
