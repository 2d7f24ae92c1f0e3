import { randomUUID } from 'node:crypto';

import { Kafka, KafkaMessage } from 'kafkajs';

import { JsonLogger } from '../logging';
import { KafkaProducerService } from './kafka-producer.service';

const SCAN_TIMEOUT_MS = 60_000;
/** A group commit stops taking queued batches once it holds this many entries. */
const MAX_GROUP_ENTRIES = 5_000;

export interface PartitionWatermark {
  partition: number;
  offset: string;
}

/** Where a service keeps what it publishes: stored entries, their acknowledgement, the watermarks. */
export interface OutboxStore<E> {
  /** Stored entries whose publication was never recorded. */
  findUnpublished(): Promise<E[]>;
  /** Records the entries as in Kafka, and per partition the offset their send began at. */
  markPublished(entries: E[], watermarks: PartitionWatermark[]): Promise<void>;
  /** Per partition, an offset at or before anything sent but not recorded. */
  publishWatermarks(): Promise<Map<number, string>>;
}

/** How entries become records of the topic, and what identifies one in both places. */
export interface OutboxFormat<E> {
  topic: string;
  identity(entry: E): string;
  record(entry: E): { key: string; value: string };
  /** The identity a record read back from the topic carries (undefined: not one of ours). */
  identityOf(message: KafkaMessage): string | undefined;
}

export interface TopicOutboxOptions<E> {
  kafka: Kafka;
  producer: KafkaProducerService;
  logger: JsonLogger;
  store: OutboxStore<E>;
  format: OutboxFormat<E>;
  /** Names the throwaway consumer groups of recovery scans (`<prefix>-<uuid>`). */
  scanGroupPrefix: string;
}

/**
 * Publishes stored entries to a topic exactly once each. Sends run one at a time, each followed by
 * recording its acknowledgement and, per partition, the offset the send began at (the watermark);
 * the batches that queued meanwhile go together in the next send (a group commit), so a busy
 * service pays one round trip and one acknowledgement write for many batches.
 * A send whose acknowledgement was not recorded (the process died, or the send failed) may or may
 * not be in Kafka: before anything else is sent, recovery reads the topic from the watermarks and
 * publishes only the stored, unacknowledged entries it does not find. Because nothing is sent
 * before recovery, the watermarks are never past an unrecorded send. Entries this process is about
 * to publish itself are claimed first (by identity), so recovery leaves them to their batch.
 */
export class TopicOutbox<E> {
  private readonly queue: { entries: E[]; settle: (error?: unknown) => void }[] = [];
  private sending = false;
  private recovered = false;
  private readonly claimed = new Set<string>();

  constructor(private readonly options: TopicOutboxOptions<E>) {}

  /** Call before storing entries this process will publish: recovery must not publish them too. */
  claim(identities: string[]): void {
    for (const identity of identities) this.claimed.add(identity);
  }

  /** The claimed entries will not be published by their batch after all. */
  release(identities: string[]): void {
    for (const identity of identities) this.claimed.delete(identity);
  }

  /** Resolves once every entry is in Kafka and recorded as such; releases the claims. */
  publish(entries: E[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.queue.push({ entries, settle: (error) => (error === undefined ? resolve() : reject(error)) }));
    void this.sendQueued();
    return done.finally(() => this.release(entries.map((entry) => this.options.format.identity(entry))));
  }

  /** Sends what is queued, a group at a time; a failed send fails its group only. */
  private async sendQueued(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, 1);
        let size = group[0].entries.length;
        while (this.queue.length > 0 && size < MAX_GROUP_ENTRIES) {
          size += this.queue[0].entries.length;
          group.push(...this.queue.splice(0, 1));
        }
        const entries = group.flatMap((queued) => queued.entries);
        try {
          if (!this.recovered) await this.recover();
          await this.send(entries, entries);
          for (const queued of group) queued.settle();
        } catch (error) {
          for (const queued of group) queued.settle(error ?? new Error('outbox send failed'));
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** An entry is stored but unacknowledged where this process did not expect it: recover before the next send. */
  expectRecovery(): void {
    this.recovered = false;
  }

  private async send(entries: E[], acknowledged: E[]): Promise<void> {
    const { producer, store, format } = this.options;
    try {
      const records = entries.length === 0 ? [] : await producer.send({ topic: format.topic, messages: entries.map((entry) => format.record(entry)) });
      const watermarks = records.map((record) => ({ partition: record.partition, offset: String(record.baseOffset ?? record.offset) }));
      if (acknowledged.length > 0) await store.markPublished(acknowledged, watermarks);
    } catch (error) {
      this.recovered = false;
      throw error;
    }
  }

  private async recover(): Promise<void> {
    const { store, format, logger } = this.options;
    const pending = (await store.findUnpublished()).filter((entry) => !this.claimed.has(format.identity(entry)));
    if (pending.length > 0) {
      const inKafka = await this.findInKafka(new Set(pending.map((entry) => format.identity(entry))));
      const missing = pending.filter((entry) => !inKafka.has(format.identity(entry)));
      logger.pino.warn({ topic: format.topic, pending: pending.length, alreadyInKafka: inKafka.size, republished: missing.length }, 'recovering unacknowledged publications');
      await this.send(missing, pending);
    }
    this.recovered = true;
  }

  /** The identities among `wanted` found on the topic after the recorded watermarks. */
  private async findInKafka(wanted: Set<string>): Promise<Set<string>> {
    const { kafka, store, format, scanGroupPrefix } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(format.topic).finally(() => admin.disconnect());
    const watermarks = await store.publishWatermarks();
    const ranges = new Map(
      ends
        .map((end) => ({ partition: end.partition, from: watermarks.get(end.partition) ?? end.low, to: end.high }))
        .filter((range) => BigInt(range.from) < BigInt(range.to))
        .map((range) => [range.partition, range]),
    );
    const found = new Set<string>();
    if (ranges.size === 0) return found;

    // A throwaway group that reads the ranges once and commits nothing.
    const consumer = kafka.consumer({ groupId: `${scanGroupPrefix}-${randomUUID()}`, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: format.topic });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`could not read ${format.topic} within ${SCAN_TIMEOUT_MS} ms`)), SCAN_TIMEOUT_MS);
        const remaining = new Set(ranges.keys());
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const range = ranges.get(batch.partition);
              if (range === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) >= BigInt(range.to)) break;
                const identity = format.identityOf(message);
                if (identity !== undefined && wanted.has(identity)) found.add(identity);
                if (BigInt(message.offset) + 1n >= BigInt(range.to)) remaining.delete(batch.partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .then(() => {
            for (const range of ranges.values()) consumer.seek({ topic: format.topic, partition: range.partition, offset: range.from });
          }, reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return found;
  }
}
