import { CompiledBand, CompiledBandedRule, CompiledRule, CompiledRuleSet } from './compiled-rule-set';
import { ExpressionValues, explainInputs, formatInputs, formatValue, InputExplanation } from './expression';
import { cappedSum, Decision, decisionFor, fromMicros, mostSevere, ScoreMicros } from './score';

export interface HitExplanation {
  /** `orig_count_1h = 12 (> 10)`; banded rules add `→ band 3 (> 10): 0.9`. */
  readonly text: string;
  readonly inputs: readonly InputExplanation[];
  /** For banded rules: the expression's value and the band (0-based) it fell into. */
  readonly band?: { readonly value: number; readonly index: number; readonly range: string };
}

export interface RuleHit {
  readonly ruleId: string;
  readonly name: string;
  readonly typologyId: string;
  readonly score: number;
  readonly explanation: HitExplanation;
}

export interface TypologyResult {
  readonly id: string;
  readonly name: string;
  readonly score: number;
  readonly outcome: Decision;
}

export interface RuleSetResult {
  readonly version: number;
  readonly hits: readonly RuleHit[];
  readonly typologies: readonly TypologyResult[];
  /** The highest typology score: how close the transaction came to any typology. */
  readonly score: number;
  /** The most severe typology outcome. */
  readonly decision: Decision;
}

/**
 * Runs every rule over one transaction's values.
 *
 * A typology's score is the sum of its hits' scores, capped at 1, as Tazama's typology processor
 * adds rule weights: an analyst can read it off the hits ("0.3 + 0.6 = 0.9 ≥ 0.9 → BLOCK"), and
 * weights say directly how many signals it takes to act. (Noisy-OR, 1 − Π(1 − s), treats rules as
 * independent evidence, which the rules of one typology are not, and hides the arithmetic.)
 * Sums are exact: scores are integer micro-units (score.ts).
 *
 * Throws ExpressionError (MISSING_VALUE / INVALID_VALUE) when a value a rule reads is absent or
 * of the wrong type; `compiled.identifiers` lists what to supply.
 */
export function evaluateRuleSet(compiled: CompiledRuleSet, values: ExpressionValues): RuleSetResult {
  const hits: RuleHit[] = [];
  const typologies: TypologyResult[] = [];
  let best = 0 as ScoreMicros;
  let decision: Decision = 'ALLOW';
  for (const typology of compiled.typologies) {
    const scores: ScoreMicros[] = [];
    for (const rule of typology.rules) {
      const hit = evaluateRule(rule, values);
      if (hit === undefined) continue;
      scores.push(hit.micros);
      hits.push(hit.hit);
    }
    const score = cappedSum(scores);
    const outcome = decisionFor(score, typology.review, typology.block);
    typologies.push({ id: typology.id, name: typology.name, score: fromMicros(score), outcome });
    if (score > best) best = score;
    decision = mostSevere(decision, outcome);
  }
  return { version: compiled.version, hits, typologies, score: fromMicros(best), decision };
}

function evaluateRule(rule: CompiledRule, values: ExpressionValues): { hit: RuleHit; micros: ScoreMicros } | undefined {
  if (rule.kind === 'condition') {
    if (!rule.expression.evaluate(values)) return undefined;
    const inputs = explainInputs(rule.expression, values);
    return { micros: rule.score, hit: hitOf(rule, rule.score, { text: formatInputs(inputs), inputs }) };
  }
  const value = rule.expression.evaluate(values);
  const index = bandIndex(rule.bands, value);
  if (index === -1 || rule.bands[index].score === 0) return undefined;
  const band = rule.bands[index];
  const inputs = explainInputs(rule.expression, values);
  const range = bandRange(rule, index);
  const bareName = rule.expression.ast.kind === 'identifier';
  const valueText = bareName ? '' : `${rule.expression.source.trim()} = ${formatValue(value)}; `;
  const text = `${valueText}${formatInputs(inputs)} → band ${index + 1} (${range}): ${fromMicros(band.score)}`;
  return { micros: band.score, hit: hitOf(rule, band.score, { text, inputs, band: { value, index, range } }) };
}

/** The first band with value ≤ upTo; -1 for NaN, which belongs to no band. */
export function bandIndex(bands: readonly CompiledBand[], value: number): number {
  if (Number.isNaN(value)) return -1;
  return bands.findIndex((band) => value <= band.upTo);
}

function bandRange(rule: CompiledBandedRule, index: number): string {
  const upper = rule.bands[index].upTo;
  const lower = index > 0 ? rule.bands[index - 1].upTo : undefined;
  if (lower === undefined) return Number.isFinite(upper) ? `≤ ${formatValue(upper)}` : 'any value';
  if (!Number.isFinite(upper)) return `> ${formatValue(lower)}`;
  return `> ${formatValue(lower)} and ≤ ${formatValue(upper)}`;
}

function hitOf(rule: CompiledRule, score: ScoreMicros, explanation: HitExplanation): RuleHit {
  return { ruleId: rule.id, name: rule.name, typologyId: rule.typologyId, score: fromMicros(score), explanation };
}
