import { CompiledBand, CompiledRule, CompiledRuleSet, CompiledTypology } from './compiled-rule-set';
import { CompiledExpression, ExpressionSchema, schemaToMap, tryCompile, ValueType } from './expression';
import { BandedRule, ConditionRule, isBandedRule, Rule, RULE_SET_STATUSES, RuleSet, Typology } from './rule-set';
import { expressionProblem, RuleSetProblem, RuleSetProblemCode, RulesConfigError } from './rules.exception';
import { hasScorePrecision, isProbability, ScoreMicros, toMicros } from './score';

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Every problem in a rule set, none skipped; an empty list means compileRuleSet will succeed. */
export function validateRuleSet(ruleSet: RuleSet, schema: ExpressionSchema | ReadonlyMap<string, ValueType>): RuleSetProblem[] {
  return new RuleSetAnalysis(schemaToMap(schema)).run(ruleSet).problems;
}

/** Validates and compiles in one pass; throws RulesConfigError with every problem. */
export function compileRuleSet(ruleSet: RuleSet, schema: ExpressionSchema | ReadonlyMap<string, ValueType>): CompiledRuleSet {
  const { problems, compiled } = new RuleSetAnalysis(schemaToMap(schema)).run(ruleSet);
  if (problems.length > 0 || compiled === undefined) throw new RulesConfigError(problems);
  return compiled;
}

/** Validates a probability-like number (score, weight, threshold) in [0, 1] with at most 6 decimals. */
export function checkProbability(value: unknown, path: string, outOfRange: RuleSetProblemCode, what: string): RuleSetProblem | undefined {
  if (!isProbability(value)) return { code: outOfRange, path, message: `${what} must be a number from 0 to 1, not ${JSON.stringify(value) ?? String(value)}` };
  if (!hasScorePrecision(value)) return { code: RuleSetProblemCode.TooPrecise, path, message: `${what} ${value} has more than 6 decimals` };
  return undefined;
}

class RuleSetAnalysis {
  private readonly problems: RuleSetProblem[] = [];
  private readonly ruleIds = new Map<string, string>();

  constructor(private readonly schema: ReadonlyMap<string, ValueType>) {}

  run(ruleSet: RuleSet): { problems: RuleSetProblem[]; compiled?: CompiledRuleSet } {
    if (typeof ruleSet !== 'object' || ruleSet === null) {
      this.report(RuleSetProblemCode.InvalidShape, '', 'a rule set must be an object');
      return { problems: this.problems };
    }
    if (!Number.isSafeInteger(ruleSet.version) || ruleSet.version < 1) {
      this.report(RuleSetProblemCode.InvalidVersion, 'version', `version must be a positive integer, not ${String(ruleSet.version)}`);
    }
    if (!RULE_SET_STATUSES.includes(ruleSet.status)) {
      this.report(RuleSetProblemCode.InvalidStatus, 'status', `status must be one of ${RULE_SET_STATUSES.join(', ')}, not ${String(ruleSet.status)}`);
    }
    if (!Array.isArray(ruleSet.typologies)) {
      this.report(RuleSetProblemCode.InvalidShape, 'typologies', 'typologies must be a list');
      return { problems: this.problems };
    }
    const typologyIds = new Map<string, string>();
    const typologies = ruleSet.typologies.map((typology, index) => this.typology(typology, `typologies[${index}]`, typologyIds));
    if (this.problems.length > 0) return { problems: this.problems };

    const compiled = typologies as CompiledTypology[];
    const identifiers = [...new Set(compiled.flatMap((typology) => typology.rules.flatMap((rule) => rule.expression.identifiers)))];
    return { problems: this.problems, compiled: { version: ruleSet.version, status: ruleSet.status, typologies: compiled, identifiers } };
  }

  private typology(typology: Typology, path: string, seen: Map<string, string>): CompiledTypology | undefined {
    if (typeof typology !== 'object' || typology === null) {
      this.report(RuleSetProblemCode.InvalidShape, path, 'a typology must be an object');
      return undefined;
    }
    this.id(typology.id, `${path}.id`, 'typology', seen);
    this.name(typology.name, `${path}.name`);
    const review = this.probability(typology.reviewThreshold, `${path}.reviewThreshold`, RuleSetProblemCode.ThresholdOutOfRange, 'reviewThreshold');
    const block = this.probability(typology.blockThreshold, `${path}.blockThreshold`, RuleSetProblemCode.ThresholdOutOfRange, 'blockThreshold');
    if (review !== undefined && block !== undefined && review > block) {
      this.report(
        RuleSetProblemCode.ThresholdsOutOfOrder,
        `${path}.reviewThreshold`,
        `reviewThreshold ${typology.reviewThreshold} exceeds blockThreshold ${typology.blockThreshold}`,
      );
    }
    if (!Array.isArray(typology.rules)) {
      this.report(RuleSetProblemCode.InvalidShape, `${path}.rules`, 'rules must be a list');
      return undefined;
    }
    const rules = typology.rules.map((rule, index) => this.rule(rule, `${path}.rules[${index}]`, typology.id));
    if (review === undefined || block === undefined || rules.some((rule) => rule === undefined)) return undefined;
    return { id: typology.id, name: typology.name, review, block, rules: rules as CompiledRule[] };
  }

