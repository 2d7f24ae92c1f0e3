import { clipInput, downscaleGray, shiftGray, shiftGrayBilinear } from './preprocess';

/** Seeded bytes (a linear congruential generator). */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

describe(downscaleGray.name, () => {
  it('averages whole blocks exactly', () => {
    const src = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160]); // 4x4
    expect(Array.from(downscaleGray(src, 4, 4, 2, 2))).toEqual([35, 55, 115, 135]);
  });

  it('weights pixels by their overlap at fractional ratios (5 → 2: 2.5 pixels each)', () => {
    const src = Uint8Array.from([0, 0, 100, 200, 200]); // 5x1
    // cell 0: 0, 0, half of 100 → 50 / 2.5 = 20; cell 1: half of 100, 200, 200 → 450 / 2.5 = 180
    expect(Array.from(downscaleGray(src, 5, 1, 2, 1))).toEqual([20, 180]);
  });

  it('gives every whole-ratio block its rounded mean (128 × 96 → 64 × 32: blocks of 2 × 3)', () => {
    const src = noise(128 * 96, 3);
    const out = downscaleGray(src, 128, 96, 64, 32);
    for (const [ox, oy] of [[0, 0], [63, 0], [17, 9], [63, 31]]) {
      let sum = 0;
      for (let y = oy * 3; y < oy * 3 + 3; y++) for (let x = ox * 2; x < ox * 2 + 2; x++) sum += src[y * 128 + x];
      expect(out[oy * 64 + ox]).toBe(Math.round(sum / 6));
    }
  });

  it('keeps a flat image flat and refuses upscaling', () => {
    expect(downscaleGray(new Uint8Array(160 * 120).fill(77), 160, 120, 64, 64).every((v) => v === 77)).toBe(true);
    expect(() => downscaleGray(new Uint8Array(16), 4, 4, 8, 8)).toThrow(/no larger than 4x4/);
  });
});

describe(shiftGray.name, () => {
  it('reads the source at the offset and clamps at the border', () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6]); // 3x2
    expect(Array.from(shiftGray(src, 3, 2, 1, 0))).toEqual([2, 3, 3, 5, 6, 6]);
    expect(Array.from(shiftGray(src, 3, 2, -1, 1))).toEqual([4, 4, 5, 4, 4, 5]);
  });

  it('matches reading each pixel at its clamped offset, shifts past the border included', () => {
    const [width, height] = [13, 7];
    const src = noise(width * height, 5);
    for (const [dx, dy] of [[3, -2], [-5, 4], [12, 0], [-13, -9], [40, 40], [0, 1]]) {
      const expected = Array.from({ length: width * height }, (_, i) => {
        const [x, y] = [i % width, Math.floor(i / width)];
        return src[Math.min(height - 1, Math.max(0, y + dy)) * width + Math.min(width - 1, Math.max(0, x + dx))];
      });
      expect(Array.from(shiftGray(src, width, height, dx, dy))).toEqual(expected);
    }
  });
});

describe(shiftGrayBilinear.name, () => {
  it('interpolates between the pixels around each fractional position, clamped to the frame', () => {
    const src = Uint8Array.from([0, 100, 200, 40, 140, 240]); // 3x2
    // x + 0.5: halfway between neighbours; the last column clamps to itself.
    expect(Array.from(shiftGrayBilinear(src, 3, 2, 0.5, 0))).toEqual([50, 150, 200, 90, 190, 240]);
    // y + 0.25 as well: a quarter of the way to the row below (the bottom row clamps).
    expect(Array.from(shiftGrayBilinear(src, 3, 2, 0.5, 0.25))).toEqual([60, 160, 210, 90, 190, 240]);
  });

  it("gives shiftGray's bytes at whole offsets", () => {
    const src = noise(13 * 7, 9);
    expect(Array.from(shiftGrayBilinear(src, 13, 7, 3, -2))).toEqual(Array.from(shiftGray(src, 13, 7, 3, -2)));
  });
});

describe(clipInput.name, () => {
  it('lines every frame up with the last one before shrinking', () => {
    // A bright pixel that the camera shake moved by one pixel between the two frames.
    const first = new Uint8Array(16);
    const last = new Uint8Array(16);
    first[1 * 4 + 2] = 200; // (2, 1) in frame 0
    last[1 * 4 + 1] = 200; // (1, 1) in the last frame: the same scene point
    const clip = clipInput([first, last], [[1, 0], [0, 0]], 4, 4, 4, 4);
    expect(Array.from(clip.subarray(0, 16))).toEqual(Array.from(clip.subarray(16)));
    expect(() => clipInput([first], [], 4, 4, 4, 4)).toThrow(/0 offsets for 1 frames/);
  });

  it('samples a frame between pixels at a fractional offset before shrinking it', () => {
    const frame = noise(32 * 16, 4);
    const clip = clipInput([frame, frame], [[2.5, -0.75], [0, 0]], 32, 16, 16, 8);
    expect(Array.from(clip.subarray(0, 128))).toEqual(Array.from(downscaleGray(shiftGrayBilinear(frame, 32, 16, 2.5, -0.75), 32, 16, 16, 8)));
  });

  it('gives each frame the bytes of shifting it, then shrinking it, at whole and fractional ratios', () => {
    const offsets: [number, number][] = [[5, -3], [-40, 2], [0, 0], [200, -200]];
    for (const [width, height, outWidth, outHeight] of [[128, 96, 64, 32], [40, 30, 16, 16]]) {
      const frames = offsets.map((_, t) => noise(width * height, 11 + t));
      const clip = clipInput(frames, offsets, width, height, outWidth, outHeight);
      frames.forEach((frame, t) => {
        const expected = downscaleGray(shiftGray(frame, width, height, ...offsets[t]), width, height, outWidth, outHeight);
        expect(Array.from(clip.subarray(t * outWidth * outHeight, (t + 1) * outWidth * outHeight))).toEqual(Array.from(expected));
      });
    }
  });
});
