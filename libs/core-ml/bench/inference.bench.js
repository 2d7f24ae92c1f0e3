#!/usr/bin/env node
// inference.bench.js: the risk tree model served in this thread (OnnxModelSession) and through the
// worker pool (InferencePool): rows/s at batch 1 / 64 / 1024 with the event-loop delay seen
// meanwhile, then the MicroBatcher's added latency at a few arrival rates. Writes its section of
// docs/benchmarks.md. Runs the built dist: `npm run build` first.
//
//   npm run bench:core-ml -- [--model <path.onnx>] [--seconds <s>] [--no-docs]
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');

const REPO = path.resolve(__dirname, '../../..');
const DIST = path.resolve(__dirname, '../dist');
if (!fs.existsSync(path.join(DIST, 'index.js'))) {
  process.stderr.write('bench:core-ml: libs/core-ml/dist is missing; run `npm run build` first\n');
  process.exit(1);
}
const core = require(DIST);
// Deep paths: the package root would load Nest, TypeORM and Kafka for nothing.
const { Rng, parseFlags, runCli, UsageError } = require('@vigil/platform/dist/cli');
const { benchCommand, writeBenchmarkSection } = require('@vigil/platform/dist/bench');

const BATCHES = [1, 64, 1024];
const ARRIVAL_RATES = [1_000, 10_000, 50_000];
const BATCHER = { maxBatchSize: 256, maxWaitMs: 2, maxQueue: 16_384 };
const SYNTHETIC = { trees: 200, depth: 6, features: 74, seed: 42 };
const ROW_POOL = 16_384;
const MISSING = 0.02;

const USAGE = `Usage: npm run bench:core-ml -- [--model <path.onnx>] [--seconds <s>] [--no-docs]

  --model <path>   ONNX model with input 'features' float32 [N, F] and output 'score' [N, 1]
                   (default: models/risk/<highest version>/trees.onnx, else a synthetic
                   ${SYNTHETIC.trees}-tree depth-${SYNTHETIC.depth} ensemble over ${SYNTHETIC.features} features)
  --seconds <s>    time per measurement (default 1; a full run takes about 15 of them)
  --no-docs        print only; leave docs/benchmarks.md alone
`;

runCli({
  command: 'bench:core-ml',
  usage: USAGE,
  parse(argv) {
    const { values, switches } = parseFlags(argv, ['model', 'seconds'], ['no-docs', 'help']);
    const seconds = Number(values.get('seconds') ?? 1);
    if (!(seconds > 0 && seconds <= 60)) throw new UsageError(`--seconds: expected a number in (0, 60], got ${values.get('seconds')}`);
    const model = values.get('model');
    if (model !== undefined && !fs.existsSync(model)) throw new UsageError(`--model: ${model} does not exist`);
    return { help: switches.has('help'), model, seconds, docs: !switches.has('no-docs'), argv };
  },
  async run(options, stopped) {
    const model = resolveModel(options.model);
    console.log(`model: ${model.description}`);
    const inThread = await core.OnnxModelSession.load(model.source, { name: 'risk-trees' });
    const pool = new core.InferencePool({ name: 'bench-pool', workers: 1 });
    try {
      const pooled = await pool.load(model.source, { name: 'risk-trees' });
      const features = featureCount(inThread);
      const rows = featureRows(features);
      const paths = [
        { label: 'in-thread', session: inThread },
        { label: 'worker pool (1 worker)', session: pooled },
      ];

      const throughput = [];
      for (const batch of BATCHES) {
        for (const { label, session } of paths) {
          if (stopped()) return 'stopped';
          const result = await measureThroughput(session, rows, features, batch, options.seconds);
          throughput.push({ label, batch, ...result });
          console.log(
            `${label.padEnd(24)} batch ${String(batch).padStart(4)}: ${fmt(result.rowsPerSecond, 0).padStart(9)} rows/s, ` +
              `run p50 ${fmt(result.runP50Ms, 3)} ms, event-loop delay p99 ${fmt(result.loopP99Ms, 1)} ms (max ${fmt(result.loopMaxMs, 1)})`,
          );
        }
      }

      const latency = [];
      for (const rate of ARRIVAL_RATES) {
        for (const { label, session } of paths) {
          if (stopped()) return 'stopped';
          const bare = throughput.find((t) => t.label === label && t.batch === 1).runP50Ms;
          const result = await measureBatcher(session, rows, features, rate, options.seconds);
          latency.push({ label, rate, bare, ...result });
          console.log(
            `${label.padEnd(24)} ${String(rate).padStart(6)} rows/s arriving: mean batch ${fmt(result.meanBatch, 1)}, ` +
              `enqueue→result p50 ${fmt(result.p50Ms, 2)} ms, p99 ${fmt(result.p99Ms, 2)} ms (bare run ${fmt(bare, 3)} ms), ` +
              `arrival→result p99 ${fmt(result.arrivalP99Ms, 2)} ms, shed ${result.shed}`,
          );
        }
      }

      const body = report(model, options.seconds, throughput, latency);
      if (options.docs) {
        const command = benchCommand('bench:core-ml', options.argv);
        await writeBenchmarkSection(path.join(REPO, 'docs/benchmarks.md'), { id: 'core-ml', title: 'core-ml: risk tree model inference', command, body });
        console.log('wrote the core-ml section of docs/benchmarks.md');
      }
      return undefined;
    } finally {
      await inThread.release();
      await pool.close();
    }
  },
});

