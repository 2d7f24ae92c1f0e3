import { Consumer, Kafka, KafkaConfig, logLevel, LogEntry, PartitionAssigner, PartitionAssigners, Producer } from 'kafkajs';
import { DevKafka } from '../src/dev-kafka';

// Short timeouts and many quick retries: the cluster is local, and faults last about a second.
function client(kafka: DevKafka, logs: LogEntry[] = []): Kafka {
  const config: KafkaConfig = {
    clientId: 'dev-kafka-spec',
    brokers: kafka.brokers,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 12 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => void logs.push(entry),
  };
  return new Kafka(config);
}

/**
 * The mock completes a group's sync as soon as the leader's SyncGroup arrives, and answers a
 * follower's later SyncGroup with INVALID_REQUEST, which stops a kafkajs consumer for good. So the
 * leader hands in its assignment a moment late, after the followers have sent theirs.
 */
const lateLeaderRoundRobin: PartitionAssigner = (config) => {
  const assigner = PartitionAssigners.roundRobin(config);
  return {
    ...assigner,
    assign: async (group) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return assigner.assign(group);
    },
  };
};

function consumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({
    groupId,
    partitionAssigners: [lateLeaderRoundRobin],
    allowAutoTopicCreation: false,
    sessionTimeout: 6_000,
    rebalanceTimeout: 6_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
  });
}

// Commit after every batch, leaving a group rejoin as little as possible to replay.
async function collect(c: Consumer, into: string[]): Promise<void> {
  await c.run({ autoCommitThreshold: 1, eachMessage: async ({ message }) => void into.push(message.value!.toString()) });
}

