import { Rng } from '@vigil/platform';

import { applyFaults, FaultRates } from './faults';

interface F {
  cam: string;
  seq: number;
}

const stream = (cams: string[], n: number): F[] => Array.from({ length: n }, (_, seq) => cams.map((cam) => ({ cam, seq }))).flat();
const run = (frames: F[], rates: Partial<FaultRates>): F[] => [...applyFaults(frames, new Rng(1), { drop: 0, duplicate: 0, reorder: 0, ...rates }, (f) => f.cam)];
const seqs = (frames: F[], cam = 'A'): number[] => frames.filter((f) => f.cam === cam).map((f) => f.seq);

describe(applyFaults.name, () => {
  it('passes everything through with no faults', () => {
    const frames = stream(['A', 'B'], 10);
    expect(run(frames, {})).toEqual(frames);
  });

  it('drop removes frames, never adds or moves them', () => {
    expect(run(stream(['A'], 10), { drop: 1 })).toEqual([]);
    const kept = seqs(run(stream(['A'], 200), { drop: 0.3 }));
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(180);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
  });

  it('duplicate repeats the same frame (same seq) right away', () => {
    expect(seqs(run(stream(['A'], 4), { duplicate: 1 }))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('reorder swaps neighbours of the same camera', () => {
    expect(seqs(run(stream(['A'], 6), { reorder: 1 }))).toEqual([1, 0, 3, 2, 5, 4]);
    const both = run(stream(['A', 'B'], 4), { reorder: 1 });
    expect(seqs(both, 'A')).toEqual([1, 0, 3, 2]);
    expect(seqs(both, 'B')).toEqual([1, 0, 3, 2]);
  });

  it('sends a frame still held at the end', () => {
    expect(seqs(run(stream(['A'], 3), { reorder: 1 }))).toEqual([1, 0, 2]);
  });
});
