import { Injectable } from '@nestjs/common';
import { Topic } from '@vigil/contracts';
import { InboundMessage, OnBatch, RejectedMessage } from '@vigil/platform';

import { InspectionPipeline } from './inspection-pipeline.service';

/** `camera.frames` in, one inspection per clip out; contract breaks go to the DLQ. */
@Injectable()
export class FramesConsumer {
  constructor(private readonly pipeline: InspectionPipeline) {}

  @OnBatch(Topic.CameraFrames, { maxBatchSize: 200 })
  onFrames(messages: InboundMessage[]): Promise<RejectedMessage[]> {
    return this.pipeline.process(messages);
  }
}
