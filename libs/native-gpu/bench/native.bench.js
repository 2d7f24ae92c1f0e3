#!/usr/bin/env node
// native.bench.js (`npm run bench:native`): per op (windowAggregates, alignFrames, prepareFrames, the
// risk sequence model, the inspector's clip model), the CPU twin on this machine (for the models,
// against ONNX Runtime on the same file) and, where `backends()` has cuda, GPU throughput end to end
// from JS and kernels only (the ops' `timing`: CUDA events), with each op's modelled DRAM traffic over
// kernel time against the device's peak. Every GPU configuration is checked against the CPU twin,
// and the twin against ORT, before it is timed. Writes the `native` section of docs/benchmarks.md
// (on a GPU machine, the `native-gpu` section).
//
//   npm run bench:native [-- --quick]     (--quick: fewer repetitions, for a smoke run)
//
// Needs the compiled package (npm run build -w @vigil/native-gpu) and @vigil/platform's dist.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { alignFrames, backends, deviceInfo, loadClipModel, loadSequenceModel, prepareFrames, windowAggregates } = require('../dist');
const { writeBenchmarkSection } = require('@vigil/platform/dist/bench');

const QUICK = process.argv.includes('--quick');
const DOC = path.resolve(__dirname, '../../../docs/benchmarks.md');
const SIZES = [
  [128, 128],
  [320, 240],
  [640, 480],
];
const BATCHES = [1, 8, 32];
/** prepareFrames: alignFrames' sizes and the simulator's 160 × 120 (a fractional shrink to 64 × 64). */
const PREPARE_SIZES = [
  [128, 128],
  [160, 120],
  [320, 240],
  [640, 480],
];
const SHIFTS = [[0, 0], [3, -2], [-6.2, 4.3], [1.25, -0.7], [0.2, 0.1], [-2.75, -3.3], [7.1, 5.8], [-0.3, 2.2]];

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A dense blob texture sampled at (x - dx, y - dy), GRAY8 (as test/helpers/images.ts).
function texture(width, height, dx, dy, seed) {
  const random = rng(seed);
  const image = new Float64Array(width * height);
  const blobs = Math.round(((width + 80) * (height + 80)) / 40);
  for (let b = 0; b < blobs; b++) {
    const bx = random() * (width + 80) - 40 + dx;
    const by = random() * (height + 80) - 40 + dy;
    const s = 1.5 + random() * 4;
    const amp = random() * 2 - 1;
    const reach = Math.ceil(4 * s);
    for (let y = Math.max(0, Math.floor(by - reach)); y < Math.min(height, by + reach); y++) {
      for (let x = Math.max(0, Math.floor(bx - reach)); x < Math.min(width, bx + reach); x++) {
        image[y * width + x] += amp * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (2 * s * s));
      }
    }
  }
  return Uint8Array.from(image, (v) => Math.min(255, Math.max(0, Math.round(128 + 45 * v + (random() - 0.5) * 4))));
}

function alignInput(width, height, batch) {
  const image = width * height;
  const references = new Uint8Array(batch * image);
  const frames = new Uint8Array(batch * image);
  for (let k = 0; k < batch; k++) {
    const [dx, dy] = SHIFTS[k % SHIFTS.length];
    references.set(texture(width, height, 0, 0, 1 + (k % 4)), k * image);
    frames.set(texture(width, height, dx, dy, 1 + (k % 4)), k * image);
  }
  return { width, height, references, frames };
}

// Median seconds per call over `reps` calls after one warm-up; stops early past `budgetS`.
async function time(call, reps, budgetS) {
  await call();
  const seconds = [];
  const started = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    await call();
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (Number(process.hrtime.bigint() - started) / 1e9 > budgetS) break;
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(seconds.length / 2)];
}

const fmt = (v, digits = 1) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// A GPU table's cells for `units` items per call: end to end from JS (median call), then kernels only
// from the op's `timing` (median deviceMs of `reps` calls) with its modelled DRAM bytes over that time
// against the device's peak.
async function gpuCells(run, units, peak, reps, budgetS) {
  const endToEnd = await time(() => run(false), reps, budgetS);
  const kernelMs = [];
  let bytes = 0;
  for (let r = 0; r < reps; r++) {
    const timed = await run(true);
    kernelMs.push(timed.deviceMs);
    bytes = timed.deviceBytes;
  }
  kernelMs.sort((a, b) => a - b);
  const ms = kernelMs[Math.floor(kernelMs.length / 2)];
  const gbs = bytes / (ms / 1e3) / 1e9;
  return `${fmt(units / endToEnd, 0)} | ${fmt(ms, 3)} | ${fmt(units / (ms / 1e3), 0)} | ${fmt(gbs)} | ${fmt((100 * gbs * 1e9) / peak)} % |`;
}

