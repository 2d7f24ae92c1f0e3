import { Frame } from '@vigil/contracts';
import { BatcherClosedError, QueueFullError } from '@vigil/core-ml';

import { Clip } from './clip-assembler';
import { ClipBatcher, clipShape } from './clip-batcher';

function clip(cameraId: string, seqEnd: number, size = 16): Clip {
  const frame: Frame = { cameraId, lineId: 'LINE-1', seq: seqEnd, ts: seqEnd, format: 'GRAY8', width: size, height: size, pixelFormat: 'GRAY8', pixels: new Uint8Array(size * size) };
  return { cameraId, lineId: 'LINE-1', seqStart: seqEnd - 1, seqEnd, tsStart: seqEnd - 1, tsEnd: seqEnd, width: size, height: size, pixelFormat: 'GRAY8', frames: [frame, frame], missing: [] };
}

const label = (c: Clip) => `${c.cameraId}:${c.seqEnd}`;

describe(ClipBatcher.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('batches clips of several cameras together, up to maxBatchSize, one output each', async () => {
    const batches: string[][] = [];
    const sut = new ClipBatcher(async (clips: Clip[]) => {
      batches.push(clips.map(label));
      return clips.map(label);
    }, { maxBatchSize: 3, maxWaitMs: 20, maxQueue: 10 });

    const outputs = Promise.all([clip('CAM-01', 1), clip('CAM-02', 1), clip('CAM-03', 1), clip('CAM-01', 2)].map((c) => sut.submit(c)));
    await jest.advanceTimersByTimeAsync(20);

    await expect(outputs).resolves.toEqual(['CAM-01:1', 'CAM-02:1', 'CAM-03:1', 'CAM-01:2']);
    expect(batches).toEqual([['CAM-01:1', 'CAM-02:1', 'CAM-03:1'], ['CAM-01:2']]);
  });

  it('sends a partial batch after maxWaitMs, not before', async () => {
    const infer = jest.fn(async (clips: Clip[]) => clips.map(() => 'ok'));
    const sut = new ClipBatcher(infer, { maxBatchSize: 8, maxWaitMs: 50, maxQueue: 8 });

    const output = sut.submit(clip('CAM-01', 1));
    await jest.advanceTimersByTimeAsync(49);
    expect(infer).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);

    await expect(output).resolves.toBe('ok');
  });

  it('never mixes clip shapes in one batch', async () => {
    const shapes: string[][] = [];
    const sut = new ClipBatcher(async (clips: Clip[]) => {
      shapes.push(clips.map(clipShape));
      return clips.map(() => 0);
    }, { maxBatchSize: 4, maxWaitMs: 10, maxQueue: 10 });

    const outputs = Promise.all([clip('CAM-01', 1, 16), clip('CAM-02', 1, 32), clip('CAM-03', 1, 16)].map((c) => sut.submit(c)));
    await jest.advanceTimersByTimeAsync(10);
    await outputs;

    expect(shapes.sort()).toEqual([['2x16x16xGRAY8', '2x16x16xGRAY8'], ['2x32x32xGRAY8']]);
  });

  it('sheds load past maxQueue over all shapes with QueueFullError', async () => {
    const sut = new ClipBatcher(async (clips: Clip[]) => clips.map(() => 0), { maxBatchSize: 2, maxWaitMs: 100, maxQueue: 2 });
    const waiting = [sut.submit(clip('CAM-01', 1, 16)), sut.submit(clip('CAM-02', 1, 32))];

    await expect(sut.submit(clip('CAM-03', 1, 64))).rejects.toBeInstanceOf(QueueFullError);
    expect(sut.queued).toBe(2);
    await jest.advanceTimersByTimeAsync(100);
    await expect(Promise.all(waiting)).resolves.toEqual([0, 0]);
    expect(sut.queued).toBe(0);
  });

  it('drains on close and refuses clips after it', async () => {
    const sut = new ClipBatcher(async (clips: Clip[]) => clips.map(label), { maxBatchSize: 8, maxWaitMs: 10_000, maxQueue: 8 });
    const output = sut.submit(clip('CAM-01', 7));

    await sut.close();

    await expect(output).resolves.toBe('CAM-01:7');
    await expect(sut.submit(clip('CAM-01', 8))).rejects.toBeInstanceOf(BatcherClosedError);
  });

  it('names bad options at construction', () => {
    expect(() => new ClipBatcher(async () => [], { maxBatchSize: 4, maxWaitMs: 1, maxQueue: 2 })).toThrow(/maxQueue: expected an integer >= 4, got 2/);
  });
});
