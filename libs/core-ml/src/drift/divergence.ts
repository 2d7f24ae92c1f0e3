/**
 * Divergences between a live histogram and its training reference, over the same bins.
 *
 * Empty bins would make both measures infinite (a live value in a bin training never saw) or
 * undefined, so both distributions are smoothed first: ε = DRIFT_EPSILON is added to every bin's
 * share and the shares renormalised, p'ᵢ = (pᵢ + ε) / (1 + k·ε) over k bins. A bin empty on both
 * sides then contributes exactly 0.
 */

export const DRIFT_EPSILON = 1e-4;

/** Shares of `counts`, smoothed as above. An empty window gives the uniform distribution. */
export function smoothedShares(counts: ArrayLike<number>, epsilon = DRIFT_EPSILON): number[] {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return Array.from(counts, () => 1 / counts.length);
  return smooth(
    Array.from(counts, (c) => c / total),
    epsilon,
  );
}

export function smooth(proportions: ArrayLike<number>, epsilon = DRIFT_EPSILON): number[] {
  const norm = 1 + proportions.length * epsilon;
  return Array.from(proportions, (p) => (p + epsilon) / norm);
}

/** KL(live ‖ reference) = Σ liveᵢ · ln(liveᵢ / referenceᵢ), in nats; inputs already smoothed. */
export function klDivergence(live: readonly number[], reference: readonly number[]): number {
  sameLength(live, reference);
  let kl = 0;
  for (let i = 0; i < live.length; i++) kl += live[i] * Math.log(live[i] / reference[i]);
  return kl;
}

/**
 * Population stability index = Σ (liveᵢ − referenceᵢ) · ln(liveᵢ / referenceᵢ), the symmetrised
 * KL; inputs already smoothed. Rule of thumb: < 0.1 stable, 0.1–0.25 moderate, > 0.25 shifted.
 */
export function populationStabilityIndex(live: readonly number[], reference: readonly number[]): number {
  sameLength(live, reference);
  let psi = 0;
  for (let i = 0; i < live.length; i++) psi += (live[i] - reference[i]) * Math.log(live[i] / reference[i]);
  return psi;
}

function sameLength(live: readonly number[], reference: readonly number[]): void {
  if (live.length !== reference.length) throw new RangeError(`live has ${live.length} bins, reference ${reference.length}`);
}
