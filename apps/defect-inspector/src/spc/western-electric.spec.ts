import { westernElectric } from './western-electric';

const fired = (z: number[]) => westernElectric(z).map(({ rule, side, at, points }) => ({ rule, side, at, points }));

describe(westernElectric.name, () => {
  it('is quiet on points within 1σ', () => {
    expect(fired([0.5, -0.9, 0.2, -0.3, 0.9, -0.1, 0.4, -0.6, 0.3])).toEqual([]);
  });

  describe('rule 1: one point beyond 3σ', () => {
    it('fires on a point above +3σ and one below −3σ', () => {
      expect(fired([0, 3.1, 0, -3.2])).toEqual([
        { rule: 1, side: 'above', at: 1, points: [1] },
        { rule: 1, side: 'below', at: 3, points: [3] },
      ]);
    });

    it('does not fire on a point exactly at 3σ (beyond is strict)', () => {
      expect(fired([0, 3, 0, -3]).filter((a) => a.rule === 1)).toEqual([]);
    });
  });

  describe('rule 2: two of three beyond 2σ on one side', () => {
    it('fires where the second point beyond 2σ arrives, naming both', () => {
      expect(fired([2.1, 0, 2.1])).toEqual([{ rule: 2, side: 'above', at: 2, points: [0, 2] }]);
    });

    it('fires on the second point of a chart when the first two are beyond 2σ', () => {
      expect(fired([-2.5, -2.5])).toEqual([{ rule: 2, side: 'below', at: 1, points: [0, 1] }]);
    });

    it('does not fire when the two are four points apart or on opposite sides', () => {
      expect(fired([2.1, 0, 0, 2.1])).toEqual([]);
      expect(fired([2.1, -2.1, 0.5])).toEqual([]);
    });
  });

  describe('rule 3: four of five beyond 1σ on one side', () => {
    it('fires on the fourth point beyond 1σ within five', () => {
      expect(fired([1.5, 1.5, 0, 1.5, 1.5])).toEqual([{ rule: 3, side: 'above', at: 4, points: [0, 1, 3, 4] }]);
    });

    it('does not fire on three of five, nor on four split across the sides', () => {
      expect(fired([1.5, 1.5, 0, 1.5, 0, 1.5])).toEqual([]);
      expect(fired([1.5, -1.5, 1.5, -1.5, 1.5])).toEqual([]);
    });
  });

  describe('rule 4: eight in a row on one side', () => {
    it('fires at the eighth point and at each further one of the run', () => {
      expect(fired(Array(9).fill(-0.5))).toEqual([
        { rule: 4, side: 'below', at: 7, points: [0, 1, 2, 3, 4, 5, 6, 7] },
        { rule: 4, side: 'below', at: 8, points: [1, 2, 3, 4, 5, 6, 7, 8] },
      ]);
    });

    it('does not fire when a point on the centre line or across it breaks the run', () => {
      expect(fired([...Array(7).fill(0.5), 0, 0.5])).toEqual([]);
      expect(fired([...Array(7).fill(0.5), -0.5, ...Array(7).fill(0.5)])).toEqual([]);
    });
  });

  it('reports several rules at one point, in rule order', () => {
    expect(fired([2.5, 3.5]).map((a) => [a.rule, a.at])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it('refuses NaN, naming the point', () => {
    expect(() => westernElectric([0, Number.NaN])).toThrow('z[1] is NaN');
  });
});
