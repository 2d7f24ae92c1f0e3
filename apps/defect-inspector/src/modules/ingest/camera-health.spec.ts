import { CameraHealth } from './camera-health';
import { ReorderCounts } from './reorder-window';

const reorder: ReorderCounts = { released: 90, duplicates: 2, late: 3, gaps: 4, resyncs: 0 };

describe(CameraHealth.name, () => {
  it('reports fps over the sliding window, falling to 0 when the camera stops', () => {
    const sut = new CameraHealth('CAM-01', { fpsWindowMs: 1000 });
    for (let t = 0; t < 3000; t += 10) sut.frameReceived(t, 5);

    expect(sut.snapshot(2999, reorder).fps).toBeCloseTo(100, 0);
    // 100 ms buckets: the window at 3500 is buckets 2600..3500, four of them full.
    expect(sut.snapshot(3500, reorder).fps).toBeCloseTo(40, 0);
    expect(sut.snapshot(4100, reorder).fps).toBe(0);
  });

  it('does not under-report fps before a full window has passed', () => {
    const sut = new CameraHealth('CAM-01', { fpsWindowMs: 5000 });
    for (let t = 10_000; t < 10_500; t += 40) sut.frameReceived(t, 5);

    expect(sut.snapshot(10_499, reorder).fps).toBeCloseTo(26, 0);
  });

  it('reports the counters, the reorder window counts and latency p50/p99', () => {
    const sut = new CameraHealth('CAM-01');
    for (let i = 1; i <= 1000; i++) sut.frameReceived(i, i / 10);
    sut.frameRejected();
    sut.framesDropped(3);
    sut.setAlignmentConfidence(0.75);

    const snapshot = sut.snapshot(1000, reorder);

    expect(snapshot).toMatchObject({ cameraId: 'CAM-01', received: 1000, rejected: 1, dropped: 3, gaps: 4, duplicates: 2, late: 3, resyncs: 0, alignmentConfidence: 0.75 });
    expect(snapshot.latencyP50Ms).toBeCloseTo(50, -0.5);
    expect(snapshot.latencyP99Ms).toBeCloseTo(99, -0.5);
  });

  it('forgets latency older than two windows', () => {
    const sut = new CameraHealth('CAM-01', { latencyWindowMs: 1000 });
    for (let t = 0; t < 500; t++) sut.frameReceived(t, 900);
    for (let t = 2500; t < 2600; t++) sut.frameReceived(t, 10);

    expect(sut.snapshot(2600, reorder).latencyP99Ms).toBeCloseTo(10, -0.5);
  });

  it('has no latency and no alignment before they are measured', () => {
    expect(new CameraHealth('CAM-01').snapshot(0, reorder)).toMatchObject({ fps: 0, latencyP50Ms: null, latencyP99Ms: null, alignmentConfidence: null });
  });

  it('names bad arguments', () => {
    const sut = new CameraHealth('CAM-01');

    expect(() => sut.setAlignmentConfidence(1.2)).toThrow(/value must be in \[0, 1\], got 1.2/);
    expect(() => sut.framesDropped(-1)).toThrow(/count must be an integer >= 0/);
    expect(() => new CameraHealth('CAM-01', { fpsWindowMs: 10 })).toThrow(/fpsWindowMs/);
  });
});
