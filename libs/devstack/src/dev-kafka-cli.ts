#!/usr/bin/env node
/**
 * The development Kafka broker with every contract topic, until Ctrl-C:
 *   node libs/devstack/dist/dev-kafka-cli.js [--brokers N]
 * Prints the bootstrap list on stdout, then takes fault commands on stdin, one a line
 * (`down 1`, `up 1`, `rtt 2 200`, `errors 0 6 6`, `help`, ...), answering each `ok` or `error ...`.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { TOPIC_SPECS } from '@vigil/contracts';

import { DevKafka } from './dev-kafka';

async function main() {
  const { values } = parseArgs({ options: { brokers: { type: 'string', default: '3' } } });
  const brokers = Number(values.brokers);
  if (!Number.isInteger(brokers) || brokers < 1 || brokers > 64) {
    process.stderr.write('usage: dev-kafka-cli [--brokers 1..64]\n');
    process.exit(2);
  }

  const kafka = await DevKafka.start({
    brokers,
    topics: TOPIC_SPECS,
    onLog: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${kafka.brokers.join(',')}\n`);
  process.stderr.write(`topics: ${TOPIC_SPECS.map((t) => `${t.name}:${t.partitions}`).join(' ')}\n`);

  let stopping = false;
  const stop = async () => {
    stopping = true;
    await kafka.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void kafka.exited.then((status) => {
    if (stopping) return;
    process.stderr.write(`dev-kafka ${status}\n`);
    process.exit(1);
  });

  // kafka.command() queues, so the answers come back in the order the lines were typed.
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (!line.trim()) return;
    kafka.command(line.trim()).then(
      () => process.stdout.write('ok\n'),
      (error: Error) => process.stdout.write(`error ${error.message}\n`),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
