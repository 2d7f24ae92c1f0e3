import { parseFlags, UsageError } from '@vigil/platform';

import { SimulationOptions } from './generate';
import { DECOY_NAMES, DecoyName, defaultInstanceCount, PATTERN_NAMES, PatternName } from './patterns';
import { POPULATION_NAMES, PopulationName } from './populations';

/** A bad command line: the CLI prints the message and exits with status 2. */
export { UsageError };

export interface CliOptions {
  simulation: SimulationOptions;
  /** JSONL output file, `-` for stdout; undefined when only streaming to Kafka. */
  out?: string;
  truth?: string;
  kafka?: { brokers: string[]; topic: string; rate: number };
  heartbeat?: string;
  quiet: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run sim:transactions -- [options]

Deterministic bank traffic on the \`transactions\` contract, with labelled AML/fraud patterns.

Population and time
  --population NAME    which bank: first (default, the one the shipped model is trained on) or
                       second (a Polish bank built differently, held out for evaluation)
  --seed N             unsigned 32-bit seed (default 42); same options + seed = same output
  --accounts N         accounts in the bank (default 1000, at least 50)
  --days N             simulated days (default 7)
  --start YYYY-MM-DD   first simulated day, UTC (default 2026-11-01)

Injected patterns
  --patterns SPEC      which patterns and how many instances, e.g. fan-out=3,structuring=5
                       (only those listed are injected; "none" for plain traffic). Names:
                       ${PATTERN_NAMES.join(', ')}
  --intensity X        multiplies the pattern counts (default 1; without --patterns each
                       pattern gets 2 instances per 1000 accounts per 7 days, at least 1)
  --decoys SPEC        benign look-alikes: a count per kind (e.g. 3) or kind=count pairs;
                       default as for patterns. Kinds: ${DECOY_NAMES.join(', ')}

Output (at least one; default --out -)
  --out FILE.jsonl     one contract message per line, in event-time order ("-": stdout)
  --truth FILE         ground truth per txId {txId, pattern, instance, label, role};
                       .jsonl: one record per line, otherwise one JSON array
  --kafka BROKERS      stream to Kafka (comma-separated host:port), keyed by originator account
  --topic NAME         Kafka topic (default transactions)
  --rate N             transactions per second to Kafka (default 200; 0 = as fast as possible)
  --heartbeat FILE     rewrite FILE about every second while sending (for container healthchecks)
  --quiet              no progress on stderr
  --help               this text

Examples
  npm run sim:transactions -- --seed 7 --accounts 2000 --days 30 --out tx.jsonl --truth truth.jsonl
  npm run sim:transactions -- --patterns fan-out=3,structuring=5 --decoys 0 --out tx.jsonl
  npm run sim:transactions -- --kafka localhost:9092 --rate 500 --days 2 --intensity 5
  npm run sim:transactions -- --population second --accounts 3000 --days 10 --out pl.jsonl --truth pl-truth.jsonl
`;

const FLAGS = ['population', 'seed', 'accounts', 'days', 'start', 'patterns', 'intensity', 'decoys', 'out', 'truth', 'kafka', 'topic', 'rate', 'heartbeat'] as const;
const SWITCHES = ['quiet', 'help'] as const;

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

function decimal(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value > max) throw new UsageError(`--${name} must be a number from 0 to ${max}, got "${text}"`);
  return value;
}

function counts<N extends string>(flag: string, spec: string, names: readonly N[]): Partial<Record<N, number>> {
  const result: Partial<Record<N, number>> = {};
  if (spec === 'none') return result;
  for (const part of spec.split(',')) {
    const [name, count, extra] = part.split('=');
    if (!(names as readonly string[]).includes(name)) throw new UsageError(`--${flag}: unknown name "${name}"; known: ${names.join(', ')}`);
    if (count === undefined || extra !== undefined) throw new UsageError(`--${flag}: expected name=count, got "${part}"`);
    result[name as N] = integer(flag, count, 0, 10_000);
  }
  return result;
}

/** Parses the command line (without node and the script); throws UsageError on anything wrong. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const { values, switches } = parseFlags(argv, FLAGS, SWITCHES);

  const population = values.get('population') ?? 'first';
  if (!(POPULATION_NAMES as readonly string[]).includes(population)) throw new UsageError(`--population must be one of ${POPULATION_NAMES.join(', ')}, got "${population}"`);

  const seed = integer('seed', values.get('seed') ?? '42', 0, 0xffffffff);
  const accounts = integer('accounts', values.get('accounts') ?? '1000', 50, 5_000_000);
  const days = integer('days', values.get('days') ?? '7', 1, 3660);
  const start = values.get('start') ?? '2026-11-01';
  const instant = Date.parse(`${start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(instant) || new Date(instant).toISOString().slice(0, 10) !== start) {
    throw new UsageError(`--start must be a real date YYYY-MM-DD, got "${start}"`);
  }
  const intensity = decimal('intensity', values.get('intensity') ?? '1', 1000);
  const byDefault = (factor: number): number => defaultInstanceCount(accounts, days, factor);

  const patternSpec = values.get('patterns');
  const listed = patternSpec === undefined ? undefined : counts('patterns', patternSpec, PATTERN_NAMES);
  const patterns: Partial<Record<PatternName, number>> = {};
  for (const name of PATTERN_NAMES) {
    const count = listed ? Math.round((listed[name] ?? 0) * intensity) : byDefault(intensity);
    if (count > 0) patterns[name] = count;
  }

  const decoySpec = values.get('decoys');
  let decoys: Partial<Record<DecoyName, number>> = {};
  if (decoySpec === undefined) for (const name of DECOY_NAMES) decoys[name] = byDefault(1);
  else if (/^\d+$/.test(decoySpec)) for (const name of DECOY_NAMES) decoys[name] = integer('decoys', decoySpec, 0, 10_000);
  else decoys = counts('decoys', decoySpec, DECOY_NAMES);

  const brokers = values.get('kafka');
  const rate = decimal('rate', values.get('rate') ?? '200', 1_000_000);
  if (values.has('rate') && brokers === undefined) throw new UsageError('--rate only applies with --kafka');
  if (values.has('topic') && brokers === undefined) throw new UsageError('--topic only applies with --kafka');
  const topic = values.get('topic') ?? 'transactions';
  if (brokers !== undefined && !brokers.split(',').every((b) => /^[^\s,:]+:\d{1,5}$/.test(b))) throw new UsageError(`--kafka must be host:port[,host:port...], got "${brokers}"`);
  const out = values.get('out') ?? (brokers === undefined ? '-' : undefined);
  const truth = values.get('truth');
  if (truth !== undefined && truth === out) throw new UsageError('--truth and --out must be different files');
  if (truth === '-') throw new UsageError('--truth needs a file name');

  return {
    simulation: { seed, accounts, days, start, patterns, decoys, population: population as PopulationName },
    ...(out !== undefined ? { out } : {}),
    ...(truth !== undefined ? { truth } : {}),
    ...(brokers !== undefined ? { kafka: { brokers: brokers.split(','), topic, rate } } : {}),
    ...(values.has('heartbeat') ? { heartbeat: values.get('heartbeat') as string } : {}),
    quiet: switches.has('quiet'),
    help: switches.has('help'),
  };
}
