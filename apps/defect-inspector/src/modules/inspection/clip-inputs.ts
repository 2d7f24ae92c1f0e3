import { prepareFrames } from '@vigil/native-gpu';

import { ClipAlignment, ClipFrames, indicesBySize } from './frame-alignment';

/**
 * The model input of each clip, `[frames][outHeight][outWidth]` grey / 255: every frame moved onto
 * the clip's last frame by its (sub-pixel) offset and shrunk, bit for bit as training's clipInput
 * builds it, by libs/native-gpu's prepareFrames off the JS thread (CUDA when present): one call per
 * frame size, every clip of that size in it.
 */
export async function clipInputs(clips: readonly ClipFrames[], alignments: readonly ClipAlignment[], outWidth: number, outHeight: number): Promise<Float32Array[]> {
  const inputs: Float32Array[] = new Array(clips.length);
  await Promise.all(
    indicesBySize(clips).map(async (indices) => {
      const { width, height } = clips[indices[0]];
      const frameCount = indices.reduce((n, i) => n + clips[i].grays.length, 0);
      const frames = new Uint8Array(frameCount * width * height);
      const offsets = new Float64Array(frameCount * 2);
      let at = 0;
      for (const i of indices) {
        clips[i].grays.forEach((gray, t) => {
          frames.set(gray, (at + t) * width * height);
          offsets.set(alignments[i].offsets[t], (at + t) * 2);
        });
        at += clips[i].grays.length;
      }
      const { data } = await prepareFrames({ width, height, frames, offsets, outWidth, outHeight });
      at = 0;
      for (const i of indices) {
        const length = clips[i].grays.length * outWidth * outHeight;
        inputs[i] = data.subarray(at, at + length);
        at += length;
      }
    }),
  );
  return inputs;
}
