import { Injectable } from '@nestjs/common';
import { InspectionResultMessage, Topic } from '@vigil/contracts';
import { JsonLogger, KafkaProducerService, TopicOutbox } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { InspectionRepository, UnpublishedInspection } from './inspection.repository';

/** What identifies a result on the topic: a clip is (camera, last seq). */
export const clipKey = (message: Pick<InspectionResultMessage, 'cameraId' | 'seqEnd'>): string => `${message.cameraId}\u0000${message.seqEnd}`;

/**
 * Publishes stored inspections to `inspection.results` (key: camera id) exactly once per clip (see
 * TopicOutbox). A result is identified by (cameraId, seqEnd), read back from the record's value
 * since its key is the camera.
 */
@Injectable()
export class InspectionOutbox extends TopicOutbox<UnpublishedInspection> {
  constructor(kafka: Kafka, producer: KafkaProducerService, repository: InspectionRepository, logger: JsonLogger) {
    super({
      kafka,
      producer,
      logger,
      scanGroupPrefix: 'defect-inspector-outbox',
      store: {
        findUnpublished: () => repository.findUnpublished(),
        markPublished: (entries, watermarks) => repository.markPublished(entries.map((entry) => entry.id), watermarks),
        publishWatermarks: () => repository.publishWatermarks(),
      },
      format: {
        topic: Topic.InspectionResults,
        identity: (entry) => clipKey(entry.message),
        record: ({ message }) => ({ key: message.cameraId, value: JSON.stringify(message) }),
        identityOf: (record) => parsedClipKey(record.value),
      },
    });
  }
}

function parsedClipKey(value: Buffer | null): string | undefined {
  try {
    const message = JSON.parse(value?.toString('utf8') ?? '') as Partial<InspectionResultMessage>;
    return typeof message.cameraId === 'string' && typeof message.seqEnd === 'number' ? clipKey({ cameraId: message.cameraId, seqEnd: message.seqEnd }) : undefined;
  } catch {
    return undefined;
  }
}
