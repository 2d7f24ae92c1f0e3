import { Frame } from '@vigil/contracts';

import { Clip, ClipAssembler } from './clip-assembler';

const frame = (seq: number, size = 16): Frame => ({
  cameraId: 'CAM-01',
  lineId: 'LINE-1',
  seq,
  ts: 1_000_000 + seq * 10_000,
  format: 'GRAY8',
  width: size,
  height: size,
  pixelFormat: 'GRAY8',
  pixels: new Uint8Array(size * size).fill(seq & 0xff),
});

function feed(sut: ClipAssembler, seqs: number[]): Clip[] {
  return seqs.flatMap((seq) => sut.push(frame(seq)));
}

const span = (clip: Clip) => [clip.seqStart, clip.seqEnd];
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe(ClipAssembler.name, () => {
  it('cuts overlapping clips every `stride` frames', () => {
    const sut = new ClipAssembler({ length: 4, stride: 2 });

    const clips = feed(sut, range(10, 19));

    expect(clips.map(span)).toEqual([
      [10, 13],
      [12, 15],
      [14, 17],
      [16, 19],
    ]);
    expect(clips[0]).toMatchObject({ cameraId: 'CAM-01', lineId: 'LINE-1', tsStart: 1_100_000, tsEnd: 1_130_000, width: 16, height: 16, pixelFormat: 'GRAY8', missing: [] });
    expect(clips[0].frames.map((f) => f.seq)).toEqual([10, 11, 12, 13]);
  });

  it('cuts back-to-back clips when stride equals length', () => {
    const sut = new ClipAssembler({ length: 3, stride: 3 });

    expect(feed(sut, range(0, 8)).map(span)).toEqual([
      [0, 2],
      [3, 5],
      [6, 8],
    ]);
  });

  it('by default breaks the clip at a gap and starts afresh after it', () => {
    const sut = new ClipAssembler({ length: 4, stride: 2 });

    const clips = feed(sut, [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);

    expect(clips.map(span)).toEqual([
      [0, 3],
      [6, 9],
      [8, 11],
    ]);
    expect(sut.counts).toMatchObject({ clips: 3, brokenByGap: 1 });
  });

  it('fills up to maxMissing missing frames with the frame before, interpolating their ts', () => {
    const sut = new ClipAssembler({ length: 4, stride: 4, maxMissing: 1 });

    const [clip] = feed(sut, [0, 1, 3, 4]);

    expect(span(clip)).toEqual([0, 3]);
    expect(clip.missing).toEqual([2]);
    expect(clip.frames.map((f) => f.seq)).toEqual([0, 1, 1, 3]);
    expect(clip.frames[2]).toBe(clip.frames[1]);
  });

  it('ends a due clip on the real frame after a filled one', () => {
    const sut = new ClipAssembler({ length: 3, stride: 3, maxMissing: 1 });

    const clips = feed(sut, [0, 2, 3]);

    expect(clips.map(span)).toEqual([[0, 2]]);
    expect(clips[0].missing).toEqual([1]);
    expect(clips[0].tsStart).toBe(1_000_000);
  });

  it('breaks on a gap longer than maxMissing and skips clips whose small gaps add up past it', () => {
    const sut = new ClipAssembler({ length: 4, stride: 1, maxMissing: 1 });

    const clips = feed(sut, [0, 1, 2, 3, 5, 7, 8, 9, 10, 13, 14, 15, 16]);

    expect(clips.map((clip) => [...span(clip), clip.missing])).toEqual([
      [0, 3, []],
      [2, 5, [4]],
      // [3..7] would hold 4 and 6: skipped
      [5, 8, [6]],
      [6, 9, [6]],
      [7, 10, []],
      // 11 and 12 missing: broken
      [13, 16, []],
    ]);
    expect(sut.counts).toEqual({ clips: 6, brokenByGap: 1, tooManyMissing: 1, formatChanges: 0 });
  });

  it('starts afresh when the frame size changes', () => {
    const sut = new ClipAssembler({ length: 2, stride: 2 });
    sut.push(frame(0));

    const clips = [...sut.push(frame(1, 32)), ...sut.push(frame(2, 32))];

    expect(clips.map(span)).toEqual([[1, 2]]);
    expect(clips[0].width).toBe(32);
    expect(sut.counts.formatChanges).toBe(1);
  });

  it('refuses frames out of order and names bad options', () => {
    const sut = new ClipAssembler({ length: 2, stride: 1 });
    sut.push(frame(5));

    expect(() => sut.push(frame(5))).toThrow(/frame.seq 5 is not above the previous 5/);
    expect(() => new ClipAssembler({ length: 0, stride: 1 })).toThrow(/length: expected an integer from 1/);
    expect(() => new ClipAssembler({ length: 4, stride: 5 })).toThrow(/stride: expected an integer from 1 to 4, got 5/);
    expect(() => new ClipAssembler({ length: 4, stride: 1, maxMissing: 4 })).toThrow(/maxMissing: expected an integer from 0 to 3, got 4/);
  });
});
