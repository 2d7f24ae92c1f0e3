import { Injectable } from '@nestjs/common';
import { deadLetterTopic, DLQ_HEADERS } from '@vigil/contracts';

import { MetricsService } from '../metrics';
import { RejectedMessage } from './dead-letter';
import { KafkaProducerService } from './kafka-producer.service';

/** Header values are capped so a hostile payload cannot blow up the dead-letter record. */
const MAX_REASON_LENGTH = 1_000;

@Injectable()
export class DeadLetterPublisher {
  constructor(
    private readonly producer: KafkaProducerService,
    private readonly metrics: MetricsService,
  ) {}

  /** Resolves once the dead letters are durable; only then may their source offsets be committed. */
  async publish(rejected: RejectedMessage[]): Promise<void> {
    if (rejected.length === 0) return;
    await this.producer.send({
      topic: deadLetterTopic(rejected[0].message.topic),
      messages: rejected.map(({ message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DLQ_HEADERS.errorCode]: error.code,
          [DLQ_HEADERS.errorMessage]: error.message.slice(0, MAX_REASON_LENGTH),
          [DLQ_HEADERS.sourceTopic]: message.topic,
          [DLQ_HEADERS.sourcePartition]: String(message.partition),
          [DLQ_HEADERS.sourceOffset]: message.offset,
        },
      })),
    });
    for (const { message, error } of rejected) this.metrics.kafkaDeadLettered.inc({ topic: message.topic, code: error.code });
  }
}
