#!/usr/bin/env node
import { HeartbeatFile, Progress } from '@vigil/platform';

import { DAY } from './model';
import { simulate, startInstant } from './generate';
import { CliOptions, parseArgs, USAGE, UsageError } from './options';
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

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sim:transactions: ${error.message}\nRun with --help for the usage.\n`);
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
  // `... | head`: the reader went away; stop quietly like other Unix tools.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  const count = await run(options, () => stop);
  if (!options.quiet) process.stderr.write(`sim:transactions: ${count} transactions${stop ? ' (interrupted)' : ''}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`sim:transactions: ${(error as Error).message ?? String(error)}\n`);
    process.exit(1);
  });
}