/** `--model`, else the shipped champion with the highest version, else a synthetic ensemble. */
function resolveModel(explicit) {
  if (explicit !== undefined) {
    const file = path.resolve(explicit);
    const inRepo = path.relative(REPO, file);
    return { source: file, description: inRepo.startsWith('..') ? file : inRepo };
  }
  const dir = path.join(REPO, 'models/risk');
  const versions = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((v) => fs.existsSync(path.join(dir, v, 'trees.onnx')))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : [];
  if (versions.length > 0) {
    const file = path.join(dir, versions[versions.length - 1], 'trees.onnx');
    return { source: file, description: `${path.relative(REPO, file)} (shipped champion)` };
  }
  const { trees, depth, features, seed } = SYNTHETIC;
  return {
    source: core.toOnnx(syntheticEnsemble(), features),
    description: `synthetic TreeEnsemble exported with toOnnx: ${trees} full trees of depth ${depth} over ${features} features, seed ${seed} (no models/risk/*/trees.onnx here)`,
  };
}

/** Full binary trees, node i's children at 2i+1 and 2i+2: every row walks `depth` splits per tree. */
function syntheticEnsemble() {
  const { trees, depth, features, seed } = SYNTHETIC;
  const rng = new Rng(seed);
  const inner = 2 ** depth - 1;
  const nodes = 2 ** (depth + 1) - 1;
  const tree = () => {
    const t = { left: [], right: [], feature: [], threshold: [], defaultLeft: [], value: [], cover: [] };
    for (let i = 0; i < nodes; i++) {
      const leaf = i >= inner;
      t.left.push(leaf ? -1 : 2 * i + 1);
      t.right.push(leaf ? -1 : 2 * i + 2);
      t.feature.push(leaf ? 0 : rng.int(0, features - 1));
      t.threshold.push(leaf ? 0 : Math.fround(rng.uniform(-0.8, 0.8)));
      t.defaultLeft.push(leaf ? 0 : rng.int(0, 1));
      t.value.push(leaf ? Math.fround(rng.uniform(-0.1, 0.1)) : 0);
      t.cover.push(2 ** (depth - Math.floor(Math.log2(i + 1))));
    }
    return t;
  };
  return core.TreeEnsemble.fromJSON({
    format: core.TREE_ENSEMBLE_FORMAT,
    version: core.TREE_ENSEMBLE_VERSION,
    featureCount: features,
    baseMargin: -2,
    trees: Array.from({ length: trees }, tree),
  });
}

function featureCount(session) {
  const input = session.inputs.find((i) => i.name === 'features');
  const width = input?.dims?.[1];
  if (input?.type !== 'float32' || typeof width !== 'number' || !session.outputNames.includes('score')) {
    throw new Error(`model: expected input 'features' float32 [N, F] and output 'score'; it has inputs ${JSON.stringify(session.inputs)}, outputs ${session.outputNames}`);
  }
  return width;
}

/** Seeded rows, uniform in [-1, 1) with a few missing values (NaN), the pool the measurements draw from. */
function featureRows(features) {
  const rng = new Rng(7);
  const rows = new Float32Array(ROW_POOL * features);
  for (let i = 0; i < rows.length; i++) rows[i] = rng.chance(MISSING) ? NaN : rng.uniform(-1, 1);
  return rows;
}

/**
 * One run in flight at a time, each with a fresh feed array (the pool transfers it away, and a
 * service builds one per batch anyway). The event-loop monitor shows what the service would feel.
 */
async function measureThroughput(session, rows, features, batch, seconds) {
  let next = 0;
  const feed = () => {
    const start = (next++ * batch) % (ROW_POOL - batch);
    return { features: new core.Tensor('float32', rows.slice(start * features, (start + batch) * features), [batch, features]) };
  };
  for (let i = 0; i < 5; i++) await session.run(feed());
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const times = [];
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    const t = performance.now();
    await session.run(feed());
    times.push(performance.now() - t);
  }
  const elapsed = performance.now() - started;
  stalls.disable();
  return {
    rowsPerSecond: (times.length * batch * 1000) / elapsed,
    runP50Ms: quantile(times, 0.5),
    // How late the monitor's 1 ms timer fired: about 1 ms means the loop was free.
    loopP99Ms: stalls.percentile(99) / 1e6,
    loopMaxMs: stalls.max / 1e6,
  };
}

