import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { InspectionResultMessage, Topic } from '@vigil/contracts';
import { JsonLogger, KafkaProducerService } from '@vigil/platform';
import { Kafka } from 'kafkajs';

import { InspectionRepository } from './inspection.repository';

const SCAN_TIMEOUT_MS = 60_000;

/** A stored inspection to publish: its row id and its message. */
export interface OutboxEntry {
  id: string;
  message: InspectionResultMessage;
}

/** What identifies a result on the topic: a clip is (camera, last seq). */
const clipKey = (message: Pick<InspectionResultMessage, 'cameraId' | 'seqEnd'>): string => `${message.cameraId}\u0000${message.seqEnd}`;

/**
 * Publishes inspections to `inspection.results` (key: camera id), exactly once per stored clip,
 * after they are stored: risk-api's decision outbox, keyed by (cameraId, seqEnd). Sends run one at
 * a time, each followed by recording its acknowledgement and, per partition, the offset the send
 * began at (the watermark). Before anything else is sent, recovery reads the topic from the
 * watermarks and publishes only the stored, unacknowledged results it does not find there.
 * Inspections this process is about to publish itself are claimed first, so recovery leaves them
 * to their batch.
 */
@Injectable()
export class InspectionOutbox {
  private last: Promise<unknown> = Promise.resolve();
  private recovered = false;
  private readonly claimed = new Set<string>();

  constructor(
    private readonly kafka: Kafka,
    private readonly producer: KafkaProducerService,
    private readonly repository: InspectionRepository,
    private readonly logger: JsonLogger,
  ) {}

  /** Call before storing inspections this process will publish: recovery must not publish them too. */
  claim(messages: InspectionResultMessage[]): void {
    for (const message of messages) this.claimed.add(clipKey(message));
  }

  release(messages: InspectionResultMessage[]): void {
    for (const message of messages) this.claimed.delete(clipKey(message));
  }

  /** Resolves once every entry is in Kafka and recorded as such; releases the claims. */
  publish(entries: OutboxEntry[]): Promise<void> {
    const run = this.last.then(async () => {
      if (!this.recovered) await this.recover();
      await this.send(entries, entries);
    });
    this.last = run.catch(() => undefined);
    return run.finally(() => this.release(entries.map((entry) => entry.message)));
  }

  /** A clip is stored but unacknowledged where this process did not expect it: recover before the next send. */
  expectRecovery(): void {
    this.recovered = false;
  }

  private async send(entries: OutboxEntry[], acknowledged: OutboxEntry[]): Promise<void> {
    try {
      const records =
        entries.length === 0
          ? []
          : await this.producer.send({
              topic: Topic.InspectionResults,
              messages: entries.map(({ message }) => ({ key: message.cameraId, value: JSON.stringify(message) })),
            });
      const watermarks = records.map((record) => ({ partition: record.partition, offset: String(record.baseOffset ?? record.offset) }));
      if (acknowledged.length > 0) await this.repository.markPublished(acknowledged.map((entry) => entry.id), watermarks);
    } catch (error) {
      this.recovered = false;
      throw error;
    }
  }

  private async recover(): Promise<void> {
    const pending = (await this.repository.findUnpublished()).filter((entry) => !this.claimed.has(clipKey(entry.message)));
    if (pending.length > 0) {
      const inKafka = await this.findInKafka(new Set(pending.map((entry) => clipKey(entry.message))));
      const missing = pending.filter((entry) => !inKafka.has(clipKey(entry.message)));
      this.logger.pino.warn({ pending: pending.length, alreadyInKafka: inKafka.size, republished: missing.length }, 'recovering unacknowledged inspections');
      await this.send(missing, pending);
    }
    this.recovered = true;
  }

  /** The clip keys among `wanted` found in inspection.results after the recorded watermarks. */
  private async findInKafka(wanted: Set<string>): Promise<Set<string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(Topic.InspectionResults).finally(() => admin.disconnect());
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
    const consumer = this.kafka.consumer({ groupId: `defect-inspector-outbox-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: Topic.InspectionResults });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not read ${Topic.InspectionResults} within ${SCAN_TIMEOUT_MS} ms`)), SCAN_TIMEOUT_MS);
        const remaining = new Set(ranges.keys());
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const range = ranges.get(batch.partition);
              if (range === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) >= BigInt(range.to)) break;
                const key = parsedClipKey(message.value);
                if (key !== undefined && wanted.has(key)) found.add(key);
                if (BigInt(message.offset) + 1n >= BigInt(range.to)) remaining.delete(batch.partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .then(() => {
            for (const range of ranges.values()) consumer.seek({ topic: Topic.InspectionResults, partition: range.partition, offset: range.from });
          }, reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found;
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
