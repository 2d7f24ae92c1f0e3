import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Transaction } from '@vigil/contracts';

import { AlertBudgetService, BatchBudgets, BudgetedModel } from '../budget/alert-budget.service';
import { FeatureVector, toModelInput } from '../features';
import { LiveRiskModel, RiskModel } from '../models/live-risk-model';
import { ModelDrift } from '../models/model-drift';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { CompiledRuleSet, evaluateRuleSet, mostSevere, RuleSetResult, ruleValues } from '../rules';
import { ModelScore, ScoringInput, TOP_FEATURES } from '../scoring/risk-scorer';
import { DecidedTransaction } from './decided-transaction';
import { DecisionOutbox } from './decision-outbox';
import { DecisionRepository } from './decision.repository';
import { FeatureState, ModelInputs } from './feature-state';
import { RiskMetrics } from './risk-metrics';

export interface AcceptedTransaction {
  transaction: Transaction;
  source: { partition: number; offset: string };
  /** performance.now() when its batch reached the service. */
  receivedAt: number;
}

/**
 * One decision per accepted transaction, exactly once: a txId already decided is not decided
 * again; a batch's transactions, features, decisions and alerts are stored in one transaction
 * before the outbox publishes them, and published before the handler returns (so before the
 * offsets are committed).
 *
 * A batch is scored by the champion model it acquired when it started, whole: a promotion takes
 * effect from the next batch, so no transaction is scored by two champions or by none. The model
 * can escalate what the rules decided, never clear it; the score is the higher of the two. Its
 * REVIEW/BLOCK thresholds are the alert budget's, fixed for the batch, and each decision stamps their
 * version; the budget then counts the stored batch. With no champion registered, rules alone decide
 * and say so (`model: null`, `thresholdsVersion: null`).
 */
@Injectable()
export class DecisionPipeline {
  constructor(
    private readonly repository: DecisionRepository,
    private readonly features: FeatureState,
    private readonly ruleSets: RuleSetsService,
    private readonly outbox: DecisionOutbox,
    private readonly metrics: RiskMetrics,
    private readonly models: LiveRiskModel,
    private readonly drift: ModelDrift,
    private readonly budget: AlertBudgetService,
  ) {}

  async decide(accepted: AcceptedTransaction[]): Promise<void> {
    const unique = firstOfEachTxId(accepted);
    const stored = await this.repository.findDecided(unique.map(({ transaction }) => transaction.txId));
    this.metrics.duplicates.inc(accepted.length - unique.length + stored.size);
    // Decided before a crash or a failed send, but never acknowledged by Kafka: the outbox finds out.
    if ([...stored.values()].some((decision) => !decision.published)) this.outbox.expectRecovery();

    const fresh = unique.filter(({ transaction }) => !stored.has(transaction.txId));
    if (fresh.length === 0) return this.outbox.publish([]);
    const live = await this.ruleSets.live();
    const txIds = fresh.map(({ transaction }) => transaction.txId);
    this.outbox.claim(txIds);
    const models = this.models.acquire();
    const decided = await this.features.serially(async () => {
      try {
        const inputs = await this.features.process(fresh.map(({ transaction }) => transaction));
        // Laid out once for both models and the drift monitor.
        const scoring = inputs.map(({ features, sequence }) => ({ row: toModelInput(features), sequence }));
        const [champion, shadow, budgets] = await Promise.all([
          models.champion?.scorer.score(scoring),
          models.shadow?.scorer.score(scoring),
          this.budget.acquire({ champion: budgeted(models.champion), shadow: budgeted(models.shadow) }),
        ]);
        const batch = fresh.map((item, i) => this.decideOne(item, inputs[i], champion?.[i], shadow?.[i], budgets, live.active, live.shadows));
        await this.repository.saveBatch(batch);
        await this.budget.observe(budgets, batch);
        if (models.champion) this.observeDrift(models.champion, scoring, champion as ModelScore[]);
        return batch;
      } catch (error) {
        this.outbox.release(txIds);
        this.features.invalidate();
        throw error;
      } finally {
        models.release();
      }
    });
    await this.outbox.publish(decided.map(({ decision }) => decision));
  }

