// verdict-listener.js: bench:inspector's inspection.results consumer, in a process of its own so that
// it keeps the normal priority while the bench's frame producer yields the cores (see yieldCores).
// Each verdict goes to the parent with when it arrived (epoch ms, sub-millisecond), stamped here.
//
//   spawned by inspector.bench.js with an IPC channel: argv = [brokers, topic, fetchMaxWaitMs, heapGrowingPercent]
'use strict';

const { randomBytes } = require('node:crypto');
const { setHeapGrowingPercent } = require('@vigil/platform/dist/app/heap-growth');
const { Kafka, logLevel } = require('kafkajs');

const [brokers, topic, maxWait, heapGrowingPercent] = process.argv.slice(2);
setHeapGrowingPercent(Number(heapGrowingPercent));

async function main() {
  const client = new Kafka({ clientId: 'bench-inspector-verdicts', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = client.consumer({ groupId: `bench-results-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: Number(maxWait) });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => process.send({ kind: 'ready' }));
  await consumer.run({
    // A throwaway group that reads from the start: committing would only slow its fetches.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const at = performance.timeOrigin + performance.now();
      const results = batch.messages.map((message) => JSON.parse(message.value.toString()));
      process.send({ kind: 'verdicts', at, results });
    },
  });
  process.on('message', (message) => {
    if (message.kind === 'stop') void consumer.disconnect().then(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`verdict listener: ${error.stack ?? error}\n`);
  process.exit(1);
});
