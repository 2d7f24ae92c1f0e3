import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { JsonLogger } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { DecisionPublisher } from './decision.publisher';
import { DecisionRepository } from './decision.repository';

const SCAN_TIMEOUT_MS = 60_000;

/**
 * Publishes decisions that were stored but whose acknowledgement was never recorded (the process
 * died, or a send failed, between the two). Some of them may have reached Kafka anyway, so it
 * first reads `risk.decisions` from the last recorded watermarks and publishes only the ones that
 * are not there: one message per decision, whatever the moment of the crash.
 */
@Injectable()
export class DecisionOutbox {
  constructor(
    private readonly kafka: Kafka,
    private readonly repository: DecisionRepository,
    private readonly publisher: DecisionPublisher,
    private readonly logger: JsonLogger,
  ) {}

  async flush(pending: RiskDecisionMessage[]): Promise<void> {
    if (pending.length === 0) return;
    const inKafka = await this.findInKafka(new Set(pending.map((decision) => decision.txId)));
    const missing = pending.filter((decision) => !inKafka.has(decision.txId));
    this.logger.pino.warn({ pending: pending.length, alreadyInKafka: inKafka.size, republished: missing.length }, 'recovering unacknowledged decisions');
    await this.publisher.publish(missing, (watermarks) =>
      this.repository.markPublished(
        pending.map((decision) => decision.txId),
        watermarks,
      ),
    );
  }

  /** The txIds among `wanted` found in risk.decisions after the recorded watermarks. */
  private async findInKafka(wanted: Set<string>): Promise<Set<string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(Topic.RiskDecisions).finally(() => admin.disconnect());
    const watermarks = await this.repository.publishWatermarks();
    const ranges = new Map(
      ends
        .map((end) => ({ partition: end.partition, from: watermarks.get(end.partition) ?? end.low, to: end.high }))
        .filter((range) => BigInt(range.from) < BigInt(range.to))
        .map((range) => [range.partition, range]),
    );
    const found = new Set<string>();
    if (ranges.size === 0) return found;

    // A throwaway group that reads the ranges once and commits nothing.
    const consumer = this.kafka.consumer({ groupId: `risk-api-outbox-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: Topic.RiskDecisions });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not read ${Topic.RiskDecisions} within ${SCAN_TIMEOUT_MS} ms`)), SCAN_TIMEOUT_MS);
        const remaining = new Set(ranges.keys());
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const range = ranges.get(batch.partition);
              if (range === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) >= BigInt(range.to)) break;
                const txId = message.key?.toString();
                if (txId !== undefined && wanted.has(txId)) found.add(txId);
                if (BigInt(message.offset) + 1n >= BigInt(range.to)) remaining.delete(batch.partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .then(() => {
            for (const range of ranges.values()) consumer.seek({ topic: Topic.RiskDecisions, partition: range.partition, offset: range.from });
          }, reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found;
  }
}
