import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { RiskDecisionMessage, Topic } from '@vigil/contracts';
import { JsonLogger, KafkaProducerService } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { DecisionRepository } from './decision.repository';

const SCAN_TIMEOUT_MS = 60_000;

/**
 * Publishes decisions to `risk.decisions` (key: txId), exactly once per decision, after they are
 * stored. Sends run one at a time, each followed by recording its acknowledgement and, per
 * partition, the offset the send began at (the watermark). A send whose acknowledgement was not
 * recorded (the process died, or the send failed) may or may not be in Kafka: before anything
 * else is sent, recovery reads `risk.decisions` from the watermarks and publishes only the stored,
 * unacknowledged decisions it does not find. Because nothing is sent before recovery, the
 * watermarks are never past an unrecorded send. Decisions this process is about to publish itself
 * are claimed first, so recovery leaves them to their batch.
 */
@Injectable()
export class DecisionOutbox {
  private last: Promise<unknown> = Promise.resolve();
  private recovered = false;
  private readonly claimed = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: KafkaProducerService,
    private readonly repository: DecisionRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** Call before storing decisions this process will publish: recovery must not publish them too. */
  claim(txIds: string[]): void {
    for (const txId of txIds) this.claimed.add(txId);
  }

  /** The claimed decisions will not be published by their batch after all (it failed). */
  release(txIds: string[]): void {
    for (const txId of txIds) this.claimed.delete(txId);
  }

  /** Resolves once every (claimed) decision is in Kafka and recorded as such; releases the claims. */
  publish(decisions: RiskDecisionMessage[]): Promise<void> {
    const run = this.last.then(async () => {
      if (!this.recovered) await this.recover();
      await this.send(decisions, decisions);
    });
    this.last = run.catch(() => undefined);
    return run.finally(() => this.release(decisions.map((decision) => decision.txId)));
  }

  /** A decision is stored but unacknowledged where this process did not expect it: recover before the next send. */
  expectRecovery(): void {
    this.recovered = false;
  }

  private async send(decisions: RiskDecisionMessage[], acknowledged: RiskDecisionMessage[]): Promise<void> {
    try {
      const records =
        decisions.length === 0
          ? []
          : await this.producer.send({
              topic: Topic.RiskDecisions,
              messages: decisions.map((decision) => ({ key: decision.txId, value: JSON.stringify(decision) })),
            });
      const watermarks = records.map((record) => ({ partition: record.partition, offset: String(record.baseOffset ?? record.offset) }));
      if (acknowledged.length > 0) await this.repository.markPublished(acknowledged.map((decision) => decision.txId), watermarks);
    } catch (error) {
      this.recovered = false;
      throw error;
    }
  }

  private async recover(): Promise<void> {
    const pending = (await this.repository.findUnpublished()).filter((decision) => !this.claimed.has(decision.txId));
    if (pending.length > 0) {
      const inKafka = await this.findInKafka(new Set(pending.map((decision) => decision.txId)));
      const missing = pending.filter((decision) => !inKafka.has(decision.txId));
      this.logger.pino.warn({ pending: pending.length, alreadyInKafka: inKafka.size, republished: missing.length }, 'recovering unacknowledged decisions');
      await this.send(missing, pending);
    }
    this.recovered = true;
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
