import { clipInput, downscaleGray, shiftGray } from './preprocess';

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
});
