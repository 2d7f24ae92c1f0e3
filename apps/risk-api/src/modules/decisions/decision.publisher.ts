import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { KafkaProducerService } from '@vigil/platform';

/** Where in risk.decisions an acknowledged send began, per partition it touched. */
export interface PublishWatermark {
  partition: number;
  offset: string;
}

/** Publishes decisions to `risk.decisions`, keyed by txId; resolves once every broker acknowledged. */
@Injectable()
export class DecisionPublisher {
  constructor(private readonly producer: KafkaProducerService) {}

  async publish(decisions: RiskDecisionMessage[]): Promise<PublishWatermark[]> {
    if (decisions.length === 0) return [];
    const acknowledged = await this.producer.send({
      topic: Topic.RiskDecisions,
      messages: decisions.map((decision) => ({ key: decision.txId, value: JSON.stringify(decision) })),
    });
    return acknowledged.map((record) => ({ partition: record.partition, offset: String(record.baseOffset ?? record.offset) }));
  }
}
