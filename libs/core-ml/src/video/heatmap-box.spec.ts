import { boxCoverage, boxIou, heatmapToBox } from './heatmap-box';

describe('heatmapToBox', () => {
  const frame = { w: 160, h: 120 };
  const decode = (box: { x: number; y: number; w: number; h: number }) => heatmapToBox(boxCoverage(box, 32, 32, frame.w, frame.h), 32, 32, frame.w, frame.h);

  it.each([
    { x: 40, y: 30, w: 20, h: 15 },
    { x: 41.5, y: 33, w: 12, h: 9 },
    { x: 100, y: 70, w: 37, h: 22 },
    { x: 0, y: 0, w: 8, h: 8 },
  ])('reads %p back from its exact coverage', (box) => {
    const found = decode(box);
    expect(found).not.toBeNull();
    expect(found?.x).toBeCloseTo(box.x, 4);
    expect(found?.y).toBeCloseTo(box.y, 4);
    expect(found?.w).toBeCloseTo(box.w, 4);
    expect(found?.h).toBeCloseTo(box.h, 4);
  });

  it('keeps a box smaller than a cell at about a cell, still overlapping it', () => {
    const box = { x: 51, y: 31, w: 3, h: 2 };
    const found = decode(box);
    expect(found?.w).toBeLessThanOrEqual(5 + 1e-9);
    expect(boxIou(found ?? { x: 0, y: 0, w: 0, h: 0 }, box)).toBeGreaterThan(0.2);
  });

  it('reads a heatmap leaning towards a mask (partly covered cells saturated) without taking them whole', () => {
    const box = { x: 41.5, y: 33, w: 12, h: 9 };
    const mask = boxCoverage(box, 32, 32, frame.w, frame.h).map((v) => Math.min(1, 4 * v));
    const found = heatmapToBox(mask, 32, 32, frame.w, frame.h);
    // The half-maximum reading takes every saturated cell whole: IoU 0.53.
    expect(boxIou(found ?? { x: 0, y: 0, w: 0, h: 0 }, box)).toBeGreaterThan(0.58);
  });

  it('follows the strongest region when there are two', () => {
    const heat = boxCoverage({ x: 10, y: 10, w: 20, h: 15 }, 32, 32, frame.w, frame.h);
    const other = boxCoverage({ x: 100, y: 80, w: 20, h: 15 }, 32, 32, frame.w, frame.h);
    for (let i = 0; i < heat.length; i++) heat[i] = heat[i] * 0.6 + other[i] * 0.9;
    const found = heatmapToBox(heat, 32, 32, frame.w, frame.h);
    expect(boxIou(found ?? { x: 0, y: 0, w: 0, h: 0 }, { x: 100, y: 80, w: 20, h: 15 })).toBeGreaterThan(0.95);
  });

  it('gives null for an empty heatmap and refuses a wrong size', () => {
    expect(heatmapToBox(new Float32Array(16), 4, 4, 64, 64)).toBeNull();
    expect(() => heatmapToBox(new Float32Array(15), 4, 4, 64, 64)).toThrow(/heatmap holds 15 values/);
  });
});

describe('boxIou', () => {
  it('is 1 for equal boxes, 0 for disjoint ones, and 1/3 for half-overlapping squares', () => {
    expect(boxIou({ x: 1, y: 2, w: 3, h: 4 }, { x: 1, y: 2, w: 3, h: 4 })).toBe(1);
    expect(boxIou({ x: 0, y: 0, w: 2, h: 2 }, { x: 5, y: 5, w: 2, h: 2 })).toBe(0);
    expect(boxIou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 })).toBeCloseTo(1 / 3, 10);
  });
});
