import { CameraScene } from '../../simulator/scene';
import { shiftGray } from '../../training/preprocess';
import { alignClips, alignPairs } from './frame-alignment';

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

  it('measures the whole frame on a halved copy while its shorter side stays >= 64 px, the bands at full size', async () => {
    const image = texture(128, 128, 6);
    const calls: [number, number][] = [];

    const [shift] = await alignPairs([{ reference: image, frame: image, width: 128, height: 128 }], async (input) => {
      calls.push([input.width, input.height]);
      // Whole frame (−2, 0.5), top band (−3.5, 0), bottom band (−3.5, 2).
      const [dx, dy] = [[-2, 0.5], [-3.5, 0], [-3.5, 2]][calls.length - 1];
      return { backend: 'cpu', pairs: 1, width: input.width, height: input.height, dx: Float64Array.of(dx), dy: Float64Array.of(dy), confidence: Float64Array.of(0.8) };
    });

    expect(calls).toEqual([
      [64, 64],
      [128, 21],
      [128, 21],
    ]);
    // The whole frame's estimate in full-size pixels is (−4, 1): the median of x is the bands' −3.5, of y the whole frame's 1.
    expect(shift).toEqual({ dx: -3.5, dy: 1, confidence: 0.8 });
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

describe('alignClips', () => {
  it("measures each frame against the clip's last frame: offsets are where the last frame's pixels lie, a filled slot measured once", async () => {
    const [f0, f1, f3] = [texture(32, 32, 1), texture(32, 32, 2), texture(32, 32, 3)];
    const measured: [Uint8Array, Uint8Array][] = [];
    // The last frame (f3) against f0 moved (12.3, 0.7), against f1 (8.1, 1.1).
    const moved = new Map([
      [f0, { dx: 12.3, dy: 0.7, confidence: 0.9 }],
      [f1, { dx: 8.1, dy: 1.1, confidence: 0.7 }],
    ]);

    // Slot 2 (seq 2) was missing and repeats seq 1.
    const [alignment] = await alignClips([{ grays: [f0, f1, f1, f3], width: 32, height: 32 }], async (input) => {
      const n = input.frames.length / (32 * 32);
      for (let k = 0; k < n; k++) measured.push([input.references.subarray(k * 1024, (k + 1) * 1024) as Uint8Array, input.frames.subarray(k * 1024, (k + 1) * 1024) as Uint8Array]);
      const shifts = measured.slice(-n).map(([reference]) => [...moved].find(([gray]) => Buffer.from(gray).equals(Buffer.from(reference)))?.[1] ?? { dx: 0, dy: 0, confidence: 1 });
      return { backend: 'cpu', pairs: n, width: 32, height: 32, dx: Float64Array.from(shifts, (s) => s.dx), dy: Float64Array.from(shifts, (s) => s.dy), confidence: Float64Array.from(shifts, (s) => s.confidence) };
    });

    // Two frames (f0, f1) against the last, each region once: whole, top band, bottom band (32 px high, so no bands).
    expect(measured.map(([, frame]) => Buffer.from(frame).equals(Buffer.from(f3)))).toEqual([true, true]);
    // Sub-pixel: where the last frame's pixels lie in each slot.
    expect(alignment.offsets).toEqual([
      [-12.3, -0.7],
      [-8.1, -1.1],
      [-8.1, -1.1],
      [0, 0],
    ]);
    expect(alignment.dx).toBeCloseTo(12.3, 10);
    expect(alignment.dy).toBeCloseTo(0.7, 10);
    expect(alignment.confidence).toBe(0.7);
  });

  it("gives clip offsets that match the simulator camera's known shake and belt travel", async () => {
    const scene = new CameraScene({ seed: 11, camera: 'CAM-01', width: 128, height: 128, fps: 100, frames: 200, defectRate: 0.3, channels: 1 });
    const frames = Array.from({ length: 200 }, (_, seq) => scene.render(seq));
    const { speed } = scene.geometry;
    // Where the pixel p of frame `end` lies in frame `seq`: p + its shake − this one's + the belt's travel since.
    const truth = (seq: number, end: number) => [scene.shake(end).dx - scene.shake(seq).dx + speed * (end - seq), scene.shake(end).dy - scene.shake(seq).dy];
    const ends = Array.from({ length: 24 }, (_, k) => 7 + 8 * k);

    const alignments = await alignClips(ends.map((end) => ({ grays: frames.slice(end - 7, end + 1), width: 128, height: 128 })));

    let exact = 0;
    alignments.forEach((alignment, k) => alignment.offsets.forEach((offset, t) => (exact += Number(offset.map(Math.round).join() === truth(ends[k] - 7 + t, ends[k]).join()))));
    expect(exact / (8 * ends.length)).toBeGreaterThanOrEqual(0.99);
    expect(alignments.every((alignment) => alignment.confidence > 0.3)).toBe(true);
  });
});
