import { Image } from '@vigil/contracts';

import { decodeStoredPng, encodeImagePng, overlayHeatmap, upscale } from './heatmap-overlay';

const gray = (width: number, height: number, values: number[]): Image => ({ width, height, pixelFormat: 'GRAY8', pixels: Uint8Array.from(values) });
const rgbAt = (image: Image, x: number, y: number) => Array.from(image.pixels.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

describe(overlayHeatmap.name, () => {
  it('leaves cold pixels grey and tints hot ones red by the heat (60 % at full heat)', () => {
    const out = overlayHeatmap({ crop: gray(2, 1, [100, 100]), rect: { x: 0, y: 0, w: 2, h: 1 }, frame: { width: 2, height: 1 }, heatmap: gray(2, 1, [0, 255]), scale: 1 });

    // 100·0.4 + (255, 48, 0)·0.6 = (193, 68.8, 40).
    expect([rgbAt(out, 0, 0), rgbAt(out, 1, 0)]).toEqual([
      [100, 100, 100],
      [193, 69, 40],
    ]);
  });

  it('samples the heatmap where the crop lies in the frame', () => {
    // A 4x4 frame whose 2x2 heatmap is hot in the top-left quarter only.
    const heatmap = gray(2, 2, [255, 0, 0, 0]);
    const crop = gray(2, 2, [50, 50, 50, 50]);

    const topLeft = overlayHeatmap({ crop, rect: { x: 0, y: 0, w: 2, h: 2 }, frame: { width: 4, height: 4 }, heatmap, scale: 1 });
    const bottomRight = overlayHeatmap({ crop, rect: { x: 2, y: 2, w: 2, h: 2 }, frame: { width: 4, height: 4 }, heatmap, scale: 1 });

    expect(rgbAt(topLeft, 0, 0)).toEqual([173, 49, 20]);
    expect(rgbAt(bottomRight, 1, 1)).toEqual([50, 50, 50]);
    // Frame pixel (2, 2) maps to heatmap (0.75, 0.75): bilinear heat 0.25 · 0.25 = 1/16.
    expect(rgbAt(bottomRight, 0, 0)).toEqual([Math.round(50 * (1 - 0.6 / 16) + (255 * 0.6) / 16), Math.round(50 * (1 - 0.6 / 16) + (48 * 0.6) / 16), Math.round(50 * (1 - 0.6 / 16))]);
  });

  it('upscales by whole pixels', () => {
    const out = overlayHeatmap({ crop: gray(1, 1, [10]), rect: { x: 0, y: 0, w: 1, h: 1 }, frame: { width: 1, height: 1 }, heatmap: gray(1, 1, [0]), scale: 3 });

    expect([out.width, out.height, out.pixels.length]).toEqual([3, 3, 27]);
    expect(new Set(out.pixels)).toEqual(new Set([10]));
  });

  it('refuses a crop that does not match its rect, and a scale out of range', () => {
    const base = { crop: gray(1, 1, [0]), rect: { x: 0, y: 0, w: 1, h: 1 }, frame: { width: 1, height: 1 }, heatmap: gray(1, 1, [0]), scale: 1 };
    expect(() => overlayHeatmap({ ...base, rect: { x: 0, y: 0, w: 2, h: 1 } })).toThrow('crop is 1x1 but rect is 2x1');
    expect(() => overlayHeatmap({ ...base, scale: 9 })).toThrow('scale must be an integer from 1 to 8, got 9');
  });
});

describe(decodeStoredPng.name, () => {
  it('reads back what encodeImagePng wrote, at the size in its header', () => {
    const image: Image = { width: 3, height: 2, pixelFormat: 'RGB8', pixels: Uint8Array.from({ length: 18 }, (_, i) => i * 10) };

    expect(decodeStoredPng(encodeImagePng(image))).toEqual(image);
  });

  it('refuses bytes too short to be a PNG', () => {
    expect(() => decodeStoredPng(new Uint8Array(8))).toThrow('too short');
  });
});

describe(upscale.name, () => {
  it('turns each pixel into a block', () => {
    expect(Array.from(upscale(Uint8Array.from([1, 2]), 2, 1, 1, 2))).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });
});
