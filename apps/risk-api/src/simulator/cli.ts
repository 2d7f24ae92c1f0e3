#!/usr/bin/env node
import { HeartbeatFile, Progress, runCli } from '@vigil/platform';

import { DAY } from './model';
import { simulate, startInstant } from './generate';
import { CliOptions, parseArgs, USAGE } from './options';
import { JsonlSink, KafkaSink, Sink, TruthSink } from './sinks';

/** Runs the simulator with parsed options; resolves with the number of transactions written. */
export async function run(options: CliOptions, stopped: () => boolean = () => false): Promise<number> {
  const sinks: Sink[] = [];
  const heartbeat = options.heartbeat === undefined ? undefined : new HeartbeatFile(options.heartbeat);
  try {
    if (options.out !== undefined) sinks.push(new JsonlSink(options.out));
    if (options.truth !== undefined) sinks.push(new TruthSink(options.truth));
    if (options.kafka) sinks.push(await KafkaSink.connect(options.kafka.brokers, options.kafka.topic, options.kafka.rate));
    const progress = options.quiet ? undefined : new Progress(process.stderr, { command: 'sim:transactions', unit: 'tx' });
    const from = startInstant(options.simulation.start);
    const span = options.simulation.days * DAY;
    let count = 0;
    for (const tx of simulate(options.simulation)) {
      if (stopped()) break;
      for (const sink of sinks) await sink.write(tx);
      heartbeat?.beat();
      count++;
      if (progress && count % 256 === 0) progress.update((Date.parse(tx.message.ts) - from) / span, count);
    }
    progress?.done(count);
    return count;
  } finally {
    for (const sink of sinks) await sink.close();
    heartbeat?.close();
  }
}

if (require.main === module) {
  runCli({
    command: 'sim:transactions',
    usage: USAGE,
    parse: parseArgs,
    run: async (options, stopped) => {
      const count = await run(options, stopped);
      return options.quiet ? undefined : `${count} transactions${stopped() ? ' (interrupted)' : ''}`;
    },
  });
}
