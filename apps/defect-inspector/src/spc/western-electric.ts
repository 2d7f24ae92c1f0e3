/**
 * The Western Electric run rules over a control chart's points, each point given as its distance
 * from the centre line in its own sigmas (z = (p − p̄) / σ_i), so that subgroups of different sizes
 * (different limits) are judged alike.
 *
 * 1. one point beyond 3σ;
 * 2. two of three consecutive points beyond 2σ, on the same side;
 * 3. four of five consecutive points beyond 1σ, on the same side;
 * 4. eight consecutive points on the same side of the centre line.
 *
 * "Beyond kσ" is strict (|z| > k); a point on the centre line breaks a rule-4 run. As in Minitab,
 * a rule fires at every point that completes its pattern, so a long run fires at each further point;
 * the alarm names that point and the points of the window that meet the condition. The first points
 * of a chart are judged on the shorter window they have (two points beyond 2σ fire at the second).
 */
export type WesternElectricRule = 1 | 2 | 3 | 4;
export type Side = 'above' | 'below';

export interface WesternElectricAlarm {
  rule: WesternElectricRule;
  description: string;
  side: Side;
  /** Index of the point that completed the pattern. */
  at: number;
  /** Indices of the window's points that meet the rule's condition, ascending (`at` among them). */
  points: number[];
}

interface RuleSpec {
  rule: WesternElectricRule;
  /** Consecutive points the rule looks at. */
  window: number;
  /** How many of them must lie beyond `sigmas`, on one side. */
  needed: number;
  sigmas: number;
  description: string;
}

export const WESTERN_ELECTRIC_RULES: readonly RuleSpec[] = [
  { rule: 1, window: 1, needed: 1, sigmas: 3, description: 'one point beyond 3σ' },
  { rule: 2, window: 3, needed: 2, sigmas: 2, description: 'two of three consecutive points beyond 2σ on the same side' },
  { rule: 3, window: 5, needed: 4, sigmas: 1, description: 'four of five consecutive points beyond 1σ on the same side' },
  { rule: 4, window: 8, needed: 8, sigmas: 0, description: 'eight consecutive points on the same side of the centre line' },
];

/** Every alarm of the four rules, ordered by the point that completed it, then by rule. */
export function westernElectric(z: readonly number[]): WesternElectricAlarm[] {
  z.forEach((value, i) => {
    if (Number.isNaN(value)) throw new RangeError(`westernElectric: z[${i}] is NaN`);
  });
  const alarms: WesternElectricAlarm[] = [];
  for (let at = 0; at < z.length; at++) {
    for (const spec of WESTERN_ELECTRIC_RULES) {
      for (const side of ['above', 'below'] as const) {
        const points: number[] = [];
        for (let i = Math.max(0, at + 1 - spec.window); i <= at; i++) if (side === 'above' ? z[i] > spec.sigmas : z[i] < -spec.sigmas) points.push(i);
        // The completing point must itself meet the condition, so a pattern fires once, where it forms.
        if (points.length >= spec.needed && points[points.length - 1] === at) {
          alarms.push({ rule: spec.rule, description: spec.description, side, at, points });
        }
      }
    }
  }
  return alarms;
}
