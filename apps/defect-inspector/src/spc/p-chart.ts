import { westernElectric, WesternElectricAlarm } from './western-electric';

/** One subgroup of inspected parts: how many were inspected and how many of them were defective. */
export interface Subgroup {
  /** Where the subgroup starts and ends (ISO-8601), carried through to its point. */
  start: string;
  end: string;
  inspected: number;
  defective: number;
}

export interface PChartPoint extends Subgroup {
  /** Fraction defective, defective / inspected. */
  p: number;
  /** sqrt(p̄(1 − p̄) / n_i): the subgroup's own sigma, as its size sets it. */
  sigma: number;
  /** p̄ + 3σ_i, at most 1. */
  ucl: number;
  /** p̄ − 3σ_i, at least 0. */
  lcl: number;
  /** (p − p̄) / σ_i: what the Western Electric rules judge; 0 when σ_i is 0 and p equals p̄. */
  z: number;
}

export interface PChart {
  /** p̄ = Σ defective / Σ inspected over the charted subgroups; null with no subgroups. */
  centre: number | null;
  inspected: number;
  defective: number;
  points: PChartPoint[];
  alarms: WesternElectricAlarm[];
}

/**
 * A p-chart (fraction defective) with limits from the charted data itself (phase I): centre line
 * p̄ from all subgroups pooled, and per-subgroup 3σ limits, so subgroups of different sizes get
 * limits of their own (wider for smaller ones). The Western Electric rules run on each point's z.
 */
export function pChart(subgroups: readonly Subgroup[]): PChart {
  subgroups.forEach((s, i) => {
    if (!Number.isSafeInteger(s.inspected) || s.inspected < 1) throw new RangeError(`subgroups[${i}].inspected must be an integer >= 1, got ${s.inspected}`);
    if (!Number.isSafeInteger(s.defective) || s.defective < 0 || s.defective > s.inspected) {
      throw new RangeError(`subgroups[${i}].defective must be an integer from 0 to inspected (${s.inspected}), got ${s.defective}`);
    }
  });
  const inspected = subgroups.reduce((sum, s) => sum + s.inspected, 0);
  const defective = subgroups.reduce((sum, s) => sum + s.defective, 0);
  if (inspected === 0) return { centre: null, inspected, defective, points: [], alarms: [] };
  const centre = defective / inspected;
  const points = subgroups.map((s): PChartPoint => {
    const p = s.defective / s.inspected;
    const sigma = Math.sqrt((centre * (1 - centre)) / s.inspected);
    // With p̄ at 0 or 1 every p equals p̄ (all subgroups are pooled into p̄), so σ = 0 only gives z = 0.
    const z = sigma === 0 ? 0 : (p - centre) / sigma;
    return { ...s, p, sigma, ucl: Math.min(1, centre + 3 * sigma), lcl: Math.max(0, centre - 3 * sigma), z };
  });
  return { centre, inspected, defective, points, alarms: westernElectric(points.map((point) => point.z)) };
}
