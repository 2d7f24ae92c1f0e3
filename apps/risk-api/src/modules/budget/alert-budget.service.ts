import { Inject, Injectable } from '@nestjs/common';
import { Transaction } from '@vigil/contracts';
import { AuditLog, AuthenticatedUser, JsonLogger } from '@vigil/platform';

import type { RiskApiEnv } from '../../config/env';
import { DecidedTransaction } from '../decisions/decided-transaction';
import { RuleSetsService } from '../rule-sets/rule-sets.service';
import { AlertBudget, AlertBudgetReport, AlertBudgetSettings, RuleRate, ShareReport, ShippedThresholds, ThresholdSet } from './alert-budget';
import { AlertBudgetRepository, ThresholdVersion } from './alert-budget.repository';
import { SegmentBy, segmentOf } from './segment-by';

export const ALERT_BUDGET_OPTIONS = Symbol('ALERT_BUDGET_OPTIONS');

export interface AlertBudgetOptions {
  /** `share` is the default until an admin sets one. */
  readonly settings: AlertBudgetSettings;
  readonly segmentBy: SegmentBy;
}

export function alertBudgetOptions(
  env: Pick<RiskApiEnv, 'ALERT_BUDGET' | 'ALERT_BUDGET_BLOCK_SHARE' | 'ALERT_BUDGET_EPOCH' | 'ALERT_BUDGET_WARMUP' | 'ALERT_BUDGET_REESTIMATE_EVERY' | 'ALERT_BUDGET_SEGMENT_BY'>,
): AlertBudgetOptions {
  return {
    settings: {
      share: env.ALERT_BUDGET,
      blockShare: env.ALERT_BUDGET_BLOCK_SHARE,
      epochSize: env.ALERT_BUDGET_EPOCH,
      warmup: env.ALERT_BUDGET_WARMUP,
      reestimateEvery: env.ALERT_BUDGET_REESTIMATE_EVERY,
    },
    segmentBy: env.ALERT_BUDGET_SEGMENT_BY,
  };
}

/** A model the budget sets thresholds for: the champion or the shadow. */
export interface BudgetedModel {
  readonly name: string;
  readonly version: number;
  readonly shipped: ShippedThresholds;
}

/** The budgets one batch decides with. */
export interface BatchBudgets {
  /** The champion's; with no champion, the rules' alone (their share and hit rates, no thresholds). */
  readonly live: AlertBudget;
  readonly shadow?: AlertBudget;
}

export interface AlertBudgetView {
  share: number;
  /** Who set the share, or null while it is the configured default (ALERT_BUDGET). */
  setBy: { username: string; at: string } | null;
  blockShare: number;
  segmentBy: SegmentBy;
  epochSize: number;
  warmup: number;
  reestimateEvery: number;
  /** The champion the thresholds are for; null with no champion (or before this instance decided anything). */
  model: ModelRef | null;
  status: string;
  phase: AlertBudgetReport['phase'];
  version: number | null;
  thresholds: ThresholdSet | null;
  /** The window: its transactions, how many were scored, and the shares the rules and rules or model flagged. */
  window: ShareReport;
  segments: AlertBudgetReport['segments'];
  /** Each rule's hit rate against the budget, highest first. */
  rules: (RuleRate & { name: string | null; typology: string | null })[];
  /** The shadow model's own budget at the same share, so its alert share compares with the champion's. */
  shadow: { model: ModelRef; phase: AlertBudgetReport['phase']; version: number | null; thresholds: ThresholdSet | null; flaggedShare: number } | null;
}

type ModelRef = { name: string; version: number };

interface Entry {
  readonly model: ModelRef | null;
  readonly budget: AlertBudget;
  /** A version adopted but not stored yet: stored before any decision stamps it. */
  pending?: ThresholdVersion;
}

/** How long a process keeps the share it read before looking again (an admin's change made on another instance). */
const RELOAD_SHARE_AFTER_MS = 2_000;
const RULES_ONLY = 'rules';

/**
 * The alert budget in the service: one AlertBudget per live model (champion and shadow), restored
 * from its latest stored version on first use and started from the model's shipped thresholds
 * otherwise; each re-estimate stored as a new version before any decision stamps it. The pipeline
 * acquires the budgets once per batch (inside its serial section), decides with them, and has them
 * observe what it stored. Each instance estimates from the traffic it decides.
 */
