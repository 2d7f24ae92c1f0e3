import { CameraCountTally, CameraHealth, COUNT_BUCKET_MS } from './camera-health';
import { ReorderCounts } from './reorder-window';

const reorder = (gaps: number, duplicates = 0, late = 0): ReorderCounts => ({ released: 90, duplicates, late, gaps, resyncs: 0 });

describe(CameraHealth.name, () => {
  it('reports fps over the sliding window, falling to 0 when the camera stops', () => {
    const sut = new CameraHealth('CAM-01', { fpsWindowMs: 1000 });
    for (let t = 0; t < 3000; t += 10) sut.frameReceived(t, 5);

    expect(sut.snapshot(2999).fps).toBeCloseTo(100, 0);
    // 100 ms buckets: the window at 3500 is buckets 2600..3500, four of them full.
    expect(sut.snapshot(3500).fps).toBeCloseTo(40, 0);
    expect(sut.snapshot(4100).fps).toBe(0);
  });

  it('does not under-report fps before a full window has passed', () => {
    const sut = new CameraHealth('CAM-01', { fpsWindowMs: 5000 });
    for (let t = 10_000; t < 10_500; t += 40) sut.frameReceived(t, 5);

    expect(sut.snapshot(10_499).fps).toBeCloseTo(26, 0);
  });

  it('reports latency p50/p99 and the latest alignment confidence', () => {
    const sut = new CameraHealth('CAM-01');
    for (let i = 1; i <= 1000; i++) sut.frameReceived(i, i / 10);
    sut.setAlignmentConfidence(0.75);

    const snapshot = sut.snapshot(1000);

    expect(snapshot).toMatchObject({ cameraId: 'CAM-01', alignmentConfidence: 0.75 });
    expect(snapshot.latencyP50Ms).toBeCloseTo(50, -0.5);
    expect(snapshot.latencyP99Ms).toBeCloseTo(99, -0.5);
  });

  it('forgets latency older than two windows', () => {
    const sut = new CameraHealth('CAM-01', { latencyWindowMs: 1000 });
    for (let t = 0; t < 500; t++) sut.frameReceived(t, 900);
    for (let t = 2500; t < 2600; t++) sut.frameReceived(t, 10);

    expect(sut.snapshot(2600).latencyP99Ms).toBeCloseTo(10, -0.5);
  });

  it('has no latency and no alignment before they are measured', () => {
    expect(new CameraHealth('CAM-01').snapshot(0)).toMatchObject({ fps: 0, latencyP50Ms: null, latencyP99Ms: null, alignmentConfidence: null });
  });

  it('names bad arguments', () => {
    const sut = new CameraHealth('CAM-01');

    expect(() => sut.setAlignmentConfidence(1.2)).toThrow(/value must be in \[0, 1\], got 1.2/);
    expect(() => new CameraHealth('CAM-01', { fpsWindowMs: 10 })).toThrow(/fpsWindowMs/);
  });
});

describe(CameraCountTally.name, () => {
  const T = Date.parse('2026-11-22T12:00:00Z');

  it('adds counts per camera and bucket of Kafka time, and starts empty once taken', () => {
    const sut = new CameraCountTally();
    sut.add('CAM-01', 'L1', T + 1, { received: 1 });
    sut.add('CAM-01', 'L1', T + COUNT_BUCKET_MS - 1, { received: 1, dropped: 8 });
    sut.add('CAM-01', 'L1', T + COUNT_BUCKET_MS, { received: 1 });
    sut.add('CAM-02', null, T + 5, { rejected: 1 });

    expect(sut.take()).toEqual([
      { cameraId: 'CAM-01', lineId: 'L1', bucketStart: T, received: 2, rejected: 0, dropped: 8, gaps: 0, duplicates: 0, late: 0, resyncs: 0 },
      { cameraId: 'CAM-01', lineId: 'L1', bucketStart: T + COUNT_BUCKET_MS, received: 1, rejected: 0, dropped: 0, gaps: 0, duplicates: 0, late: 0, resyncs: 0 },
      { cameraId: 'CAM-02', lineId: null, bucketStart: T, received: 0, rejected: 1, dropped: 0, gaps: 0, duplicates: 0, late: 0, resyncs: 0 },
    ]);
    expect(sut.take()).toEqual([]);
  });

  it('keeps a bucket’s line once known', () => {
    const sut = new CameraCountTally();
    sut.add('CAM-01', 'L1', T, { received: 1 });
    sut.add('CAM-01', null, T, { rejected: 1 });

    expect(sut.take()).toMatchObject([{ lineId: 'L1', received: 1, rejected: 1 }]);
  });

  it('adds only the growth of the reorder counts, and not what grew while replaying counted frames', () => {
    const sut = new CameraCountTally();
    // Frames replayed below the stored count position: their faults are stored already.
    sut.reorder('CAM-01', 'L1', reorder(2, 1), undefined);
    sut.reorder('CAM-01', 'L1', reorder(3, 1), T);
    sut.reorder('CAM-01', 'L1', reorder(3, 1), T + 1);
    const first = sut.take();
    sut.reorder('CAM-01', 'L1', reorder(3, 2, 1), T + COUNT_BUCKET_MS);

    expect(first).toMatchObject([{ bucketStart: T, gaps: 1, duplicates: 0, late: 0 }]);
    expect(sut.take()).toMatchObject([{ bucketStart: T + COUNT_BUCKET_MS, gaps: 0, duplicates: 1, late: 1 }]);
  });

  it('names bad counts and times', () => {
    const sut = new CameraCountTally();

    expect(() => sut.add('CAM-01', 'L1', T, { dropped: -1 })).toThrow(/dropped: expected an integer >= 0, got -1/);
    expect(() => sut.add('CAM-01', 'L1', Number.NaN, { received: 1 })).toThrow(/atMs/);
  });
});
