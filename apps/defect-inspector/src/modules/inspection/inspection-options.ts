/** How the pipeline cuts and batches frames; the defaults suit the simulator's 25–100 fps cameras. */
export interface InspectionOptions {
  /** Frames a camera's ReorderWindow holds while waiting for a missing seq. */
  reorderSize: number;
  /** How long (Kafka log time, ms) a held frame waits for the seqs before it. */
  reorderMaxWaitMs: number;
  /** Frames between the starts of consecutive clips (at most the model's clip length). */
  clipStride: number;
  /** Missing frames a clip may contain, filled with their predecessor (0: a gap breaks the clip). */
  maxMissing: number;
  /** Clips per model run, across cameras and partitions. */
  maxBatchSize: number;
  /**
   * How long a clip waits for company before its batch runs. 0: it runs at once if no run is in
   * flight, and the clips that come meanwhile go together in the next run (batches grow with load).
   */
  maxWaitMs: number;
  /** Batches of a partition whose verdicts may be in flight (not stored) while the next are read. */
  pipelineDepth: number;
  /** How often a camera's health is written to defect.camera_health. */
  healthSnapshotMs: number;
  /**
   * How long a partition's cursor and camera counts may wait to be stored. A batch that completes no
   * clip is not stored on its own within this long of the partition's last store: what it read goes
   * with the next batch, or is stored on its own once the partition is this long without one.
   */
  cursorFlushMs: number;
}

export const INSPECTION_OPTIONS = Symbol('INSPECTION_OPTIONS');

export const DEFAULT_INSPECTION_OPTIONS: Readonly<InspectionOptions> = {
  reorderSize: 16,
  reorderMaxWaitMs: 500,
  clipStride: 8,
  maxMissing: 0,
  maxBatchSize: 32,
  maxWaitMs: 0,
  pipelineDepth: 8,
  healthSnapshotMs: 10_000,
  cursorFlushMs: 1_000,
};

/** Checks options, naming the bad one. */
export function checkInspectionOptions(options: InspectionOptions): InspectionOptions {
  for (const [name, min] of [['reorderSize', 1], ['clipStride', 1], ['maxMissing', 0], ['maxBatchSize', 1], ['pipelineDepth', 1]] as const) {
    if (!Number.isInteger(options[name]) || options[name] < min) throw new RangeError(`${name}: expected an integer >= ${min}, got ${options[name]}`);
  }
  for (const name of ['reorderMaxWaitMs', 'maxWaitMs', 'healthSnapshotMs', 'cursorFlushMs'] as const) {
    if (!(Number.isFinite(options[name]) && options[name] >= 0)) throw new RangeError(`${name}: expected a number of ms >= 0, got ${options[name]}`);
  }
  return options;
}