// A GPU table: leading columns `lead`, then gpuCells' five, `unit` items per call.
function gpuTable(lead, unit, rows) {
  const head = `| ${lead.join(' | ')} | end-to-end ${unit}/s | kernel ms | kernel ${unit}/s | GB/s | % of peak |`;
  return [head, `|${' ---: |'.repeat(lead.length + 5)}`, ...rows];
}

async function benchAlign(hasCuda, peak) {
  const cpuRows = [];
  const gpuRows = [];
  for (const [width, height] of SIZES) {
    for (const batch of BATCHES) {
      const input = alignInput(width, height, batch);
      // The CPU twin at 640x480 x 32 alone would take most of the minute on a small machine.
      const cpuSeconds = width * height * batch > 640 * 480 * 8 ? null : await time(() => alignFrames(input, { backend: 'cpu' }), QUICK ? 1 : 3, 2);
      cpuRows.push(`| ${width}×${height} | ${batch} | ${cpuSeconds === null ? 'skipped' : fmt(cpuSeconds * 1e3, 2)} | ${cpuSeconds === null ? '' : fmt(batch / cpuSeconds)} |`);
      if (!hasCuda) continue;
      const twin = await alignFrames(input, { backend: 'cpu' });
      const gpu = await alignFrames(input, { backend: 'cuda', timing: true });
      for (let k = 0; k < batch; k++) {
        if (Math.abs(gpu.dx[k] - twin.dx[k]) > 2e-3 || Math.abs(gpu.dy[k] - twin.dy[k]) > 2e-3 || Math.abs(gpu.confidence[k] - twin.confidence[k]) > 2e-3) {
          throw new Error(`alignFrames ${width}x${height} batch ${batch} pair ${k}: cuda differs from the CPU twin`);
        }
      }
      const cells = await gpuCells((timing) => alignFrames(input, { backend: 'cuda', timing }), batch, peak, QUICK ? 3 : 20, 3);
      gpuRows.push(`| ${width}×${height} | ${batch} | ${cells}`);
    }
  }
  return { cpuRows, gpuRows };
}

// prepareFrames on a clip batch's frames (4 clips of 8) at sub-pixel offsets, shrunk to the clip
// model's 64 × 64: the CPU twin, and CUDA where present once it matched the twin bit for bit.
async function benchPrepare(hasCuda, peak) {
  const rows = [];
  const gpuRows = [];
  const count = 32;
  for (const [width, height] of PREPARE_SIZES) {
    const random = rng(width * height);
    const input = {
      width,
      height,
      frames: Uint8Array.from({ length: count * width * height }, () => Math.floor(random() * 256)),
      offsets: Float64Array.from({ length: 2 * count }, () => (random() - 0.5) * 12),
      outWidth: 64,
      outHeight: 64,
    };
    const cpuSeconds = await time(() => prepareFrames(input, { backend: 'cpu' }), QUICK ? 3 : 30, QUICK ? 0.3 : 2);
    if (hasCuda) {
      const twin = await prepareFrames(input, { backend: 'cpu' });
      const cuda = await prepareFrames(input, { backend: 'cuda' });
      if (cuda.data.some((v, i) => !Object.is(v, twin.data[i]))) throw new Error(`prepareFrames ${width}x${height}: cuda differs from the CPU twin`);
      const cells = await gpuCells((timing) => prepareFrames(input, { backend: 'cuda', timing }), count, peak, QUICK ? 3 : 30, QUICK ? 0.3 : 2);
      gpuRows.push(`| ${width}×${height} → 64×64 | ${count} | ${cells}`);
    }
    rows.push(`| ${width}×${height} → 64×64 | ${count} | ${fmt(cpuSeconds * 1e3, 2)} | ${fmt(count / cpuSeconds, 0)} |`);
  }
  return { rows, gpuRows };
}

