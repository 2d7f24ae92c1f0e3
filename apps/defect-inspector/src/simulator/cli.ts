#!/usr/bin/env node
import { HeartbeatFile, Progress, runCli } from '@vigil/platform';

import { frameCount, simulate, truth } from './generate';
import { CliOptions, parseArgs, USAGE } from './options';
import { DirectorySink, KafkaSink, Sink, writeTruth } from './sinks';

/** Runs the simulator with parsed options; resolves with the number of frames sent. */
export async function run(options: CliOptions, stopped: () => boolean = () => false): Promise<number> {
  const sim = options.simulation;
  if (options.truth !== undefined) await writeTruth(options.truth, truth(sim));
  const sinks: Sink[] = [];
  const heartbeat = options.heartbeat === undefined ? undefined : new HeartbeatFile(options.heartbeat);
  try {
    if (options.out !== undefined) sinks.push(new DirectorySink(options.out));
    if (options.kafka) sinks.push(await KafkaSink.connect(options.kafka.brokers, options.kafka.topic, options.kafka.pace));
    if (sinks.length === 0) return 0;
    const progress = options.quiet ? undefined : new Progress(process.stderr, { command: 'sim:cameras', unit: 'frames' });
    const ticks = frameCount(sim);
    let count = 0;
    for (const frame of simulate(sim)) {
      if (stopped()) break;
      for (const sink of sinks) await sink.write(frame);
      heartbeat?.beat();
      count++;
      if (progress && count % 16 === 0) progress.update((frame.tick + 1) / ticks, count);
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
    command: 'sim:cameras',
    usage: USAGE,
    parse: parseArgs,
    run: async (options, stopped) => {
      const count = await run(options, stopped);
      return options.quiet ? undefined : `${count} frames${stopped() ? ' (interrupted)' : ''}${options.truth ? `, truth in ${options.truth}` : ''}`;
    },
  });
}
