import { Frame } from '@vigil/contracts';

import { Clip } from '../ingest/clip-assembler';
import { shiftGray } from '../../training/preprocess';
import { alignPairs, clipAlignment, FrameShift } from './frame-alignment';

/** A textured grey image (smooth blobs, so phase correlation has something to lock on). */
function texture(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = Math.round(128 + 60 * Math.sin((x + seed) / 5) * Math.cos((y - seed) / 7) + 40 * Math.sin((x * y + seed) / 97));
    }
  }
  return out;
}

describe('alignPairs', () => {
  it('finds how far each frame moved against its reference, frames of two sizes in one call', async () => {
    const small = texture(96, 64, 1);
    const large = texture(128, 96, 2);
    // shiftGray(src, dx, dy)(x, y) = src(x + dx, y + dy): the content moves by (−dx, −dy).
    const pairs = [
      { reference: small, frame: shiftGray(small, 96, 64, 3, -2), width: 96, height: 64 },
      { reference: large, frame: shiftGray(large, 128, 96, -4, 1), width: 128, height: 96 },
      { reference: small, frame: small, width: 96, height: 64 },
    ];

    const shifts = await alignPairs(pairs);

    expect(shifts.map((s) => [Math.round(s.dx), Math.round(s.dy)])).toEqual([
      [-3, 2],
      [4, -1],
      [0, 0],
    ]);
    expect(shifts.every((s) => s.confidence > 0.5)).toBe(true);
  });

  it('has the whole frame and both bands in flight at once, not one after another', async () => {
    const image = texture(160, 120, 5);
    const started: number[] = [];
    const release: (() => void)[] = [];

    const aligned = alignPairs([{ reference: image, frame: image, width: 160, height: 120 }], async (input) => {
      started.push(input.height);
      await new Promise<void>((resolve) => release.push(resolve));
      return { backend: 'cpu', pairs: 1, width: input.width, height: input.height, dx: Float64Array.of(0), dy: Float64Array.of(0), confidence: Float64Array.of(1) };
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(started).toEqual([120, 20, 20]);
    release.forEach((resolve) => resolve());
    await expect(aligned).resolves.toEqual([{ dx: 0, dy: 0, confidence: 1 }]);
  });

  it('aligns frames wider than the addon takes on a downscaled copy, in full-size pixels', async () => {
    const wide = texture(2048, 32, 3);
    const calls: [number, number][] = [];

    const [shift] = await alignPairs([{ reference: wide, frame: wide, width: 2048, height: 32 }], async (input) => {
      calls.push([input.width, input.height]);
      return { backend: 'cpu', pairs: 1, width: input.width, height: input.height, dx: Float64Array.of(1.5), dy: Float64Array.of(-1), confidence: Float64Array.of(0.9) };
    });

    expect(calls).toEqual([[1024, 16]]);
    expect(shift).toEqual({ dx: 3, dy: -2, confidence: 0.9 });
  });

  it('outvotes a whole-frame shift pulled by a part moving on its own with the top and bottom bands', async () => {
    const image = texture(160, 120, 4);
    const seen: number[] = [];

    // The whole frame says the content moved 3 px down (the part wobbled); the bands see the belt still.
    const [shift] = await alignPairs([{ reference: image, frame: image, width: 160, height: 120 }], async (input) => {
      seen.push(input.height);
      const whole = input.height === 120;
      return { backend: 'cpu', pairs: 1, width: input.width, height: input.height, dx: Float64Array.of(whole ? -4.5 : -4), dy: Float64Array.of(whole ? 3 : 0.25), confidence: Float64Array.of(whole ? 0.6 : 0.9) };
    });

    expect(seen).toEqual([120, 20, 20]);
    expect(shift).toEqual({ dx: -4, dy: 0.25, confidence: 0.9 });
  });
});

describe('clipAlignment', () => {
  const frame = (seq: number): Frame => ({ cameraId: 'C', lineId: 'L', seq, ts: seq + 1, format: 'GRAY8', width: 16, height: 16, pixelFormat: 'GRAY8', pixels: new Uint8Array(256) });

  it('chains frame-to-previous shifts into offsets onto the last frame; a filled slot did not move', () => {
    const [f0, f1, f3] = [frame(0), frame(1), frame(3)];
    // Slot 2 (seq 2) was missing and repeats seq 1.
    const clip = { frames: [f0, f1, f1, f3] } as Clip;
    const shifts = new Map<Frame, FrameShift>([
      [f1, { dx: -4.2, dy: 0.4, confidence: 0.9 }],
      [f3, { dx: -8.1, dy: -1.1, confidence: 0.7 }],
    ]);

    const alignment = clipAlignment(clip, (index) => shifts.get(clip.frames[index]) as FrameShift);

    // Content at p in the last frame was at p + 8.1 (+1.1) in slots 1 and 2, p + 12.3 (+0.7) in slot 0.
    expect(alignment.offsets).toEqual([
      [12, 1],
      [8, 1],
      [8, 1],
      [0, 0],
    ]);
    expect(alignment.dx).toBeCloseTo(-12.3, 10);
    expect(alignment.dy).toBeCloseTo(-0.7, 10);
    expect(alignment.confidence).toBe(0.7);
  });
});