async function benchWindowAgg(hasCuda, peak) {
  const events = QUICK ? 50_000 : 200_000;
  const random = rng(42);
  const keys = new Int32Array(events);
  const times = new Float64Array(events);
  const values = new Float64Array(events);
  let key = 0;
  let t = 0;
  for (let i = 0; i < events; i++) {
    if (i === 0 || random() < 1 / 40) {
      key++;
      t = 1.7e12;
    }
    t += Math.floor(random() * 3_600_000 * 36);
    keys[i] = key;
    times[i] = t;
    values[i] = Math.round(random() * 1e6) / 100;
  }
  const input = { keys, times, values, windowsMs: [60_000, 3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000] };
  const rows = [];
  for (const [label, options] of [['cpu, 1 thread', { backend: 'cpu', threads: 1 }], ['cpu, all threads', { backend: 'cpu' }], ...(hasCuda ? [['cuda', { backend: 'cuda' }]] : [])]) {
    const seconds = await time(() => windowAggregates(input, options), QUICK ? 1 : 3, 5);
    rows.push(`| ${label} | ${events.toLocaleString('en-US')} | ${fmt(seconds * 1e3, 1)} | ${fmt((events * 5) / seconds / 1e6, 2)} |`);
  }
  const gpuRows = [];
  if (hasCuda) {
    const [twin, gpu] = [await windowAggregates(input, { backend: 'cpu' }), await windowAggregates(input, { backend: 'cuda' })];
    for (const stat of ['count', 'sum', 'mean', 'std', 'min', 'max']) {
      const i = gpu[stat].findIndex((v, k) => !(Math.abs(v - twin[stat][k]) <= 1e-6 * Math.max(1, Math.abs(twin[stat][k]))));
      if (i >= 0) throw new Error(`windowAggregates ${stat}[${i}]: cuda ${gpu[stat][i]} differs from the CPU twin's ${twin[stat][i]}`);
    }
    const cells = await gpuCells((timing) => windowAggregates(input, { backend: 'cuda', timing }), events, peak, QUICK ? 1 : 5, 5);
    gpuRows.push(`| ${events.toLocaleString('en-US')} | 5 | ${cells}`);
  }
  return { rows, gpuRows };
}

// The encoder's layout: `real` trailing real steps (validity channel 0 = 1), zero padding in front.
function sequenceRows(count, realSteps, seed) {
  const random = rng(seed);
  const [K, D] = [16, 26];
  const out = new Float32Array(count * K * D);
  for (let r = 0; r < count; r++) {
    const real = realSteps === 'mixed' ? 1 + Math.floor(random() * K) : realSteps;
    for (let t = K - real; t < K; t++) {
      const at = (r * K + t) * D;
      out[at] = 1;
      for (let c = 1; c < D; c++) out[at + c] = (random() * 2 - 1) * (c % 3 === 0 ? 4 : 1);
    }
  }
  return out;
}

function maxLogitDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// The whole sequence model (models/risk/2/sequence.onnx): CPU twin vs ONNX Runtime (CPU EP, default
// session options) from JS, and the CUDA kernel where present; each is checked against ORT / the twin
// (|Δlogit| <= 1e-4) before it is timed.
async function benchSequenceModel(hasCuda, peak) {
  const ort = require('onnxruntime-node');
  const bytes = fs.readFileSync(path.resolve(__dirname, '../../../models/risk/2/sequence.onnx'));
  const model = await loadSequenceModel(bytes);
  const session = await ort.InferenceSession.create(bytes);
  const runOrt = async (x) => (await session.run({ sequence: new ort.Tensor('float32', x, [x.length / 416, 16, 26]) })).logit.data;
  const rows = [];
  const gpuRows = [];
  for (const [label, realSteps] of [['16 (all)', 16], ['1–16 (uniform)', 'mixed']]) {
    for (const batch of [1, 64, 1024, ...(hasCuda ? [65_536] : [])]) {
      const x = sequenceRows(batch, realSteps, batch);
      const reference = await runOrt(x);
      const twin = await model.run(x, { backend: 'cpu' });
      const diff = maxLogitDiff(twin.logit, reference);
      if (diff > 1e-4) throw new Error(`sequence model batch ${batch}: the twin differs from ORT by ${diff}`);
      const reps = QUICK ? 20 : batch === 1 ? 2000 : batch === 64 ? 300 : 40;
      const budget = QUICK ? 0.3 : 1.5;
      const cpuSeconds = batch > 1024 ? null : await time(() => model.run(x, { backend: 'cpu' }), reps, budget);
      const ortSeconds = batch > 1024 ? null : await time(() => runOrt(x), reps, budget);
      if (hasCuda) {
        const cuda = await model.run(x, { backend: 'cuda' });
        const gpuDiff = maxLogitDiff(cuda.logit, twin.logit);
        if (gpuDiff > 1e-4) throw new Error(`sequence model batch ${batch}: cuda differs from the twin by ${gpuDiff}`);
        const cells = await gpuCells((timing) => model.run(x, { backend: 'cuda', timing }), batch, peak, Math.min(reps, 200), budget);
        gpuRows.push(`| ${label} | ${batch.toLocaleString('en-US')} | ${cells}`);
      }
      const rate = (seconds) => (seconds === null ? '' : fmt(batch / seconds, 0));
      const ratio = cpuSeconds === null ? '' : `${fmt(ortSeconds / cpuSeconds, 2)}×`;
      if (cpuSeconds !== null) rows.push(`| ${label} | ${batch.toLocaleString('en-US')} | ${rate(cpuSeconds)} | ${rate(ortSeconds)} | ${ratio} | ${fmt(diff * 1e6, 1)} |`);
    }
  }
  model.release();
  await session.release();
  return { rows, gpuRows };
}