  private decideOne(
    item: AcceptedTransaction,
    { features }: ModelInputs,
    champion: ModelScore | undefined,
    shadowModel: ModelScore | undefined,
    budgets: BatchBudgets,
    active: CompiledRuleSet,
    shadows: CompiledRuleSet[],
  ): DecidedTransaction {
    const values = ruleValues(item.transaction, features);
    const result = evaluateRuleSet(active, values);
    const segment = this.budget.segmentOf(item.transaction);
    const model = champion && budgets.live.decide(champion.score, segment);
    const latencyMs = Math.round((performance.now() - item.receivedAt) * 1000) / 1000;
    const decision: RiskDecisionMessage = {
      txId: item.transaction.txId,
      decision: model ? mostSevere(result.decision, model.decision) : result.decision,
      score: champion ? Math.max(result.score, champion.score) : result.score,
      rules: rulesOf(result),
      model: champion ? { name: champion.name, version: String(champion.version), score: champion.score } : null,
      topFeatures: champion ? champion.topFeatures : topFeatures(result, features),
      ruleSetVersion: result.version,
      thresholdsVersion: model?.version ?? null,
      processedAt: new Date().toISOString(),
      latencyMs,
    };
    this.metrics.decisions.inc({ decision: decision.decision });
    this.metrics.latency.observe(latencyMs / 1000);
    for (const hit of result.hits) this.metrics.ruleHits.inc({ rule: hit.ruleId });
    return {
      transaction: item.transaction,
      source: item.source,
      features,
      decision,
      rulesDecision: result.decision,
      shadow: shadows.map((ruleSet) => {
        const shadow = evaluateRuleSet(ruleSet, values);
        return { ruleSetVersion: shadow.version, decision: shadow.decision, score: shadow.score, rules: rulesOf(shadow) };
      }),
      ...(shadowModel && budgets.shadow
        ? { shadowModel: { name: shadowModel.name, version: shadowModel.version, score: shadowModel.score, decision: budgets.shadow.decide(shadowModel.score, segment).decision } }
        : {}),
    };
  }

  private observeDrift(champion: RiskModel, scoring: ScoringInput[], scores: ModelScore[]): void {
    scoring.forEach(({ row }, i) => this.drift.observe(champion, row, scores[i].score));
  }
}

/** A live model as the alert budget sees it: its identity and the thresholds it shipped with. */
function budgeted(model: RiskModel | undefined): BudgetedModel | undefined {
  return model && { name: model.name, version: model.version, shipped: model.scorer.shipped };
}

function firstOfEachTxId(accepted: AcceptedTransaction[]): AcceptedTransaction[] {
  const seen = new Set<string>();
  return accepted.filter(({ transaction }) => !seen.has(transaction.txId) && seen.add(transaction.txId));
}

/** Each hit with its explanation, as JSON carries it: a number it cannot (NaN, ±Infinity) becomes null. */
function rulesOf(result: RuleSetResult): RiskDecisionMessage['rules'] {
  const json = <T>(value: T): T | null => (typeof value === 'number' && !Number.isFinite(value) ? null : value);
  return result.hits.map(({ ruleId, name, score, explanation: { text, inputs, band } }) => ({
    id: ruleId,
    name,
    score,
    explanation: {
      text,
      inputs: inputs.map((input) => ({ name: input.name, value: json(input.value), matched: [...input.matched] })),
      ...(band ? { band: { value: json(band.value), index: band.index, range: band.range } } : {}),
    },
  }));
}

/**
 * Rules alone: each hit's score is shared among the features its rule read, and the features are
 * ranked by what they contributed. (With a champion, its TreeSHAP contributions are used instead.)
 */
function topFeatures(result: RuleSetResult, features: FeatureVector): RiskDecisionMessage['topFeatures'] {
  const contributions = new Map<string, number>();
  for (const hit of result.hits) {
    const read = hit.explanation.inputs.filter(({ name }) => name in features);
    for (const { name } of read) contributions.set(name, (contributions.get(name) ?? 0) + hit.score / read.length);
  }
  return [...contributions]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, TOP_FEATURES)
    .map(([name, contribution]) => ({ name, value: features[name as keyof FeatureVector], contribution: Math.round(contribution * 1e6) / 1e6 }));
}