@Injectable()
export class AlertBudgetService {
  readonly #entries = new Map<string, Entry>();
  #live?: Entry;
  #shadow?: Entry;
  #share?: { loadedAt: number; share: Promise<number> };

  constructor(
    private readonly repository: AlertBudgetRepository,
    private readonly ruleSets: RuleSetsService,
    private readonly audit: AuditLog,
    private readonly logger: JsonLogger,
    @Inject(ALERT_BUDGET_OPTIONS) private readonly options: AlertBudgetOptions,
  ) {}

  segmentOf(transaction: Transaction): string | undefined {
    return segmentOf(transaction, this.options.segmentBy);
  }

  /** The budgets for a batch scored by `models`, each with a stored version in force (a new share is re-estimated at once). */
  async acquire(models: { champion?: BudgetedModel; shadow?: BudgetedModel }): Promise<BatchBudgets> {
    const share = await this.#currentShare();
    const live = models.champion ? await this.#modelEntry(models.champion, share) : this.#rulesEntry(share);
    const shadow = models.shadow && (await this.#modelEntry(models.shadow, share));
    // A model that is no longer live is forgotten; made live again, it restores from its stored state.
    for (const [key, entry] of this.#entries) if (entry !== live && entry !== shadow) this.#entries.delete(key);
    this.#live = live;
    this.#shadow = shadow;
    return { live: live.budget, ...(shadow ? { shadow: shadow.budget } : {}) };
  }

  /**
   * Counts a stored batch, and stores the re-estimates that fell due. A failed store is logged, not
   * thrown (the batch is stored already): the version waits, and the next batch stores it first.
   */
  async observe(budgets: BatchBudgets, batch: readonly DecidedTransaction[]): Promise<void> {
    for (const { transaction, decision, rulesDecision, shadowModel } of batch) {
      const counted = { rulesFlagged: rulesDecision !== 'ALLOW', rules: decision.rules.map((rule) => rule.id), segment: this.segmentOf(transaction) };
      budgets.live.observe({ score: decision.model?.score ?? null, ...counted });
      budgets.shadow?.observe({ score: shadowModel?.score ?? null, ...counted });
    }
    for (const entry of [this.#live, this.#shadow]) {
      if (entry === undefined || entry.model === null || !entry.budget.due) continue;
      await this.#reestimate(entry).catch((error: unknown) => this.logger.pino.warn({ err: error, model: entry.model }, 'alert thresholds re-estimated but not stored yet'));
    }
  }

  /** The live budget's report (undefined before this instance decided anything), for the metrics. */
  report(): AlertBudgetReport | undefined {
    return this.#live?.budget.report();
  }

  async view(): Promise<AlertBudgetView> {
    const stored = await this.repository.findShare();
    const { settings, segmentBy } = this.options;
    const report = this.#live?.budget.report();
    const shadow = this.#shadow?.model ? { model: this.#shadow.model, report: this.#shadow.budget.report() } : undefined;
    return {
      share: stored?.share ?? settings.share,
      setBy: stored ? { username: stored.updatedBy, at: stored.updatedAt } : null,
      blockShare: settings.blockShare,
      segmentBy,
      epochSize: settings.epochSize,
      warmup: settings.warmup,
      reestimateEvery: settings.reestimateEvery,
      model: this.#live?.model ?? null,
      status: statusOf(this.#live, report),
      phase: report?.phase ?? 'warm-up',
      version: report?.version ?? null,
      thresholds: report?.thresholds ?? null,
      window: {
        transactions: report?.transactions ?? 0,
        scored: report?.scored ?? 0,
        rulesFlaggedShare: report?.rulesFlaggedShare ?? 0,
        flaggedShare: report?.flaggedShare ?? 0,
      },
      segments: report?.segments ?? {},
      rules: await this.#named(report?.rules ?? []),
      shadow: shadow
        ? { model: shadow.model, phase: shadow.report.phase, version: shadow.report.version, thresholds: shadow.report.thresholds, flaggedShare: shadow.report.flaggedShare }
        : null,
    };
  }

  /** Sets the share for every instance (each takes it up within seconds and re-estimates at once); audited. */
  async setShare(share: number, user: AuthenticatedUser): Promise<AlertBudgetView> {
    await this.repository.setShare(share, user.username, (manager, previous) =>
      this.audit.record(user, { action: 'alert_budget.set', subjectType: 'alert_budget', details: { share, previous: previous ?? this.options.settings.share } }, manager),
    );
    this.#share = undefined;
    return this.view();
  }

  /** The share in force: the one an admin set, else the configured default (ALERT_BUDGET). */
  share(): Promise<number> {
    return this.#currentShare();
  }

  #currentShare(): Promise<number> {
    if (this.#share === undefined || Date.now() - this.#share.loadedAt > RELOAD_SHARE_AFTER_MS) {
      const share = this.repository.findShare().then((stored) => stored?.share ?? this.options.settings.share);
      this.#share = { loadedAt: Date.now(), share };
      share.catch(() => (this.#share = undefined));
    }
    return this.#share.share;
  }

  async #modelEntry(model: BudgetedModel, share: number): Promise<Entry> {
    const key = `${model.name}@${model.version}`;
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = await this.#restore(model);
      this.#entries.set(key, entry);
    }
    if (entry.pending) await this.#store(entry);
    entry.budget.setShare(share);
    if (entry.budget.version === null || entry.budget.due) await this.#reestimate(entry);
    return entry;
  }

  #rulesEntry(share: number): Entry {
    let entry = this.#entries.get(RULES_ONLY);
    if (entry === undefined) this.#entries.set(RULES_ONLY, (entry = { model: null, budget: new AlertBudget(this.options.settings, null) }));
    entry.budget.setShare(share);
    return entry;
  }

  async #restore(model: BudgetedModel): Promise<Entry> {
    const { settings, segmentBy } = this.options;
    const ref = { name: model.name, version: model.version };
    const stored = await this.repository.latest(ref);
    if (stored !== undefined && stored.segmentBy === segmentBy) {
      try {
        const budget = AlertBudget.restore(settings, model.shipped, stored.state);
        this.logger.pino.info({ model: ref, version: stored.version }, 'alert budget restored from its latest thresholds');
        return { model: ref, budget };
      } catch (error) {
        this.logger.pino.warn({ err: error, model: ref, version: stored.version }, 'stored alert budget state unreadable: warming up again');
      }
    } else if (stored !== undefined) {
      this.logger.pino.info({ model: ref, stored: stored.segmentBy, segmentBy }, 'alert budget segmentation changed: warming up again');
    }
    return { model: ref, budget: new AlertBudget(settings, model.shipped) };
  }

  async #reestimate(entry: Entry): Promise<void> {
    const model = entry.model as ModelRef;
    const version = await this.repository.nextVersion();
    const { budget } = entry;
    const thresholds = budget.reestimate(version);
    const { rules: _rules, thresholds: _thresholds, ...samples } = budget.report();
    entry.pending = { version, model, share: budget.share, blockShare: this.options.settings.blockShare, segmentBy: this.options.segmentBy, thresholds, samples, state: budget.snapshot() };
    await this.#store(entry);
    this.logger.pino.debug({ model, version, thresholds }, 'alert thresholds re-estimated');
  }

  async #store(entry: Entry): Promise<void> {
    await this.repository.store(entry.pending as ThresholdVersion);
    entry.pending = undefined;
  }

  async #named(rules: readonly RuleRate[]): Promise<AlertBudgetView['rules']> {
    const active = rules.length === 0 ? undefined : (await this.ruleSets.live()).active;
    const byId = new Map(active?.typologies.flatMap((typology) => typology.rules.map((rule) => [rule.id, { name: rule.name, typology: typology.id }] as const)));
    return rules.map((rate) => ({ ...rate, name: byId.get(rate.rule)?.name ?? null, typology: byId.get(rate.rule)?.typology ?? null }));
  }
}

function statusOf(live: Entry | undefined, report: AlertBudgetReport | undefined): string {
  if (live === undefined || report === undefined) return 'no transaction decided by this instance yet';
  if (live.model === null) return 'no champion: the rules alone decide; their share and hit rates are counted against the budget';
  if (report.phase === 'warm-up') return `warming up: ${report.scored} of ${report.warmup} scores; the model's shipped thresholds decide`;
  return `operating: thresholds version ${report.version} from the last ${report.transactions} transactions`;
}
