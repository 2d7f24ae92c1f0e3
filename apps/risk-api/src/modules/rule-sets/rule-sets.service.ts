import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditLog, AuthenticatedUser, JsonLogger } from '@vigil/platform';

import { compileRuleSet, CompiledRuleSet, DEFAULT_RULE_SET, RULE_SCHEMA, Typology, validateRuleSet } from '../rules';

import { RuleSetRepository, StoredRuleSet } from './rule-set.repository';
import { ruleSetsError, RuleSetsErrorCode } from './rule-sets.exception';

/** How long a process keeps using the rule sets it loaded before looking again (changes made elsewhere). */
const RELOAD_AFTER_MS = 2_000;

export interface LiveRuleSets {
  active: CompiledRuleSet;
  shadows: CompiledRuleSet[];
}

/** Rule sets: admins draft, shadow and activate them; the pipeline decides with the live ones. */
@Injectable()
export class RuleSetsService implements OnApplicationBootstrap {
  private cache?: { loadedAt: number; live: Promise<LiveRuleSets> };

  constructor(
    private readonly repository: RuleSetRepository,
    private readonly audit: AuditLog,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap() {
    if (await this.repository.seedIfEmpty(DEFAULT_RULE_SET)) this.logger.pino.info('seeded the default rule set as version 1');
  }

  /** The active rule set and the shadowed drafts, compiled; reloaded every few seconds. */
  live(): Promise<LiveRuleSets> {
    if (this.cache === undefined || Date.now() - this.cache.loadedAt > RELOAD_AFTER_MS) {
      const live = this.load();
      this.cache = { loadedAt: Date.now(), live };
      live.catch(() => (this.cache = undefined));
    }
    return this.cache.live;
  }

  private async load(): Promise<LiveRuleSets> {
    const stored = await this.repository.live();
    const active = stored.find((ruleSet) => ruleSet.status === 'active');
    if (active === undefined) throw new Error('no active rule set');
    const compile = (ruleSet: StoredRuleSet) => compileRuleSet({ version: ruleSet.version, status: ruleSet.status, typologies: ruleSet.typologies }, RULE_SCHEMA);
    return { active: compile(active), shadows: stored.filter((ruleSet) => ruleSet.shadow).map(compile) };
  }

  list(): Promise<StoredRuleSet[]> {
    return this.repository.list();
  }

  async find(version: number): Promise<StoredRuleSet> {
    return (await this.repository.find(version)) ?? this.fail(RuleSetsErrorCode.NotFound, version);
  }

  /** Validated against the features and fields rules may read; every problem is reported with its path and position. */
  async createDraft(typologies: Typology[], user: AuthenticatedUser): Promise<StoredRuleSet> {
    const problems = validateRuleSet({ version: 1, status: 'draft', typologies }, RULE_SCHEMA);
    if (problems.length > 0) throw ruleSetsError(RuleSetsErrorCode.Invalid, undefined, problems);
    return this.repository.createDraft(typologies, user.username, (manager, version) =>
      this.audit.record(user, { action: 'rule_set.create', subjectType: 'rule_set', subjectId: String(version), details: { typologies: typologies.length } }, manager),
    );
  }

  async activate(version: number, user: AuthenticatedUser): Promise<StoredRuleSet> {
    const done = await this.repository.activate(version, (manager) =>
      this.audit.record(user, { action: 'rule_set.activate', subjectType: 'rule_set', subjectId: String(version) }, manager),
    );
    return this.afterChange(done, version);
  }

  async setShadow(version: number, enabled: boolean, user: AuthenticatedUser): Promise<StoredRuleSet> {
    const done = await this.repository.setShadow(version, enabled, (manager) =>
      this.audit.record(user, { action: enabled ? 'rule_set.shadow_start' : 'rule_set.shadow_stop', subjectType: 'rule_set', subjectId: String(version) }, manager),
    );
    return this.afterChange(done, version);
  }

  /** Only drafts can go: active and retired versions are what past decisions were made with. */
  async deleteDraft(version: number, user: AuthenticatedUser): Promise<void> {
    const done = await this.repository.deleteDraft(version, (manager) =>
      this.audit.record(user, { action: 'rule_set.delete', subjectType: 'rule_set', subjectId: String(version) }, manager),
    );
    if (!done) this.fail((await this.repository.find(version)) ? RuleSetsErrorCode.NotADraft : RuleSetsErrorCode.NotFound, version);
    this.cache = undefined;
  }

  private async afterChange(done: boolean, version: number): Promise<StoredRuleSet> {
    if (!done) return this.fail((await this.repository.find(version)) ? RuleSetsErrorCode.NotADraft : RuleSetsErrorCode.NotFound, version);
    this.cache = undefined;
    return this.find(version);
  }

  private fail(code: RuleSetsErrorCode, version: number): never {
    throw ruleSetsError(code, version);
  }
}
