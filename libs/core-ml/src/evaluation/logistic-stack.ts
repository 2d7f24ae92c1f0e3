/**
 * Combines the logits of several models into one probability: sigmoid(bias + Σ wᵢ·logitᵢ), fitted
 * by Newton's method on held-out predictions (the models' own training rows would flatter them).
 * A small L2 penalty keeps the weights finite when the data is separable.
 */
export interface LogisticStack {
  readonly inputs: readonly string[];
  readonly weights: readonly number[];
  readonly bias: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
export const logit = (p: number, eps = 1e-7): number => {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
};

export function combineLogits(stack: LogisticStack, logits: readonly number[]): number {
  if (logits.length !== stack.weights.length) throw new RangeError(`expected ${stack.weights.length} logits (${stack.inputs.join(', ')}), got ${logits.length}`);
  let z = stack.bias;
  for (let i = 0; i < logits.length; i++) z += stack.weights[i] * logits[i];
  return sigmoid(z);
}

/** `columns[i][row]` is input i's logit for a row. */
export function fitLogisticStack(inputs: readonly string[], columns: readonly ArrayLike<number>[], labels: ArrayLike<number>, l2 = 1e-3, iterations = 50): LogisticStack {
  if (columns.length !== inputs.length) throw new RangeError(`${inputs.length} input names for ${columns.length} columns`);
  const n = labels.length;
  columns.forEach((column, i) => {
    if (column.length !== n) throw new RangeError(`column ${inputs[i]} has ${column.length} rows, labels has ${n}`);
  });
  const k = columns.length + 1; // weights, then the bias
  const beta = new Float64Array(k);
  const x = (row: number, j: number): number => (j < columns.length ? columns[j][row] : 1);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Float64Array(k);
    const hessian = Array.from({ length: k }, () => new Float64Array(k));
    for (let row = 0; row < n; row++) {
      let z = 0;
      for (let j = 0; j < k; j++) z += beta[j] * x(row, j);
      const p = sigmoid(z);
      const w = p * (1 - p);
      for (let a = 0; a < k; a++) {
        gradient[a] += (p - labels[row]) * x(row, a);
        for (let b = 0; b < k; b++) hessian[a][b] += w * x(row, a) * x(row, b);
      }
    }
    for (let a = 0; a < columns.length; a++) {
      gradient[a] += l2 * n * beta[a];
      hessian[a][a] += l2 * n;
    }
    const step = solve(hessian, gradient);
    let size = 0;
    for (let j = 0; j < k; j++) {
      beta[j] -= step[j];
      size = Math.max(size, Math.abs(step[j]));
    }
    if (size < 1e-10) break;
  }
  return { inputs: [...inputs], weights: Array.from(beta.subarray(0, columns.length)), bias: beta[columns.length] };
}

/** Gaussian elimination with partial pivoting; the systems here are 2×2 to 4×4. */
function solve(matrix: Float64Array[], vector: Float64Array): Float64Array {
  const k = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i]]);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let row = col + 1; row < k; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    if (Math.abs(a[col][col]) < 1e-300) throw new RangeError('the inputs are collinear: the stack cannot be fitted');
    for (let row = col + 1; row < k; row++) {
      const f = a[row][col] / a[col][col];
      for (let c = col; c <= k; c++) a[row][c] -= f * a[col][c];
    }
  }
  const out = new Float64Array(k);
  for (let row = k - 1; row >= 0; row--) {
    let s = a[row][k];
    for (let c = row + 1; c < k; c++) s -= a[row][c] * out[c];
    out[row] = s / a[row][row];
  }
  return out;
}
