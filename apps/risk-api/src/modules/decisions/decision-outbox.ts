import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { JsonLogger, KafkaProducerService, TopicOutbox } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { DecisionRepository } from './decision.repository';

/**
 * Publishes stored decisions to `risk.decisions` (key: txId) exactly once each (see TopicOutbox:
 * serialised sends with recorded acknowledgements and watermarks, recovery by reading the topic
 * back). A decision is identified by its txId, in Postgres and on the topic.
 */
@Injectable()
export class DecisionOutbox extends TopicOutbox<RiskDecisionMessage> {
  constructor(kafka: Kafka, producer: KafkaProducerService, repository: DecisionRepository, logger: JsonLogger) {
    super({
      kafka,
      producer,
      logger,
      scanGroupPrefix: 'risk-api-outbox',
      store: {
        findUnpublished: () => repository.findUnpublished(),
        markPublished: (decisions, watermarks) => repository.markPublished(decisions.map((decision) => decision.txId), watermarks),
        publishWatermarks: () => repository.publishWatermarks(),
      },
      format: {
        topic: Topic.RiskDecisions,
        identity: (decision) => decision.txId,
        record: (decision) => ({ key: decision.txId, value: JSON.stringify(decision) }),
        identityOf: (message) => message.key?.toString(),
      },
    });
  }
}