async function waitFor(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('DevKafka', () => {
  const started: DevKafka[] = [];
  const clients: Array<Producer | Consumer> = [];
  async function start(...args: Parameters<typeof DevKafka.start>): Promise<DevKafka> {
    const kafka = await DevKafka.start(...args);
    started.push(kafka);
    return kafka;
  }
  async function connected<T extends Producer | Consumer>(c: T): Promise<T> {
    clients.push(c);
    await c.connect();
    return c;
  }
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.disconnect()));
    await Promise.all(started.splice(0).map((k) => k.stop()));
  });

  it('splits 6 partitions across a two-member group and delivers every message once', async () => {
    const dev = await start({ brokers: 3, topics: [{ name: 'orders', partitions: 6 }] });
    expect(dev.brokers).toHaveLength(3);
    const kafka = client(dev);

    const assigned = new Map<string, number[]>();
    const received: Array<{ member: string; partition: number; value: string }> = [];
    // Both join at once, inside the mock's 3 s initial rebalance delay: one generation, no rebalance.
    await Promise.all(
      ['a', 'b'].map(async (member) => {
        const c = await connected(consumer(kafka, 'orders-group'));
        c.on(c.events.GROUP_JOIN, (e) => assigned.set(member, e.payload.memberAssignment['orders'] ?? []));
        await c.subscribe({ topic: 'orders', fromBeginning: true });
        await c.run({
          autoCommitThreshold: 1,
          eachMessage: async ({ partition, message }) => {
            received.push({ member, partition, value: message.value!.toString() });
          },
        });
      }),
    );
    // Produce only once the group is stable, so no rebalance can replay a message.
    const allPartitions = () => [...assigned.values()].flat().sort((x, y) => x - y);
    await waitFor('both members to share all partitions', () => assigned.size === 2 && allPartitions().join() === '0,1,2,3,4,5');

    const producer = await connected(kafka.producer({ allowAutoTopicCreation: false }));
    const sent = range(600).map((i) => `order-${i}`);
    const results = await producer.send({ topic: 'orders', messages: sent.map((value) => ({ key: value, value })) });
    expect(new Set(results.map((r) => r.partition))).toEqual(new Set(range(6)));

    await waitFor('600 messages', () => received.length >= sent.length);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
    expect(received.map((r) => r.value).sort()).toEqual([...sent].sort());
    for (const member of ['a', 'b']) {
      const mine = received.filter((r) => r.member === member);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((r) => assigned.get(member)!.includes(r.partition))).toBe(true);
    }
  });

  describe('with broker 1 leading partition 0 of 3', () => {
    const topic = 'payments';
    const batch = (from: number) => range(30, from).map((i) => ({ partition: i % 3, value: `pay-${i}` }));
    const values = (n: number) => range(n).map((i) => `pay-${i}`);

    async function cluster(): Promise<{ dev: DevKafka; kafka: Kafka; logs: LogEntry[] }> {
      const dev = await start({ brokers: 3, topics: [{ name: topic, partitions: 3 }] });
      await Promise.all(range(3).map((p) => dev.setLeader(topic, p, p + 1)));
      await dev.setGroupCoordinator('payments-group', 3); // the group never depends on broker 1
      const logs: LogEntry[] = [];
      return { dev, kafka: client(dev, logs), logs };
    }

    async function consumeAll(kafka: Kafka, received: string[]): Promise<void> {
      const c = await connected(consumer(kafka, 'payments-group'));
      let joined = false;
      c.on(c.events.GROUP_JOIN, () => (joined = true));
      await c.subscribe({ topic, fromBeginning: true });
      await collect(c, received);
      await waitFor('the consumer to join', () => joined);
    }

    it('keeps producing and consuming while the broker is down', async () => {
      const { dev, kafka, logs } = await cluster();
      const received: string[] = [];
      await consumeAll(kafka, received);
      const producer = await connected(kafka.producer({ allowAutoTopicCreation: false }));
      await producer.send({ topic, messages: batch(0) });
      await waitFor('the first 30 messages', () => received.length >= 30);

      // Leaders do not move: sends to partition 0 retry until broker 1 is back.
      await dev.brokerDown(1);
      const during = producer.send({ topic, messages: batch(30) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await dev.brokerUp(1);
      await during;

      await waitFor('60 messages', () => received.length >= 60);
      await new Promise((resolve) => setTimeout(resolve, 500)); // room for a duplicate to show up
      expect([...received].sort()).toEqual(values(60).sort());
      expect(logs.some((l) => /Failed to send messages: .*ECONNREFUSED/.test(l.log.message))).toBe(true);
    });

    it('fails partition 0 over to broker 2 and works without broker 1', async () => {
      const { dev, kafka, logs } = await cluster();
      const producer = await connected(kafka.producer({ allowAutoTopicCreation: false }));
      await producer.send({ topic, messages: batch(0) });

      await dev.brokerDown(1);
      await dev.setLeader(topic, 0, 2);
      const [moved] = await producer.send({ topic, messages: [{ partition: 0, value: 'pay-30' }] });
      expect(moved).toMatchObject({ partition: 0, baseOffset: '10' }); // the same log, now on broker 2
      await producer.send({ topic, messages: batch(31).slice(0, 29) });
      expect(logs.some((l) => /Failed to send messages/.test(l.log.message))).toBe(true);

      // A consumer started now never needs broker 1 either. (One that is running when a leader
      // moves rejoins its group, and may replay what it had not committed yet.)
      const received: string[] = [];
      await consumeAll(kafka, received);
      await waitFor('60 messages', () => received.length >= 60);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect([...received].sort()).toEqual(values(60).sort());
    });
  });

  it('injects request errors and delays that kafkajs rides through', async () => {
    const dev = await start({ brokers: 3, topics: [{ name: 'retried', partitions: 1 }] });
    const logs: LogEntry[] = [];
    const kafka = client(dev, logs);
    const producer = await connected(kafka.producer({ allowAutoTopicCreation: false }));
    await producer.send({ topic: 'retried', messages: [{ value: 'warm-up' }] });

    // Produce (ApiKey 0) fails twice with NOT_LEADER_FOR_PARTITION (6), then once with
    // REQUEST_TIMED_OUT (7); the fourth attempt lands.
    const seen = logs.length;
    await dev.pushRequestErrors(0, [6, 6, 7]);
    await producer.send({ topic: 'retried', messages: [{ value: 'survivor' }] });
    const failures = logs.slice(seen).filter((l) => /Failed to send messages/.test(l.log.message));
    expect(failures.map((l) => l.log.message)).toEqual([
      expect.stringMatching(/not the leader/),
      expect.stringMatching(/not the leader/),
      expect.stringMatching(/timed out/),
    ]);

    // Slow brokers only slow things down.
    await Promise.all([1, 2, 3].map((id) => dev.setRtt(id, 300)));
    const sentAt = Date.now();
    await producer.send({ topic: 'retried', messages: [{ value: 'slow' }] });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(290);
    await Promise.all([1, 2, 3].map((id) => dev.setRtt(id, 0)));

    const received: string[] = [];
    const c = await connected(consumer(kafka, 'retried-group'));
    await c.subscribe({ topic: 'retried', fromBeginning: true });
    await collect(c, received);
    await waitFor('three messages', () => received.length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual(['warm-up', 'survivor', 'slow']);
  });

  it('answers bad commands with an error and leaves no process behind', async () => {
    const dev = await start({ brokers: 1, topics: [] });
    await expect(dev.brokerDown(2)).rejects.toThrow(/brokerId must be 1\.\.1/);
    await expect(dev.command('nonsense')).rejects.toThrow(/unknown command/);
    await dev.setRtt(1, 5); // the queue still works after errors

    const pid = dev.pid;
    expect(() => process.kill(pid, 0)).not.toThrow();
    await Promise.all([dev.stop(), dev.stop()]);
    await dev.stop();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    await expect(dev.brokerUp(1)).rejects.toThrow(/stopped/);
  });

  it('reports a launcher that exits before printing the bootstrap list', async () => {
    // Node itself stands in for it: it rejects `--brokers` and exits 9.
    await expect(DevKafka.start({ topics: [], binary: process.execPath })).rejects.toThrow(/exited with code 9:\n.*--brokers/s);
  });
});
