import { Rng } from './seeded-rng';

describe(Rng.name, () => {
  it('repeats its sequence for a seed and differs across seeds and derived streams', () => {
    const draw = (rng: Rng) => Array.from({ length: 5 }, () => rng.uint32());

    expect(draw(new Rng(1))).toEqual(draw(new Rng(1)));
    expect(draw(new Rng(1))).not.toEqual(draw(new Rng(2)));
    expect(draw(Rng.derive(1, 'a'))).not.toEqual(draw(Rng.derive(1, 'b')));
  });

  it('keeps its draws inside their ranges', () => {
    const rng = new Rng(7);

    for (let i = 0; i < 2000; i++) {
      const f = rng.float();
      const n = rng.int(3, 5);
      expect(f >= 0 && f < 1).toBe(true);
      expect(n >= 3 && n <= 5).toBe(true);
      expect(rng.logNormal(100, 1)).toBeGreaterThan(0);
    }
    expect(new Set(rng.sample([1, 2, 3, 4, 5], 5))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('draws log-normal amounts around their median and Poisson counts around their mean', () => {
    const rng = new Rng(11);
    const amounts = Array.from({ length: 4001 }, () => rng.logNormal(50, 1)).sort((a, b) => a - b);
    const counts = Array.from({ length: 4000 }, () => rng.poisson(3));

    expect(amounts[2000]).toBeGreaterThan(45);
    expect(amounts[2000]).toBeLessThan(55);
    expect(counts.reduce((s, c) => s + c, 0) / counts.length).toBeCloseTo(3, 0);
  });
});
