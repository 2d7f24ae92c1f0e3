import { OnnxModelSession, Tensor } from '@vigil/core-ml';

const CHUNK_ROWS = 4096;

/**
 * Runs `rows` inputs of `rowShape` through an ONNX model with one input and reads one [N, 1]
 * output, in chunks, with ONNX Runtime: the engine the service serves with, so evaluation measures
 * what production will compute. Evaluation reads the logits: float32 probabilities saturate at 1
 * for the riskiest transactions, and their ties would blur the top of the ranking.
 */
export async function runOnnx(model: Uint8Array, input: string, output: string, data: Float32Array, rows: number, rowShape: readonly number[]): Promise<Float32Array> {
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (data.length !== rows * rowSize) throw new RangeError(`${input}: ${data.length} values for ${rows} rows of ${rowSize}`);
  const session = await OnnxModelSession.load(model);
  try {
    const scores = new Float32Array(rows);
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rows - start);
      const feeds = { [input]: new Tensor('float32', data.subarray(start * rowSize, (start + count) * rowSize), [count, ...rowShape]) };
      const out = await session.run(feeds);
      scores.set(out[output].data as Float32Array, start);
    }
    return scores;
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} values with ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
