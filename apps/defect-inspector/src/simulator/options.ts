import { parseFlags, UsageError } from '@vigil/platform';

import { DEFAULT_JPEG_QUALITY, DEFAULT_START, FORMATS, FrameFormat, SimulationOptions } from './generate';

/** A bad command line: the CLI prints the message and exits with status 2. */
export { UsageError };

export interface CliOptions {
  simulation: SimulationOptions;
  /** Directory for one file per frame plus frames.jsonl. */
  out?: string;
  /** Ground truth JSONL file. */
  truth?: string;
  /** `pace`: send at the capture times (real time at the fps); false: as fast as possible. */
  kafka?: { brokers: string[]; topic: string; pace: boolean };
  heartbeat?: string;
  quiet: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run sim:cameras -- [options]

Deterministic line-camera frames on the \`camera.frames\` contract: a conveyor belt carrying parts,
some with labelled defects (static or visible only over time), with transport faults.

Scene
  --seed N             unsigned 32-bit seed (default 42); same options + seed = same bytes
  --cameras N          cameras (default 2, 1..64), ids CAM-01, CAM-02, ...
  --lines M            production lines (default 1, at most --cameras); cameras round-robin, LINE-1..
  --fps N              frames per second per camera (default 25, 1..100)
  --seconds N          simulated seconds (default 10, up to 86400)
  --start ISO          capture time of seq 0 (default ${DEFAULT_START})
  --width N            frame width, 64..640 (default 160)
  --height N           frame height, 64..480 (default 120)
  --format F           GRAY8 | RGB8 | PNG | JPEG (default GRAY8; PNG is 8-bit RGB, JPEG baseline YCbCr)
  --jpeg-quality Q     with --format JPEG: encoder quality 1..100 (default ${DEFAULT_JPEG_QUALITY})
  --defect-rate P      probability that a part is defective (default 0.2), classes drawn uniformly:
                       scratch, dent, crack, missing-feature, flicker, wobble, slip

Transport faults (probability per frame, default 0)
  --drop P             the frame is lost
  --duplicate P        the frame is sent twice (same seq)
  --reorder P          the frame swaps places with the camera's next frame

Output (at least one)
  --out DIR            one file per frame (<n>-<camera>-<seq>.gray|rgb|png) and frames.jsonl
                       (one line per frame sent: file, key, headers)
  --truth FILE.jsonl   ground truth, one line per part: camera, line, part, seqStart, seqEnd,
                       tsStart, tsEnd, label (OK or class), temporal, bbox, partBbox, complete
  --kafka BROKERS      stream to Kafka (comma-separated host:port), keyed by camera id,
                       paced in real time at the fps
  --topic NAME         Kafka topic (default camera.frames)
  --as-fast-as-possible  with --kafka: no pacing
  --heartbeat FILE     rewrite FILE about every second while sending (for container healthchecks)
  --quiet              no progress on stderr
  --help               this text

Examples
  npm run sim:cameras -- --seed 7 --cameras 4 --lines 2 --seconds 20 --out frames --truth truth.jsonl
  npm run sim:cameras -- --format PNG --width 320 --height 240 --defect-rate 0.5 --out frames
  npm run sim:cameras -- --format JPEG --jpeg-quality 70 --width 640 --height 480 --out frames
  npm run sim:cameras -- --kafka localhost:9092 --fps 100 --drop 0.01 --duplicate 0.01 --reorder 0.02
`;

const FLAGS = ['seed', 'cameras', 'lines', 'fps', 'seconds', 'start', 'width', 'height', 'format', 'jpeg-quality', 'defect-rate', 'drop', 'duplicate', 'reorder', 'out', 'truth', 'kafka', 'topic', 'heartbeat'] as const;
const SWITCHES = ['as-fast-as-possible', 'quiet', 'help'] as const;

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

function decimal(name: string, text: string, min: number, max: number, exclusiveMin = false): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value > max || value < min || (exclusiveMin && value === min)) {
    throw new UsageError(`--${name} must be a number ${exclusiveMin ? 'above' : 'from'} ${min} ${exclusiveMin ? 'up ' : ''}to ${max}, got "${text}"`);
  }
  return value;
}

const probability = (name: string, text: string | undefined, fallback: string): number => decimal(name, text ?? fallback, 0, 1);

/** Parses the command line (without node and the script); throws UsageError on anything wrong. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const { values, switches } = parseFlags(argv, FLAGS, SWITCHES);
  const help = switches.has('help');

  const seed = integer('seed', values.get('seed') ?? '42', 0, 0xffffffff);
  const cameras = integer('cameras', values.get('cameras') ?? '2', 1, 64);
  const lines = integer('lines', values.get('lines') ?? '1', 1, 64);
  if (lines > cameras) throw new UsageError(`--lines (${lines}) cannot exceed --cameras (${cameras})`);
  const fps = integer('fps', values.get('fps') ?? '25', 1, 100);
  const seconds = decimal('seconds', values.get('seconds') ?? '10', 0, 86_400, true);
  const width = integer('width', values.get('width') ?? '160', 64, 640);
  const height = integer('height', values.get('height') ?? '120', 64, 480);
  const format = (values.get('format') ?? 'GRAY8').toUpperCase();
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.get('format')}"`);
  if (values.has('jpeg-quality') && format !== 'JPEG') throw new UsageError('--jpeg-quality only applies with --format JPEG');
  const jpegQuality = format === 'JPEG' ? integer('jpeg-quality', values.get('jpeg-quality') ?? String(DEFAULT_JPEG_QUALITY), 1, 100) : undefined;
  const start = values.get('start') ?? '2026-11-22T08:00:00Z';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(start) || Number.isNaN(Date.parse(start))) {
    throw new UsageError(`--start must be an ISO-8601 instant with a zone, e.g. 2026-11-22T08:00:00Z, got "${start}"`);
  }
  const defectRate = probability('defect-rate', values.get('defect-rate'), '0.2');
  const faults = { drop: probability('drop', values.get('drop'), '0'), duplicate: probability('duplicate', values.get('duplicate'), '0'), reorder: probability('reorder', values.get('reorder'), '0') };

  const brokers = values.get('kafka');
  if (brokers !== undefined && !brokers.split(',').every((b) => /^[^\s,:]+:\d{1,5}$/.test(b))) throw new UsageError(`--kafka must be host:port[,host:port...], got "${brokers}"`);
  if (values.has('topic') && brokers === undefined) throw new UsageError('--topic only applies with --kafka');
  if (switches.has('as-fast-as-possible') && brokers === undefined) throw new UsageError('--as-fast-as-possible only applies with --kafka');
  const out = values.get('out');
  const truth = values.get('truth');
  if (!help && out === undefined && truth === undefined && brokers === undefined) throw new UsageError('nothing to do: give --out DIR, --truth FILE.jsonl and/or --kafka BROKERS');
  if (truth === '-') throw new UsageError('--truth needs a file name');

  return {
    simulation: { seed, cameras, lines, fps, seconds, width, height, format: format as FrameFormat, ...(jpegQuality !== undefined ? { jpegQuality } : {}), defectRate, faults, start },
    ...(out !== undefined ? { out } : {}),
    ...(truth !== undefined ? { truth } : {}),
    ...(brokers !== undefined ? { kafka: { brokers: brokers.split(','), topic: values.get('topic') ?? 'camera.frames', pace: !switches.has('as-fast-as-possible') } } : {}),
    ...(values.has('heartbeat') ? { heartbeat: values.get('heartbeat') as string } : {}),
    quiet: switches.has('quiet'),
    help,
  };
}