// The inspector's clip model (models/inspector/<highest version>/clip.onnx): CPU twin vs ONNX Runtime
// (CPU EP, default session options) on random clips in [0, 1], and CUDA where present; each is checked
// against ORT / the twin (max |Δ| on logits and heatmap <= 1e-3) before it is timed.
async function benchClipModel(hasCuda, peak) {
  const ort = require('onnxruntime-node');
  const root = path.resolve(__dirname, '../../../models/inspector');
  const version = Math.max(...fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).map(Number));
  const file = path.join(root, String(version), 'clip.onnx');
  const bytes = fs.readFileSync(file);
  const model = await loadClipModel(bytes);
  const session = await ort.InferenceSession.create(bytes);
  const { frames, height, width } = model.architecture;
  const clipSize = frames * height * width;
  const runOrt = async (x) => {
    const out = await session.run({ clip: new ort.Tensor('float32', x, [x.length / clipSize, 1, frames, height, width]) });
    return { logits: out.logits.data, heatmap: out.heatmap.data };
  };
  const diffOf = (a, b) => Math.max(maxLogitDiff(a.logits, b.logits), maxLogitDiff(a.heatmap, b.heatmap));
  const rows = [];
  const gpuRows = [];
  for (const batch of [1, 16, ...(hasCuda ? [256] : [])]) {
    const random = rng(batch);
    const x = Float32Array.from({ length: batch * clipSize }, () => random());
    const twin = await model.run(x, { backend: 'cpu' });
    const diff = diffOf(twin, await runOrt(x));
    if (diff > 1e-3) throw new Error(`clip model batch ${batch}: the twin differs from ORT by ${diff}`);
    const reps = QUICK ? 5 : batch === 1 ? 200 : 30;
    const budget = QUICK ? 0.5 : 3;
    const cpuSeconds = await time(() => model.run(x, { backend: 'cpu' }), reps, budget);
    const ortSeconds = await time(() => runOrt(x), reps, budget);
    if (hasCuda) {
      const gpuDiff = diffOf(await model.run(x, { backend: 'cuda' }), twin);
      if (gpuDiff > 1e-3) throw new Error(`clip model batch ${batch}: cuda differs from the twin by ${gpuDiff}`);
      const cells = await gpuCells((timing) => model.run(x, { backend: 'cuda', timing }), batch, peak, reps, budget);
      gpuRows.push(`| ${batch} | ${cells}`);
    }
    rows.push(`| ${batch} | ${fmt(batch / cpuSeconds, 0)} | ${fmt(batch / ortSeconds, 0)} | ${fmt(ortSeconds / cpuSeconds, 2)}× | ${fmt(diff * 1e6, 1)} |`);
  }
  model.release();
  await session.release();
  return { rows, gpuRows, file: path.relative(path.resolve(__dirname, '../../..'), file) };
}

