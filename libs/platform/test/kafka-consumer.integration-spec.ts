import { INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createTestDatabase, DevKafka, TestDatabase } from '@vigil/devstack';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';

import { DeadLetterError, InboundMessage, loadEnv, MetricsService, OnMessage, PlatformEnv, PlatformModule, SERVICE_ROLES } from '../src';

const TOPIC = 'orders';

/** Stands in for a service's durable store: what each handler call saw, across app restarts. */
const store = { handled: [] as string[], calls: [] as string[], failOnce: new Set<string>(), delayMs: 0 };

@Injectable()
class OrdersConsumer {
  @OnMessage(TOPIC)
  async onOrder(message: InboundMessage) {
    const value = message.value?.toString() ?? '';
    store.calls.push(value);
    if (value.startsWith('poison')) throw new DeadLetterError('INVALID_ORDER', `order ${value} is not valid`);
    if (store.failOnce.delete(value)) throw new Error('database briefly unavailable');
    if (store.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, store.delayMs));
    store.handled.push(value);
  }
}

@Module({ providers: [OrdersConsumer] })
class OrdersModule {}

describe('Kafka consumption (PlatformModule)', () => {
  let kafka: DevKafka;
  let database: TestDatabase;
  let client: Kafka;
  let groupCount = 0;

  async function startApp(groupId: string): Promise<INestApplication> {
    const env = loadEnv(PlatformEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_GROUP_ID: groupId, KAFKA_SESSION_TIMEOUT_MS: '6000', JWT_SECRET: 'x'.repeat(32) });
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot({ service: 'test', env, logger: pino({ level: 'silent' }), consumedTopics: [TOPIC], entities: [], schema: 'risk', roles: SERVICE_ROLES.risk }), OrdersModule],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  async function produce(values: string[]) {
    const producer = client.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: values.map((value) => ({ key: 'k', value })) });
    await producer.disconnect();
  }

  async function until(condition: () => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out; handled: ${store.handled.join(',')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function readDeadLetters(count: number) {
    const consumer = client.consumer({ groupId: `dlq-reader-${groupCount++}` });
    const received: { value: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${TOPIC}.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        received.push({ value: message.value?.toString() ?? '', headers });
      },
    });
    await until(() => received.length >= count);
    await consumer.disconnect();
    return received;
  }

  beforeAll(async () => {
    kafka = await DevKafka.start({ brokers: 1, topics: [{ name: TOPIC, partitions: 1 }, { name: `${TOPIC}.dlq`, partitions: 1 }] });
    database = await createTestDatabase('kafka');
    client = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    await kafka?.stop();
    await database?.drop();
  });

  beforeEach(() => {
    Object.assign(store, { handled: [], calls: [], failOnce: new Set<string>(), delayMs: 0 });
  });

  it('hands every message to its handler once, dead-letters contract breaks with the reason, and retries transient failures', async () => {
    store.failOnce.add('b');
    const app = await startApp(`group-${groupCount++}`);
    try {
      await produce(['a', 'poison-1', 'b', 'c', 'poison-2', 'd']);

      await until(() => store.handled.length === 4);
      const deadLetters = await readDeadLetters(2);

      expect(store.handled).toEqual(['a', 'b', 'c', 'd']);
      expect(store.calls.filter((v) => v === 'a')).toHaveLength(1); // the retry resumed after 'a'
      expect(store.calls.filter((v) => v === 'b')).toHaveLength(2); // failed once, then succeeded
      expect(deadLetters.map((d) => d.value)).toEqual(['poison-1', 'poison-2']);
      expect(deadLetters[0].headers).toMatchObject({
        'error-code': 'INVALID_ORDER',
        'error-message': 'order poison-1 is not valid',
        'source-topic': TOPIC,
        'source-partition': '0',
        'source-offset': '1',
      });
      const metrics = await app.get(MetricsService).registry.getSingleMetricAsString('kafka_messages_dead_lettered_total');
      expect(metrics).toMatch(/kafka_messages_dead_lettered_total\{topic="orders",code="INVALID_ORDER",service="test"\} 2/);
    } finally {
      await app.close();
    }
  });

  it('on shutdown finishes the message in flight, commits, and a restart resumes exactly where it stopped', async () => {
    const groupId = `group-${groupCount++}`;
    const values = Array.from({ length: 20 }, (_, i) => `m${i}`);
    store.delayMs = 100;
    const first = await startApp(groupId);
    await produce(values);
    await until(() => store.handled.includes('m3'));

    await first.close();
    const handledBeforeRestart = store.handled.length;
    const callsBeforeRestart = store.calls.filter((v) => !v.startsWith('poison')).length;
    store.delayMs = 0;
    const second = await startApp(groupId);
    try {
      await until(() => store.handled.length === values.length + 4);
    } finally {
      await second.close();
    }

    expect(handledBeforeRestart).toBe(callsBeforeRestart); // nothing was cut off mid-handler
    expect(handledBeforeRestart).toBeLessThan(values.length);
    // A new group reads the topic from its start: the first test's messages, then these, each once, in order.
    expect(store.handled).toEqual(['a', 'b', 'c', 'd', ...values]);
  });
});