/**
 * Rows arrive open-loop at `rate` per second (a 1 ms timer submits whatever is due) into a
 * MicroBatcher in front of the session. Latency is taken from `submit` (enqueue) and, separately,
 * from each row's scheduled arrival, which also counts the time a row waited for a blocked event
 * loop (or for the 1 ms arrival timer) before it could be enqueued.
 */
async function measureBatcher(session, rows, features, rate, seconds) {
  const batches = [];
  const batcher = new core.MicroBatcher(
    async (items) => {
      batches.push(items.length);
      const x = new Float32Array(items.length * features);
      items.forEach((row, i) => x.set(row, i * features));
      const { score } = await session.run({ features: new core.Tensor('float32', x, [items.length, features]) });
      return Array.from(score.data);
    },
    { name: 'bench-batcher', ...BATCHER },
  );
  const total = Math.round(rate * seconds);
  const latencies = [];
  const fromArrival = [];
  const settled = [];
  let shed = 0;
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000));
      for (; sent < due; sent++) {
        const scheduled = t0 + (sent * 1000) / rate;
        const start = sent % ROW_POOL;
        const enqueued = performance.now();
        const outcome = batcher.submit(rows.subarray(start * features, (start + 1) * features)).then(
          () => {
            const now = performance.now();
            latencies.push(now - enqueued);
            fromArrival.push(now - scheduled);
          },
          (error) => {
            if (error.code !== core.CoreMlErrorCode.QueueFull) throw error;
            shed++;
          },
        );
        settled.push(outcome);
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await batcher.close();
  await Promise.all(settled);
  return {
    meanBatch: batches.reduce((a, b) => a + b, 0) / batches.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    arrivalP99Ms: quantile(fromArrival, 0.99),
    shed,
  };
}

function report(model, seconds, throughput, latency) {
  const rowsOf = (label) => throughput.filter((t) => t.label === label);
  const lines = [
    `Model: ${model.description}. Rows: seeded, uniform in [-1, 1), ${MISSING * 100}% missing (NaN). ` +
      `Sessions: cpu, intraOpNumThreads 1; the pool has 1 worker. ${seconds} s per measurement, one run in flight at a time. ` +
      `1-minute load average at the start: ${os.loadavg()[0].toFixed(2)} (the machine is shared). ` +
      'Event-loop delay: how late a 1 ms timer fired while the runs went on (about 1 ms = the loop was free).',
    '',
    '| batch | in-thread rows/s | in-thread run p50 | in-thread loop delay p99 (max) | pool rows/s | pool run p50 | pool loop delay p99 (max) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const [local, pooled] = [rowsOf('in-thread'), rowsOf('worker pool (1 worker)')];
  local.forEach((l, i) => {
    const p = pooled[i];
    lines.push(
      `| ${l.batch} | ${fmt(l.rowsPerSecond, 0)} | ${fmt(l.runP50Ms, 3)} ms | ${fmt(l.loopP99Ms, 1)} (${fmt(l.loopMaxMs, 1)}) ms | ` +
        `${fmt(p.rowsPerSecond, 0)} | ${fmt(p.runP50Ms, 3)} ms | ${fmt(p.loopP99Ms, 1)} (${fmt(p.loopMaxMs, 1)}) ms |`,
    );
  });
  lines.push(
    '',
    `MicroBatcher in front of each path (maxBatchSize ${BATCHER.maxBatchSize}, maxWaitMs ${BATCHER.maxWaitMs}, one batch at a time), ` +
      'rows arriving open-loop from a 1 ms timer. Latency is enqueue (submit) → result; added = latency minus the bare batch-1 run p50 of the same path. ' +
      'Arrival → result p99 starts at each row\'s scheduled arrival instead, so it also counts waiting for a blocked loop (and up to ~1 ms of the arrival timer) before the submit.',
    '',
    '| path | arrivals rows/s | mean batch | p50 | p99 | added p50 | added p99 | arrival → result p99 | shed (queue full) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const l of latency) {
    lines.push(
      `| ${l.label} | ${l.rate} | ${fmt(l.meanBatch, 1)} | ${fmt(l.p50Ms, 2)} ms | ${fmt(l.p99Ms, 2)} ms | ` +
        `${fmt(l.p50Ms - l.bare, 2)} ms | ${fmt(l.p99Ms - l.bare, 2)} ms | ${fmt(l.arrivalP99Ms, 2)} ms | ${l.shed} |`,
    );
  }
  return lines.join('\n');
}

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function fmt(value, digits) {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
}
