import { Rng } from '@vigil/platform';

import { ReorderWindow } from './reorder-window';

const frame = (seq: number) => ({ seq });
const seqs = (frames: { seq: number }[]) => frames.map((f) => f.seq);

/** Pushes seqs one per `stepMs`, returning everything released along the way. */
function run(sut: ReorderWindow<{ seq: number }>, stream: number[], stepMs = 10, from = 0): number[] {
  return stream.flatMap((seq, i) => seqs(sut.push(frame(seq), from + i * stepMs)));
}

interface Transport {
  /** The seqs sent, in arrival order. */
  arrivals: number[];
  dropped: number;
}

/** 0..n-1 with drops, duplicates, and reordering that moves no frame more than `displacement - 1` places. */
function transport(rng: Rng, n: number, drop: number, duplicate: number, displacement: number): Transport {
  const kept = Array.from({ length: n }, (_, i) => i).filter(() => !rng.chance(drop));
  const withDuplicates = kept.flatMap((seq) => (rng.chance(duplicate) ? [seq, seq] : [seq]));
  const keyed = withDuplicates.map((seq, i) => ({ seq, key: i + rng.float() * displacement }));
  keyed.sort((a, b) => a.key - b.key);
  return { arrivals: keyed.map((k) => k.seq), dropped: n - kept.length };
}