  private rule(rule: Rule, path: string, typologyId: string): CompiledRule | undefined {
    if (typeof rule !== 'object' || rule === null) {
      this.report(RuleSetProblemCode.InvalidShape, path, 'a rule must be an object');
      return undefined;
    }
    this.id(rule.id, `${path}.id`, 'rule', this.ruleIds);
    this.name(rule.name, `${path}.name`);
    const hasScore = 'score' in rule && rule.score !== undefined;
    if (hasScore === isBandedRule(rule)) {
      this.report(RuleSetProblemCode.InvalidShape, path, 'a rule has either a score (a condition) or bands (a numeric expression), not both or neither');
      return undefined;
    }
    return isBandedRule(rule) ? this.bandedRule(rule, path, typologyId) : this.conditionRule(rule, path, typologyId);
  }

  private conditionRule(rule: ConditionRule, path: string, typologyId: string): CompiledRule | undefined {
    const score = this.probability(rule.score, `${path}.score`, RuleSetProblemCode.ScoreOutOfRange, 'score');
    const expression = this.expression(rule.expression, `${path}.expression`, 'boolean');
    if (score === undefined || expression === undefined) return undefined;
    return { kind: 'condition', id: rule.id, name: rule.name, typologyId, expression, score };
  }

  private bandedRule(rule: BandedRule, path: string, typologyId: string): CompiledRule | undefined {
    const expression = this.expression(rule.expression, `${path}.expression`, 'number');
    const bands = this.bands(rule.bands, `${path}.bands`);
    if (expression === undefined || bands === undefined) return undefined;
    return { kind: 'banded', id: rule.id, name: rule.name, typologyId, expression, bands };
  }

  private bands(bands: BandedRule['bands'], path: string): CompiledBand[] | undefined {
    if (!Array.isArray(bands) || bands.length === 0) {
      this.report(RuleSetProblemCode.BandsEmpty, path, 'a banded rule needs at least one band; the last one has no upTo');
      return undefined;
    }
    const before = this.problems.length;
    const compiled: CompiledBand[] = [];
    let previous = Number.NEGATIVE_INFINITY;
    bands.forEach((band, index) => {
      const bandPath = `${path}[${index}]`;
      const last = index === bands.length - 1;
      const score = this.probability(band?.score, `${bandPath}.score`, RuleSetProblemCode.ScoreOutOfRange, 'score');
      const upTo = band?.upTo;
      if (upTo === undefined) {
        if (!last) this.report(RuleSetProblemCode.BandsOpenEnd, `${bandPath}.upTo`, 'only the last band may leave out upTo');
      } else if (last) {
        this.report(RuleSetProblemCode.BandsOpenEnd, `${bandPath}.upTo`, 'the last band has no upTo: it takes every value above the band before it');
      } else if (typeof upTo !== 'number' || !Number.isFinite(upTo) || upTo <= previous) {
        this.report(RuleSetProblemCode.BandsOutOfOrder, `${bandPath}.upTo`, `upTo ${String(upTo)} must be a finite number above the previous band's ${previous}`);
      } else {
        previous = upTo;
      }
      compiled.push({ upTo: upTo ?? Number.POSITIVE_INFINITY, score: score ?? (0 as ScoreMicros) });
    });
    return this.problems.length === before ? compiled : undefined;
  }

  private expression<T extends ValueType>(source: string, path: string, resultType: T): CompiledExpression<T extends 'number' ? number : boolean> | undefined {
    const result = tryCompile(source, this.schema, { resultType });
    if (!result.ok) {
      result.errors.forEach((error) => this.problems.push(expressionProblem(path, error)));
      return undefined;
    }
    return result.expression as CompiledExpression<T extends 'number' ? number : boolean>;
  }

  private probability(value: unknown, path: string, code: RuleSetProblemCode, what: string): ScoreMicros | undefined {
    const problem = checkProbability(value, path, code, what);
    if (problem) {
      this.problems.push(problem);
      return undefined;
    }
    return toMicros(value as number);
  }

  private id(id: unknown, path: string, what: string, seen: Map<string, string>): void {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      this.report(RuleSetProblemCode.InvalidId, path, `${what} id ${JSON.stringify(id) ?? String(id)} must be 1 to 64 letters, digits, or . _ : -`);
      return;
    }
    const first = seen.get(id);
    if (first !== undefined) this.report(RuleSetProblemCode.DuplicateId, path, `${what} id '${id}' is already used at ${first}`);
    else seen.set(id, path);
  }

  private name(name: unknown, path: string): void {
    if (typeof name !== 'string' || name.trim() === '') this.report(RuleSetProblemCode.MissingName, path, 'a name is required');
  }

  private report(code: RuleSetProblemCode, path: string, message: string): void {
    this.problems.push({ code, path, message });
  }
}
