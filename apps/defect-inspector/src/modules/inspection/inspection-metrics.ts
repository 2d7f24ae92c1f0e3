import { Injectable } from '@nestjs/common';
import { MetricsService } from '@vigil/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Frames, refusals, transport faults, clips and their latency, beside the platform's own metrics. */
@Injectable()
export class InspectionMetrics {
  readonly frames: Counter<'camera'>;
  readonly rejected: Counter<'code'>;
  readonly gaps: Counter<'camera'>;
  readonly duplicates: Counter<'camera'>;
  readonly late: Counter<'camera'>;
  readonly clips: Counter<'verdict'>;
  readonly unservable: Counter<'camera'>;
  readonly clipLatency: Histogram;
  readonly batchStage: Histogram<'stage'>;
  readonly alignmentConfidence: Gauge<'camera'>;
  readonly fps: Gauge<'camera'>;
  readonly rebuilds: Counter;
  readonly replayed: Counter;
  readonly failures: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.frames = new Counter({ name: 'defect_frames_total', help: 'Accepted camera frames', labelNames: ['camera'], registers });
    this.rejected = new Counter({ name: 'defect_frames_rejected_total', help: 'camera.frames messages refused by the contract (sent to the DLQ), by code', labelNames: ['code'], registers });
    this.gaps = new Counter({ name: 'defect_frame_gaps_total', help: 'Missing seqs the reorder window gave up on', labelNames: ['camera'], registers });
    this.duplicates = new Counter({ name: 'defect_frame_duplicates_total', help: 'Frames whose seq was already held or released', labelNames: ['camera'], registers });
    this.late = new Counter({ name: 'defect_frame_late_total', help: 'Frames that came after their seq was given up on', labelNames: ['camera'], registers });
    this.clips = new Counter({ name: 'defect_clips_total', help: 'Clips inspected and stored, by verdict', labelNames: ['verdict'], registers });
    this.unservable = new Counter({ name: 'defect_clips_unservable_total', help: 'Clips smaller than the model input (not inspected)', labelNames: ['camera'], registers });
    this.clipLatency = new Histogram({
      name: 'defect_clip_latency_seconds',
      help: "From a clip's last frame reaching the service to its verdict stored and published",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.batchStage = new Histogram({
      name: 'defect_batch_stage_seconds',
      help: "Where a batch's time goes after its frames are read: align (after the partition's previous batch), score (shrink, wait for a model run, verdicts), store_wait (for the previous batch's store), store, publish",
      labelNames: ['stage'],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1],
      registers,
    });
    this.alignmentConfidence = new Gauge({ name: 'defect_alignment_confidence', help: "The latest frame's alignment confidence (0..1)", labelNames: ['camera'], registers });
    this.fps = new Gauge({ name: 'defect_camera_fps', help: 'Frames per second received, over the last 5 s', labelNames: ['camera'], registers });
    this.rebuilds = new Counter({ name: 'defect_partition_rebuilds_total', help: 'Partitions whose windows were rebuilt from the stored cursor (start, rebalance, retry)', registers });
    this.failures = new Counter({ name: 'defect_batch_failures_total', help: 'Batches that failed after their frames were read (the partition is rebuilt from its cursor)', registers });
    this.replayed = new Counter({ name: 'defect_frames_replayed_total', help: 'Frames re-read from Kafka to rebuild windows and half-built clips', registers });
  }
}
