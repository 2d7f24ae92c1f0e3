import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TOPIC_SPECS, Topic } from '@vigil/contracts';
import { ModelRegistry, pgDatabase, seedShippedModels } from '@vigil/core-ml';
import { createTestDatabase, DevKafka, readTopic, TestDatabase, TopicRecord } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { loadEnv, MetricsService } from '@vigil/platform';
import { Admin, Kafka, logLevel, Message, Partitioners, Producer } from 'kafkajs';
import { Client, Pool } from 'pg';
import pino from 'pino';

// The model seed `npm start` runs (core-ml does not export it from its index).
import { DefectInspectorModule } from '../src/app.module';
import { DefectInspectorEnv } from '../src/config/env';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
export const GROUP_ID = 'defect-inspector';

/**
 * defect-inspector in-process against the real local Postgres and the development broker, with the
 * repository's shipped models registered by the model seed (as `npm start` does).
 */
export class InspectionHarness {
  readonly client: Kafka;
  private producer?: Producer;
  app?: INestApplication;

  private constructor(
    readonly kafka: DevKafka,
    readonly database: TestDatabase,
    readonly db: Client,
  ) {
    this.client = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  }

  static async start(): Promise<InspectionHarness> {
    const kafka = await DevKafka.start({ brokers: 1, topics: [...TOPIC_SPECS] });
    const database = await createTestDatabase('defect');
    await migrateUp({ url: database.url });
    const pool = new Pool({ connectionString: database.url, max: 2 });
    try {
      await seedShippedModels(new ModelRegistry({ db: pgDatabase(pool) }), { username: 'test' });
    } finally {
      await pool.end();
    }
    const db = new Client({ connectionString: database.url });
    await db.connect();
    return new InspectionHarness(kafka, database, db);
  }

  /** The service in-process, consuming as `groupId` (a new group reads camera.frames from its start), with `vars` over the test defaults. */
  async startApp(groupId = GROUP_ID, vars: Record<string, string> = {}): Promise<INestApplication> {
    const env = loadEnv(DefectInspectorEnv, { DATABASE_URL: this.database.url, KAFKA_BROKERS: this.kafka.brokers.join(','), JWT_SECRET, KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_GROUP_ID: groupId, ...vars });
    const moduleRef = await Test.createTestingModule({ imports: [DefectInspectorModule.forRoot(env, pino({ level: 'silent' }))] }).compile();
    this.app = moduleRef.createNestApplication({ logger: false });
    await this.app.init();
    return this.app;
  }

  async stopApp(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }

  /** A metric of the running app, summed over its label sets matching `labels`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.app?.get(MetricsService).registry.getSingleMetric(name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
  }

  async send(messages: Message[]): Promise<void> {
    if (this.producer === undefined) {
      this.producer = this.client.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    // In send order, in batches the broker takes (frames are ~19 KB).
    for (let start = 0; start < messages.length; start += 40) await this.producer.send({ topic: Topic.CameraFrames, messages: messages.slice(start, start + 40) });
  }

  /** Waits until `sql` (a count) reaches `count`. */
  async waitForCount(sql: string, count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.db.query<{ n: number }>(sql);
      if (rows[0].n >= count) return;
      if (Date.now() > deadline) throw new Error(`waited for ${count}, got ${rows[0].n}: ${sql}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Waits until the service stored its cursor (and camera counts) up to the end of every camera.frames
   * partition: a batch that completes no clip is stored with a later one or by itself within cursorFlushMs.
   */
  async stored(timeoutMs = 30_000): Promise<void> {
    await this.untilNoPartitionBehind(
      async (admin) => {
        const ends = await admin.fetchTopicOffsets(Topic.CameraFrames);
        const { rows } = await this.db.query<{ partition: number; counted_to: string }>(`SELECT "partition", "counted_to" FROM "defect"."frame_cursor"`);
        const countedTo = new Map(rows.map((row) => [row.partition, String(row.counted_to)]));
        return ends.filter((p) => BigInt(p.high) > BigInt(p.low) && countedTo.get(p.partition) !== p.high).map((p) => p.partition);
      },
      (behind) => `cursors not stored to the end of partitions ${behind.join(', ')}`,
      timeoutMs,
      100,
    );
  }

  /** Waits until the service's group has committed every camera.frames message. */
  async caughtUp(groupId = GROUP_ID, timeoutMs = 60_000): Promise<void> {
    await this.untilNoPartitionBehind(
      async (admin) => {
        const ends = await admin.fetchTopicOffsets(Topic.CameraFrames);
        const [committed] = await admin.fetchOffsets({ groupId, topics: [Topic.CameraFrames] });
        return ends
          .filter((end) => {
            const at = committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
            return BigInt(end.high) > BigInt(end.low) && BigInt(at) < BigInt(end.high);
          })
          .map((end) => end.partition);
      },
      (behind) => `camera.frames partitions ${behind.join(', ')} are not consumed`,
      timeoutMs,
      200,
    );
  }

  /** Polls `behind` (the camera.frames partitions not there yet) until it finds none; throws `describe(behind)` past the deadline. */
  private async untilNoPartitionBehind(behind: (admin: Admin) => Promise<number[]>, describe: (partitions: number[]) => string, timeoutMs: number, pollMs: number): Promise<void> {
    const admin = this.client.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const partitions = await behind(admin);
        if (partitions.length === 0) return;
        if (Date.now() > deadline) throw new Error(describe(partitions));
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    } finally {
      await admin.disconnect();
    }
  }

  readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<TopicRecord[]> {
    return readTopic(this.client, topic, count, timeoutMs);
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.producer?.disconnect();
    await this.db.end();
    await this.kafka.stop();
    await this.database.drop();
  }
}
