import { Rng } from '@vigil/platform';

import { QuantileSketch } from './quantile-sketch';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describe(QuantileSketch.name, () => {
  it.each([0.01, 0.05])('answers every quantile within relative accuracy %p of the exact one', (alpha) => {
    const rng = new Rng(7);
    const sut = new QuantileSketch({ relativeAccuracy: alpha });
    // Log-normal latencies, 0.1 ms .. seconds: the spread a real pipeline shows.
    const values = Array.from({ length: 20_000 }, () => Math.exp(2 + 1.5 * rng.normal()));
    for (const value of values) sut.add(value);
    const sorted = [...values].sort((a, b) => a - b);

    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs((sut.quantile(q) as number) - exact) / exact).toBeLessThanOrEqual(alpha + 1e-9);
    }
    expect(sut.count).toBe(values.length);
  });

  it('merges two sketches into the sketch of both streams', () => {
    const a = new QuantileSketch();
    const b = new QuantileSketch();
    for (let i = 1; i <= 100; i++) a.add(i);
    for (let i = 101; i <= 200; i++) b.add(i);

    a.merge(b);

    expect(a.count).toBe(200);
    expect(Math.abs((a.quantile(0.5) as number) - 100) / 100).toBeLessThanOrEqual(0.02);
  });

  it('clamps values outside min..max and is empty after clear', () => {
    const sut = new QuantileSketch({ min: 1, max: 100 });
    sut.add(0);
    sut.add(1e9);

    expect(sut.quantile(0)).toBe(1);
    expect(sut.quantile(1)).toBe(100);
    sut.clear();
    expect(sut.quantile(0.5)).toBeUndefined();
  });

  it('names bad arguments', () => {
    expect(() => new QuantileSketch({ relativeAccuracy: 0 })).toThrow(/relativeAccuracy/);
    expect(() => new QuantileSketch({ min: 5, max: 1 })).toThrow(/min\/max/);
    expect(() => new QuantileSketch().add(NaN)).toThrow(/NaN/);
    expect(() => new QuantileSketch().quantile(1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => new QuantileSketch().merge(new QuantileSketch({ relativeAccuracy: 0.1 }))).toThrow(/different options/);
  });
});
