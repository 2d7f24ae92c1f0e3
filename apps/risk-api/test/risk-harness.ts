import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TOPIC_SPECS, Topic } from '@vigil/contracts';
import { createTestDatabase, DevKafka, readTopic, TestDatabase } from '@vigil/devstack';
import { migrateUp } from '@vigil/migrations';
import { loadEnv } from '@vigil/platform';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import pino from 'pino';

import { RiskApiModule } from '../src/app.module';
import { RiskApiEnv } from '../src/config/env';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123';

/** A transactions message as outside producers write it (the wire contract). */
export interface TransactionMessage {
  txId: string;
  ts: string;
  amount: string;
  currency: string;
  type: string;
  channel: string;
  originator: { account: string; customer: string; country: string; bank: string };
  beneficiary: { account: string; customer?: string; country: string; bank: string };
  merchant?: { id: string; mcc: string };
  device?: { id: string; ip: string };
}

/**
 * risk-api against the real local Postgres and a development broker: the app in-process for the
 * fast tests, or just the infrastructure for tests that run the service as a process.
 */
export class RiskHarness {
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

  static async start(): Promise<RiskHarness> {
    const kafka = await DevKafka.start({ brokers: 1, topics: [...TOPIC_SPECS] });
    const database = await createTestDatabase('risk');
    await migrateUp({ url: database.url });
    const db = new Client({ connectionString: database.url });
    await db.connect();
    return new RiskHarness(kafka, database, db);
  }

  get env(): Record<string, string> {
    return { DATABASE_URL: this.database.url, KAFKA_BROKERS: this.kafka.brokers.join(','), JWT_SECRET, KAFKA_SESSION_TIMEOUT_MS: '6000' };
  }

  /** The service in-process; `extraEnv` adds to or overrides the harness's variables (e.g. MODELS_DIR). */
  async startApp(extraEnv: Record<string, string> = {}): Promise<INestApplication> {
    const env = loadEnv(RiskApiEnv, { ...this.env, ...extraEnv });
    const moduleRef = await Test.createTestingModule({ imports: [RiskApiModule.forRoot(env, pino({ level: 'silent' }))] }).compile();
    this.app = moduleRef.createNestApplication({ logger: false });
    await this.app.init();
    return this.app;
  }

  async send(messages: { key: string | null; value: string | Buffer }[]): Promise<void> {
    if (this.producer === undefined) {
      this.producer = this.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await this.producer.connect();
    }
    await this.producer.send({ topic: Topic.Transactions, messages });
  }

  sendTransactions(transactions: TransactionMessage[]): Promise<void> {
    return this.send(transactions.map((tx) => ({ key: tx.originator.account, value: JSON.stringify(tx) })));
  }

  /** Waits until every txId has a stored decision. */
  async decided(txIds: string[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "risk"."decision" WHERE "tx_id" = ANY($1)`, [txIds]);
      if (rows[0].n === txIds.length) return;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${txIds.length} transactions were decided in time`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Every message of a topic from its start, once `count` have arrived (or the time is up), values as text. */
  async readTopic(topic: string, count: number, timeoutMs = 60_000): Promise<{ key: string; value: string; headers: Record<string, string> }[]> {
    return (await readTopic(this.client, topic, count, timeoutMs)).map((record) => ({ ...record, value: record.value.toString('utf8') }));
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.producer?.disconnect();
    await this.db.end();
    await this.kafka.stop();
    await this.database.drop();
  }
}
