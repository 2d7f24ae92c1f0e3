import { setTimeout as sleep } from 'node:timers/promises';

import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';

import { Correlation, JsonLogger } from '../logging';
import { MetricsService } from '../metrics';
import { DeadLetterPublisher } from './dead-letter.publisher';
import { correlationIdOfChunk, toInboundMessage } from './inbound-message';
import { MessageHandlerRegistry, TopicHandler } from './message-handler.registry';

export const KAFKA_CONSUMER_OPTIONS = Symbol('KAFKA_CONSUMER_OPTIONS');

export interface KafkaConsumerOptions {
  groupId: string;
  /** Topics this service consumes; each needs exactly one `@OnMessage` handler. */
  topics: readonly string[];
  partitionsConsumedConcurrently: number;
  sessionTimeoutMs: number;
  fetchMaxWaitMs: number;
}

/**
 * Runs the service's consumer group. Messages of a partition are handled in order, one at a time
 * or in batches; an offset is committed only after its handler resolved (its effects are durable)
 * and the dead letters it asked for were acknowledged. A handler's transient failure commits what
 * went before and retries the rest.
 *
 * Commits go out behind the fetch loop, one request for every partition's latest handled offset:
 * a broker that answers commits slowly then delays no fetch. A commit that never went out (a crash)
 * only means redelivery, which every handler already tolerates.
 */
@Injectable()
export class KafkaConsumerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: Consumer;
  private handlers = new Map<string, TopicHandler>();
  private stopping = false;
  private started?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stopped = new AbortController();
  /** Per partition, the next offset to commit that no commit request carried yet. */
  private readonly toCommit = new Map<string, { topic: string; partition: number; offset: string }>();
  private committing?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    @Inject(KAFKA_CONSUMER_OPTIONS) private readonly options: KafkaConsumerOptions,
    private readonly registry: MessageHandlerRegistry,
    private readonly deadLetters: DeadLetterPublisher,
    private readonly metrics: MetricsService,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationBootstrap() {
    this.handlers = this.registry.resolve(this.options.topics);
    if (this.handlers.size === 0) return;
    // Connecting must not hold up the HTTP server: readiness reports Kafka until it is reachable.
    this.started = this.startWithRetry();
  }

  private async startWithRetry() {
    for (let attempt = 1; !this.stopping; attempt++) {
      const { groupId, sessionTimeoutMs } = this.options;
      const consumer = this.kafka.consumer({
        groupId,
        sessionTimeout: sessionTimeoutMs,
        heartbeatInterval: Math.floor(sessionTimeoutMs / 10),
        // The Java client's fetch.max.wait.ms: also bounds how long a shutdown waits for an idle fetch.
        maxWaitTimeInMs: this.options.fetchMaxWaitMs,
        allowAutoTopicCreation: false,
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [...this.handlers.keys()], fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
          eachBatch: (payload) => this.track(this.handleBatch(payload)),
        });
        this.consumer = consumer;
        this.logger.pino.info({ topics: [...this.handlers.keys()], groupId: this.options.groupId }, 'consuming');
        return;
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        this.logger.pino.warn({ err: error, attempt }, 'kafka consumer could not start; retrying');
        await sleep(Math.min(1_000 * attempt, 10_000), undefined, { signal: this.stopped.signal }).catch(() => undefined);
      }
    }
  }

  /** kafkajs may leave its group before a batch handler returns; shutdown waits for these itself. */
  private async track(batch: Promise<void>): Promise<void> {
    this.inFlight.add(batch);
    try {
      await batch;
    } finally {
      this.inFlight.delete(batch);
    }
  }

  private async handleBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const handler = this.handlers.get(batch.topic);
    if (handler === undefined) throw new Error(`no handler for topic ${batch.topic}`);
    let lastDone: string | undefined;
    try {
      for (let start = 0; start < batch.messages.length; start += handler.maxBatchSize) {
        if (this.stopping || !isRunning() || isStale()) break;
        const chunk = batch.messages.slice(start, start + handler.maxBatchSize).map((raw) => toInboundMessage(batch.topic, batch.partition, raw));
        await Correlation.run(correlationIdOfChunk(chunk), async () => {
          const rejected = await handler.handle(chunk);
          for (const { message, error } of rejected) {
            this.logger.pino.warn({ kafka: { partition: message.partition, offset: message.offset }, code: error.code, reason: error.message }, 'dead-lettered');
          }
          await this.deadLetters.publish(rejected);
          this.metrics.kafkaConsumed.inc({ topic: batch.topic }, chunk.length - rejected.length);
        });
        lastDone = chunk[chunk.length - 1].offset;
        resolveOffset(lastDone);
        await heartbeat();
      }
    } catch (error) {
      this.metrics.kafkaHandlerFailures.inc({ topic: batch.topic });
      this.logger.pino.error({ err: error, kafka: { topic: batch.topic, partition: batch.partition } }, 'handler failed; the batch will be retried');
      if (lastDone !== undefined) this.commit(batch.topic, batch.partition, lastDone);
      throw error;
    }
    if (lastDone !== undefined) this.commit(batch.topic, batch.partition, lastDone);
  }

  /** Commits up to and including `offset`, with the next commit request. */
  private commit(topic: string, partition: number, offset: string): void {
    this.toCommit.set(`${topic}\u0000${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    this.committing ??= this.sendCommits();
  }

  /** One request at a time, each carrying every partition's latest offset, until none is left. */
  private async sendCommits(): Promise<void> {
    try {
      // The fetch's other partitions finish their batches in the same turn: one request for all.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.toCommit.size > 0) {
        const offsets = [...this.toCommit.values()];
        this.toCommit.clear();
        await this.consumer?.commitOffsets(offsets).catch((error: unknown) => this.logger.pino.warn({ err: error, offsets }, 'offset commit failed; those messages may be delivered again'));
      }
    } finally {
      this.committing = undefined;
    }
  }

  /** SIGTERM: finish the message in flight, commit what is done, then leave the group. */
  async beforeApplicationShutdown() {
    this.stopping = true;
    this.stopped.abort();
    await this.started;
    await Promise.allSettled([...this.inFlight]);
    await this.committing;
    // Offsets are committed as batches finish, so a failed goodbye (a broker gone) loses nothing.
    await this.consumer?.disconnect().catch((error: unknown) => this.logger.pino.warn({ err: error }, 'kafka consumer did not leave its group cleanly'));
  }
}