(async () => {
  const hasCuda = backends().includes('cuda');
  const device = hasCuda ? deviceInfo()[0] : undefined;
  const peak = device ? device.peakMemoryBandwidthBytesPerSecond : 0;
  const windowAgg = await benchWindowAgg(hasCuda, peak);
  const { cpuRows, gpuRows } = await benchAlign(hasCuda, peak);
  const prepare = await benchPrepare(hasCuda, peak);
  const sequence = await benchSequenceModel(hasCuda, peak);
  const clip = await benchClipModel(hasCuda, peak);
  // Beneath each op's CPU table on a GPU machine: its GPU table, with the traffic its `timing` models.
  const gpuSection = (traffic, lead, unit, rows) => (hasCuda ? ['', `GPU (${device.name}): each configuration checked against the CPU twin first. GB/s = ${traffic} / kernel time.`, '', ...gpuTable(lead, unit, rows)] : []);
  const body = [
    '### windowAggregates',
    '',
    '~40 events per key, 5 windows (1 min … 30 days), no categories; median of 3 calls from JS (validation and marshalling included).',
    '',
    '| backend | events | ms | M (event, window)/s |',
    '| --- | ---: | ---: | ---: |',
    ...windowAgg.rows,
    ...gpuSection('the inputs read once and the statistics written once (look-backs over earlier events not counted: a lower bound)', ['events', 'windows'], 'events', windowAgg.gpuRows),
    '',
    '### alignFrames',
    '',
    'GRAY8 textured pairs with known shifts, one reference per frame, no warp. CPU twin: median of 3 calls from JS, all threads.',
    '',
    '| size | batch | CPU ms per call | CPU frames/s |',
    '| --- | ---: | ---: | ---: |',
    ...cpuRows,
    '',
    hasCuda
      ? [
          `GPU: ${device.name}, peak DRAM ${fmt(peak / 1e9, 0)} GB/s (2 × memory clock × bus width). Each size/batch is checked against the CPU twin first. ` +
            'End to end = JS call incl. uploads, allocation and downloads; kernel = CUDA events around the kernels; GB/s = the kernels’ modelled DRAM traffic (DeviceBytes in align_tables.cc) / kernel time.',
          '',
          ...gpuTable(['size', 'batch'], 'frames', gpuRows),
        ].join('\n')
      : 'GPU: not measured here (backends() has no cuda on this machine). On a GPU machine without Node, `bash libs/native-gpu/dev/align_lab.sh` validates and times the kernels.',
    '',
    '### prepareFrames',
    '',
    "The clip model's input from GRAY8 frames: each read at a sub-pixel offset (integer bilinear), area-shrunk to 64 × 64 and scaled by 1/255, bit for bit as the inspector's training builds it. One call per batch of 32 frames (4 clips), median call from JS; CPU twin on one thread (its default below 64 frames). CUDA is checked bit for bit against the twin before it is timed.",
    '',
    '| frames | per call | CPU ms per call | CPU frames/s |',
    '| --- | ---: | ---: | ---: |',
    ...prepare.rows,
    ...gpuSection('the frames and offsets read once and the output written once', ['frames', 'per call'], 'frames', prepare.gpuRows),
    '',
    '### sequence model (models/risk/2/sequence.onnx)',
    '',
    'Rows [16 steps × 26 channels] scored per second from JS (validation and marshalling included), median call. CPU twin: all threads; ORT: onnxruntime-node CPU, default session options, same file. ' +
      'The twin computes only real steps (padding is exact zero weight), so its rate depends on the real-step mix; ORT always computes all 16. Δlogit = max |twin − ORT| over the batch.',
    '',
    '| real steps | batch | twin rows/s | ORT rows/s | twin / ORT | Δlogit (1e-6) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...sequence.rows,
    ...gpuSection('the rows, the weights, logit and score, each moved once (one fused kernel keeps the rest on chip)', ['real steps', 'batch'], 'rows', sequence.gpuRows),
    '',
    `### clip model (${clip.file})`,
    '',
    `Clips [8 frames × 64 × 64] scored per second from JS (validation and marshalling included), median call, random clips in [0, 1]. CPU twin: all threads (one clip per thread); ORT: onnxruntime-node CPU, default session options, same file. Δ = max |twin − ORT| over logits and heatmap.`,
    '',
    '| batch | twin clips/s | ORT clips/s | twin / ORT | Δ (1e-6) |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...clip.rows,
    ...gpuSection('the clips, the weights, logits and heatmap, each moved once (activations between layers not counted: a lower bound)', ['batch'], 'clips', clip.gpuRows),
  ].join('\n');
  // A GPU machine's run keeps its own section, so it never replaces the development machine's.
  const section = hasCuda
    ? { id: 'native-gpu', title: `native-gpu on a GPU machine (${device.name}): every op, CPU twin and CUDA` }
    : { id: 'native', title: 'native-gpu: windowAggregates, alignFrames, prepareFrames, the sequence model and the clip model' };
  await writeBenchmarkSection(DOC, { ...section, command: `npm run bench:native${QUICK ? ' -- --quick' : ''}`, body });
  console.log(body);
  console.log(`\nwritten to ${DOC} (section ${section.id})`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
