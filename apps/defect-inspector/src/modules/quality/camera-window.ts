import { CameraSnapshot } from './quality-stats.repository';

export const CAMERA_COUNTERS = ['received', 'rejected', 'dropped', 'gaps', 'duplicates', 'late', 'resyncs'] as const;
export type CameraCounters = Record<(typeof CAMERA_COUNTERS)[number], number>;

/**
 * How much each of a camera's cumulative counters grew within (from, to], from its snapshots in
 * time order (the first may be the baseline at or before `from`). A counter that fell was reset by
 * a pipeline restart: it grew by its new value. Without a baseline the counters started in the
 * window, from 0.
 */
export function counterGrowth(snapshots: readonly CameraSnapshot[], fromMs: number): CameraCounters {
  const growth = Object.fromEntries(CAMERA_COUNTERS.map((name) => [name, 0])) as CameraCounters;
  let previous: CameraSnapshot | undefined;
  for (const snapshot of snapshots) {
    if (snapshot.takenAt.getTime() > fromMs) {
      for (const name of CAMERA_COUNTERS) {
        const before = previous?.[name] ?? 0;
        growth[name] += snapshot[name] >= before ? snapshot[name] - before : snapshot[name];
      }
    }
    previous = snapshot;
  }
  return growth;
}

/**
 * What counterGrowth's counts cover: from the baseline snapshot at or before `fromMs` (null when
 * there is none: the counters started inside the window) to the last snapshot in the window.
 */
export function countedSpan(snapshots: readonly CameraSnapshot[], fromMs: number): { from: string | null; to: string } | undefined {
  const last = snapshots[snapshots.length - 1];
  if (last === undefined || last.takenAt.getTime() <= fromMs) return undefined;
  const baseline = snapshots[0].takenAt.getTime() <= fromMs ? snapshots[0] : undefined;
  return { from: baseline?.takenAt.toISOString() ?? null, to: last.takenAt.toISOString() };
}