describe(ReorderWindow.name, () => {
  it('waits for the start, then releases in-order frames as they arrive', () => {
    const sut = new ReorderWindow({ size: 3, maxWaitMs: 1000 });

    expect(run(sut, [5, 6, 7])).toEqual([]);
    expect(seqs(sut.push(frame(8), 30))).toEqual([5, 6, 7, 8]);
    expect(seqs(sut.push(frame(9), 40))).toEqual([9]);
    expect(sut.counts).toEqual({ released: 5, duplicates: 0, late: 0, gaps: 0, resyncs: 0 });
  });

  it('takes an earlier seq that arrives before the first release as the start', () => {
    const sut = new ReorderWindow({ size: 3, maxWaitMs: 1000 });

    expect(run(sut, [6, 4, 5, 7])).toEqual([4, 5, 6, 7]);
  });

  it('releases after maxWaitMs when the start never fills the window', () => {
    const sut = new ReorderWindow({ size: 8, maxWaitMs: 100 });
    sut.push(frame(11), 0);
    sut.push(frame(10), 50);

    expect(sut.deadline()).toBe(100);
    expect(seqs(sut.poll(99))).toEqual([]);
    expect(seqs(sut.poll(100))).toEqual([10, 11]);
    expect(sut.deadline()).toBeUndefined();
  });

  it('puts a swapped pair back in order', () => {
    const sut = new ReorderWindow({ size: 2, maxWaitMs: 1000 });
    run(sut, [0, 1, 2]);

    expect(seqs(sut.push(frame(4), 100))).toEqual([]);
    expect(seqs(sut.push(frame(3), 110))).toEqual([3, 4]);
  });

  it('gives up on a missing seq after maxWaitMs, counts the gap and calls the straggler late', () => {
    const sut = new ReorderWindow({ size: 8, maxWaitMs: 100 });
    run(sut, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    sut.push(frame(10), 200);
    sut.push(frame(11), 250);

    expect(seqs(sut.poll(299))).toEqual([]);
    expect(seqs(sut.poll(300))).toEqual([10, 11]);
    expect(seqs(sut.push(frame(9), 310))).toEqual([]);
    expect(sut.counts).toMatchObject({ released: 11, gaps: 1, late: 1, duplicates: 0 });
  });

  it('gives up when one frame more than `size` is held', () => {
    const sut = new ReorderWindow({ size: 2, maxWaitMs: 10_000 });
    run(sut, [0, 1, 2]);

    expect(run(sut, [5, 6, 7], 1, 100)).toEqual([5, 6, 7]);
    expect(sut.counts.gaps).toBe(2);
    expect(sut.held).toBe(0);
  });

  it('counts a resent released frame as a duplicate, also one that is held', () => {
    const sut = new ReorderWindow({ size: 4, maxWaitMs: 1000 });
    run(sut, [0, 1, 2, 3, 4, 5]);

    expect(run(sut, [2, 7, 7, 0], 1, 100)).toEqual([]);
    expect(sut.counts).toMatchObject({ duplicates: 3, late: 0 });
  });

  it('calls a frame older than the remembered history late', () => {
    const sut = new ReorderWindow({ size: 2, maxWaitMs: 0 });
    run(sut, Array.from({ length: 200 }, (_, i) => i));

    sut.push(frame(3), 5000);

    expect(sut.counts).toMatchObject({ late: 1, duplicates: 0, resyncs: 0 });
  });

  it('starts over after `size` frames in a row older than it remembers (the camera restarted)', () => {
    const sut = new ReorderWindow({ size: 3, maxWaitMs: 50 });
    run(sut, [1000, 1001, 1002, 1003, 1004]);

    const released = run(sut, [0, 1, 2, 3, 4, 5, 6], 10, 100);

    expect(released).toEqual([2, 3, 4, 5, 6]);
    expect(sut.counts).toMatchObject({ late: 2, resyncs: 1, gaps: 0 });
  });

  it('does not start over for stragglers it remembers, however many', () => {
    const sut = new ReorderWindow({ size: 1, maxWaitMs: 0 });
    run(sut, [0, 2, 4, 6, 8, 10]);

    run(sut, [1, 3, 5, 7], 10, 100);

    expect(sut.counts).toMatchObject({ late: 4, resyncs: 0, gaps: 5 });
  });

  it('flushes what it holds, in order, giving up on the holes', () => {
    const sut = new ReorderWindow({ size: 10, maxWaitMs: 1000 });
    run(sut, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    run(sut, [14, 12], 1, 200);

    expect(seqs(sut.flush())).toEqual([12, 14]);
    expect(sut.counts.gaps).toBe(2);
  });

  it('names bad options and seqs', () => {
    expect(() => new ReorderWindow({ size: 0, maxWaitMs: 1 })).toThrow(/size: expected an integer >= 1, got 0/);
    expect(() => new ReorderWindow({ size: 2, maxWaitMs: -1 })).toThrow(/maxWaitMs/);
    expect(() => new ReorderWindow({ size: 2, maxWaitMs: 1 }).push(frame(-1), 0)).toThrow(/item.seq must be an unsigned integer, got -1/);
  });

  describe('over random transport faults', () => {
    const cases = Array.from({ length: 60 }, (_, i) => i);

    it.each(cases)('releases every seq once, in order, and loses none when reordering stays inside the window (seed %i)', (seed) => {
      const rng = new Rng(seed);
      const size = rng.int(1, 12);
      const { arrivals, dropped } = transport(rng, rng.int(50, 400), rng.uniform(0, 0.2), rng.uniform(0, 0.2), rng.int(1, size));
      const sut = new ReorderWindow({ size, maxWaitMs: 1e9 });

      const released = [...run(sut, arrivals), ...seqs(sut.flush())];

      const distinct = [...new Set(arrivals)].sort((a, b) => a - b);
      expect(released).toEqual(distinct);
      expect(sut.counts).toEqual({
        released: distinct.length,
        duplicates: arrivals.length - distinct.length,
        late: 0,
        gaps: distinct[distinct.length - 1] - distinct[0] + 1 - distinct.length,
        resyncs: 0,
      });
      expect(sut.counts.gaps).toBeLessThanOrEqual(dropped);
    });

    it.each(cases)('accounts for every frame, holds at most `size` and none past maxWaitMs, whatever the disorder (seed %i)', (seed) => {
      const rng = new Rng(1000 + seed);
      const size = rng.int(1, 16);
      const maxWaitMs = rng.int(0, 80);
      const { arrivals } = transport(rng, rng.int(50, 400), rng.uniform(0, 0.3), rng.uniform(0, 0.3), rng.int(1, 40));
      const sut = new ReorderWindow({ size, maxWaitMs });
      const released: number[] = [];
      let now = 0;

      for (const seq of arrivals) {
        now += rng.int(0, 20);
        released.push(...seqs(sut.poll(now)), ...seqs(sut.push(frame(seq), now)));
        expect(sut.held).toBeLessThanOrEqual(size);
        expect(sut.deadline() ?? Infinity).toBeGreaterThan(now);
      }
      released.push(...seqs(sut.flush()));

      expect(released.every((seq, i) => i === 0 || seq > released[i - 1])).toBe(true);
      const { counts } = sut;
      expect(counts.released).toBe(released.length);
      expect(counts.released + counts.duplicates + counts.late).toBe(arrivals.length);
      // A seq is released, or every copy of it was late/duplicate; a gap is a seq never released.
      expect(counts.gaps).toBe(released[released.length - 1] - released[0] + 1 - released.length);
      expect(counts.resyncs).toBe(0);
    });
  });
});
