import { DevKafka, devKafkaArgs, parseAck, parseBootstrap } from './dev-kafka';

describe('devKafkaArgs', () => {
  it('passes the broker count and one --topic per topic', () => {
    expect(devKafkaArgs(3, [{ name: 'transactions.dlq', partitions: 3 }, { name: 'camera.frames', partitions: 24 }])).toEqual([
      '--brokers', '3', '--topic', 'transactions.dlq:3', '--topic', 'camera.frames:24',
    ]);
  });

  it.each([0, 65, 1.5, NaN])('refuses %p brokers', (brokers) => {
    expect(() => devKafkaArgs(brokers, [])).toThrow(/brokers must be an integer 1\.\.64/);
  });

  it.each(['', 'a b', 'a:b', 'x'.repeat(250)])('refuses the topic name %p', (name) => {
    expect(() => devKafkaArgs(1, [{ name, partitions: 1 }])).toThrow(/invalid topic name/);
  });

  it.each([0, -1, 2.5])('refuses %p partitions', (partitions) => {
    expect(() => devKafkaArgs(1, [{ name: 't', partitions }])).toThrow(/positive integer partition count/);
  });
});

describe('parseBootstrap', () => {
  it('splits the bootstrap line', () => {
    expect(parseBootstrap('127.0.0.1:4001,127.0.0.1:4002\n')).toEqual(['127.0.0.1:4001', '127.0.0.1:4002']);
  });

  it.each(['', 'ok', 'error bad', '127.0.0.1', 'a:1,b'])('refuses %p', (line) => {
    expect(() => parseBootstrap(line)).toThrow(/unexpected bootstrap line/);
  });
});

describe('parseAck', () => {
  it('reads ok as success and error lines as their reason', () => {
    expect(parseAck('ok')).toBeNull();
    expect(parseAck('error brokerId must be 1..3')).toBe('brokerId must be 1..3');
    expect(parseAck('error')).toBe('unknown error');
    expect(parseAck('okay')).toBe("unexpected reply 'okay'");
  });
});

describe('DevKafka.start', () => {
  it('says how to build the launcher when it is missing', async () => {
    await expect(DevKafka.start({ topics: [], binary: '/nonexistent/dev-kafka' })).rejects.toThrow(
      /make -C libs\/devstack\/native.*librdkafka-dev/s,
    );
  });
});
