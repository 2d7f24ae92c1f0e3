import { ClipBatch, clipInputName, ClipModelKind, OnnxModelSession, Tensor } from '@vigil/core-ml';

const CHUNK = 64;

/**
 * Logits and heatmaps of every clip from an exported model, run by ONNX Runtime in chunks: the engine
 * serving uses, so evaluation measures what production computes. The frame model gets each clip's
 * last frame.
 */
export async function runClipOnnx(model: Uint8Array, kind: ClipModelKind, clips: ClipBatch): Promise<{ logits: Float32Array; heatmaps: Float32Array }> {
  const { count, frames, height, width } = clips;
  const frameSize = height * width;
  const session = await OnnxModelSession.load(model);
  try {
    const logits: Float32Array[] = [];
    const heatmaps: Float32Array[] = [];
    for (let start = 0; start < count; start += CHUNK) {
      const n = Math.min(CHUNK, count - start);
      const feed =
        kind === 'clip'
          ? new Tensor('float32', Float32Array.from(clips.data.subarray(start * frames * frameSize, (start + n) * frames * frameSize), (v) => v / 255), [n, 1, frames, height, width])
          : new Tensor('float32', lastFrames(clips, start, n), [n, 1, height, width]);
      const out = await session.run({ [clipInputName(kind)]: feed });
      logits.push(out.logits.data as Float32Array);
      heatmaps.push(out.heatmap.data as Float32Array);
    }
    return { logits: concat(logits), heatmaps: concat(heatmaps) };
  } finally {
    await session.release();
  }
}

function lastFrames(clips: ClipBatch, start: number, n: number): Float32Array {
  const frameSize = clips.height * clips.width;
  const out = new Float32Array(n * frameSize);
  for (let i = 0; i < n; i++) {
    const from = ((start + i) * clips.frames + clips.frames - 1) * frameSize;
    for (let p = 0; p < frameSize; p++) out[i * frameSize + p] = clips.data[from + p] / 255;
  }
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cannot compare ${a.length} values with ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
