#!/usr/bin/env node
import { HeartbeatFile, Progress } from '@vigil/platform';

import { frameCount, simulate, truth } from './generate';
import { CliOptions, parseArgs, USAGE, UsageError } from './options';
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

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sim:cameras: ${error.message}\nRun with --help for the usage.\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  const count = await run(options, () => stop);
  if (!options.quiet) process.stderr.write(`sim:cameras: ${count} frames${stop ? ' (interrupted)' : ''}${options.truth ? `, truth in ${options.truth}` : ''}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`sim:cameras: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
}
