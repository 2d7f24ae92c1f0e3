import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { KafkaProducerService } from '@vigil/platform';

/** Where in risk.decisions an acknowledged send began, per partition it touched. */
export interface PublishWatermark {
  partition: number;
  offset: string;
}

/**
 * Publishes decisions to `risk.decisions`, keyed by txId. One send at a time, each followed by
 * recording its acknowledgement: so the recorded watermark of a partition is never past a send
 * whose acknowledgement was not recorded, which is what crash recovery scans from.
 */
@Injectable()
export class DecisionPublisher {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly producer: KafkaProducerService) {}

  publish(decisions: RiskDecisionMessage[], recordAcknowledged: (watermarks: PublishWatermark[]) => Promise<void>): Promise<void> {
    const run = this.last.then(async () => {
      const acknowledged =
        decisions.length === 0
          ? []
          : await this.producer.send({
              topic: Topic.RiskDecisions,
              messages: decisions.map((decision) => ({ key: decision.txId, value: JSON.stringify(decision) })),
            });
      await recordAcknowledged(acknowledged.map((record) => ({ partition: record.partition, offset: String(record.baseOffset ?? record.offset) })));
    });
    this.last = run.catch(() => undefined);
    return run;
  }
}
