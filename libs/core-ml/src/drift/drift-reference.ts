/**
 * The training reference drift is measured against (`reference.json` beside a model's manifest):
 * per feature, and for the model's score, the bin edges cut at training quantiles and the share of
 * training values in each bin.
 *
 * Bins of a histogram with edges e[0] < … < e[m-1] (m + 2 bins in all):
 *   bin 0: x < e[0];  bin i (1 ≤ i < m): e[i-1] ≤ x < e[i];  bin m: x ≥ e[m-1];  bin m + 1: NaN.
 * The open outer bins catch live values outside the training range; NaN (a missing value) has a
 * bin of its own, so drift in missingness shows too.
 */

export const DRIFT_REFERENCE_FORMAT = 'vigil.drift-reference/1';

export interface Histogram {
  /** Strictly increasing cut points. */
  readonly edges: readonly number[];
  /** edges.length + 2 shares summing to 1: below, between, above the edges, then NaN. */
  readonly proportions: readonly number[];
}

export interface NamedHistogram extends Histogram {
  readonly name: string;
}

export interface DriftReference {
  readonly format: typeof DRIFT_REFERENCE_FORMAT;
  /** How many training rows the proportions were taken over. */
  readonly count: number;
  readonly features: readonly NamedHistogram[];
  readonly score?: Histogram;
}

/** Training data: one column per feature (all the same length), or rows of feature values in `names` order. */
export type DriftColumns = readonly ArrayLike<number>[];

export interface BuildDriftReferenceOptions {
  /** Quantile bins per feature before ties merge (a binary feature ends up with 2). Default 10. */
  bins?: number;
  /** The model's scores on the same rows, for the score's own histogram. */
  scores?: ArrayLike<number>;
  /** Whether `data` holds rows rather than columns. Default false (columns). */
  rows?: boolean;
}

/** The reference for `names`, from the training values; the training pipeline writes it as `reference.json`. */
export function buildDriftReference(data: DriftColumns, names: readonly string[], options: BuildDriftReferenceOptions = {}): DriftReference {
  const bins = options.bins ?? 10;
  if (!(Number.isInteger(bins) && bins >= 2 && bins <= 1000)) throw new RangeError(`bins: expected an integer in [2, 1000], got ${bins}`);
  if (new Set(names).size !== names.length) throw new RangeError('names: feature names must be unique');
  const columns = options.rows ? transpose(data, names.length) : data;
  if (columns.length !== names.length) throw new RangeError(`data: ${columns.length} columns for ${names.length} names`);
  const count = columns[0]?.length ?? options.scores?.length ?? 0;
  if (count === 0) throw new RangeError('data: no training values');
  columns.forEach((column, i) => {
    if (column.length !== count) throw new RangeError(`data: column '${names[i]}' has ${column.length} values, expected ${count}`);
  });
  if (options.scores !== undefined && options.scores.length !== count) throw new RangeError(`scores: ${options.scores.length} values for ${count} rows`);
  return {
    format: DRIFT_REFERENCE_FORMAT,
    count,
    features: columns.map((column, i) => ({ name: names[i], ...quantileHistogram(column, bins) })),
    ...(options.scores === undefined ? {} : { score: quantileHistogram(options.scores, bins) }),
  };
}

/** Edges at the `bins`-quantiles of the finite values (ties merged), and the shares of all values per bin. */
export function quantileHistogram(values: ArrayLike<number>, bins: number): Histogram {
  const finite = Float64Array.from(Array.prototype.filter.call(values, (v: number) => !Number.isNaN(v)) as number[]).sort();
  const edges: number[] = [];
  for (let i = 1; i < bins && finite.length > 0; i++) {
    const edge = finite[Math.floor((i * finite.length) / bins)];
    if (Number.isFinite(edge) && (edges.length === 0 || edge > edges[edges.length - 1])) edges.push(edge);
  }
  const counts = new Array<number>(edges.length + 2).fill(0);
  for (let i = 0; i < values.length; i++) counts[binOf(edges, values[i])]++;
  return { edges, proportions: counts.map((c) => c / values.length) };
}

/** The bin of `x` (see the file comment): binary search over the edges. */
export function binOf(edges: readonly number[], x: number): number {
  if (Number.isNaN(x)) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Checks a parsed `reference.json`; throws naming the first thing wrong. */
export function parseDriftReference(json: unknown, source = 'reference'): DriftReference {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what}`);
  };
  if (typeof json !== 'object' || json === null) return fail('not an object');
  const value = json as Record<string, unknown>;
  if (value.format !== DRIFT_REFERENCE_FORMAT) fail(`format: expected '${DRIFT_REFERENCE_FORMAT}', got ${JSON.stringify(value.format)}`);
  if (!(Number.isInteger(value.count) && (value.count as number) > 0)) fail('count: expected a positive integer');
  if (!Array.isArray(value.features)) return fail('features: expected an array');
  const features = value.features.map((feature: unknown, i: number) => {
    const name = (feature as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || name.length === 0) fail(`features[${i}].name: expected a non-empty string`);
    return { name: name as string, ...checkHistogram(feature, `features[${i}]`, fail) };
  });
  return {
    format: DRIFT_REFERENCE_FORMAT,
    count: value.count as number,
    features,
    ...(value.score === undefined ? {} : { score: checkHistogram(value.score, 'score', fail) }),
  };
}

function checkHistogram(value: unknown, where: string, fail: (what: string) => never): Histogram {
  const { edges, proportions } = (value ?? {}) as { edges?: unknown; proportions?: unknown };
  if (!Array.isArray(edges) || !edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > edges[i - 1]))) {
    fail(`${where}.edges: expected strictly increasing finite numbers`);
  }
  const edgeList = edges as number[];
  if (!Array.isArray(proportions) || proportions.length !== edgeList.length + 2 || !proportions.every((p) => Number.isFinite(p) && p >= 0)) {
    fail(`${where}.proportions: expected ${edgeList.length + 2} non-negative numbers`);
  }
  const total = (proportions as number[]).reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) fail(`${where}.proportions: sum to ${total}, expected 1`);
  return { edges: edgeList, proportions: proportions as number[] };
}

function transpose(rows: DriftColumns, width: number): Float64Array[] {
  const columns = Array.from({ length: width }, () => new Float64Array(rows.length));
  rows.forEach((row, r) => {
    if (row.length !== width) throw new RangeError(`data: row ${r} has ${row.length} values, expected ${width}`);
    for (let c = 0; c < width; c++) columns[c][r] = row[c];
  });
  return columns;
}
