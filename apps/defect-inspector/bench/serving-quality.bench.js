#!/usr/bin/env node
// serving-quality.bench.js: the shipped clip model's quality as the service feeds it. The model card
// scores held-out simulator clips moved onto their last frame by the simulator's true offsets; the
// service can only estimate those offsets (alignClips, phase correlation in libs/native-gpu). This
// scores the card's held-out clips both ways, at the training frame size (160 × 120) and at 128 × 128
// (the size the stream test and bench:inspector send), and writes the `inspector-serving` section of
// docs/benchmarks.md. Runs the built dist: `npm run build` first.
//
//   npm run bench:inspector-quality -- [--clips 1200] [--no-docs]
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../../..');
const DIST = path.resolve(__dirname, '../dist');
if (!fs.existsSync(path.join(DIST, 'training/dataset.js'))) {
  process.stderr.write('bench:inspector-quality: apps/defect-inspector/dist is missing; run `npm run build` first\n');
  process.exit(1);
}
const { parseFlags, runCli, UsageError } = require('@vigil/platform/dist/cli');
const { benchCommand, writeBenchmarkSection } = require('@vigil/platform/dist/bench');

const { simulatorClips } = require(path.join(DIST, 'training/dataset'));
const { evaluateModel } = require(path.join(DIST, 'training/evaluate'));
const { runClipOnnx } = require(path.join(DIST, 'training/onnx-outputs'));
const { clipInput } = require(path.join(DIST, 'training/preprocess'));
const { alignClips } = require(path.join(DIST, 'modules/inspection/frame-alignment'));

const MODELS = path.join(REPO, 'models/inspector');
const SIZES = [
  { width: 160, height: 120, note: 'training' },
  { width: 128, height: 128, note: 'stream test, bench:inspector' },
];
/** Clips aligned per alignClips call, as a busy service batches them. */
const ALIGN_BATCH = 32;

const USAGE = `Usage: npm run bench:inspector-quality -- [--clips 1200] [--no-docs]

  --clips <n>  held-out clips per frame size (default: the model card's count)
  --no-docs    print only; leave docs/benchmarks.md alone

Scores the newest model under models/inspector on its card's held-out seed, with the true offsets and
with the offsets the service estimates.
`;

/** The newest shipped inspector model: its folder and manifest. */
function newestModel() {
  const versions = fs.readdirSync(MODELS).filter((name) => /^\d+$/.test(name)).map(Number).sort((a, b) => b - a);
  if (versions.length === 0) throw new Error(`no model under ${path.relative(REPO, MODELS)}`);
  const folder = path.join(MODELS, String(versions[0]));
  return { folder, manifest: JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) };
}

/** Both inputs of every held-out clip at one frame size: shifted by the true offsets, and by alignClips'. */
async function inputs(spec) {
  const size = spec.frames * spec.inputWidth * spec.inputHeight;
  const truth = new Uint8Array(spec.clips * size);
  const served = new Uint8Array(spec.clips * size);
  const records = [];
  let pending = [];
  const flush = async () => {
    const alignments = await alignClips(pending.map(({ frames }) => ({ grays: frames, width: spec.sourceWidth, height: spec.sourceHeight })));
    pending.forEach(({ frames, index }, k) => served.set(clipInput(frames, alignments[k].offsets, spec.sourceWidth, spec.sourceHeight, spec.inputWidth, spec.inputHeight), index * size));
    pending = [];
  };
  for (const { frames, offsets, record } of simulatorClips(spec)) {
    const index = records.length;
    records.push(record);
    truth.set(clipInput(frames, offsets, spec.sourceWidth, spec.sourceHeight, spec.inputWidth, spec.inputHeight), index * size);
    pending.push({ frames, index });
    if (pending.length === ALIGN_BATCH) await flush();
  }
  if (pending.length > 0) await flush();
  return { truth, served, records };
}

function fmt(value, digits) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function percent(value) {
  return `${fmt(100 * value, 1)} %`;
}

runCli({
  command: 'bench:inspector-quality',
  usage: USAGE,
  parse(argv) {
    const { values, switches } = parseFlags(argv, ['clips'], ['no-docs', 'help']);
    const clips = values.has('clips') ? Number(values.get('clips')) : undefined;
    if (clips !== undefined && !(Number.isInteger(clips) && clips >= 50 && clips <= 20_000)) throw new UsageError(`--clips: expected an integer in [50, 20000], got ${values.get('clips')}`);
    return { help: switches.has('help'), clips, docs: !switches.has('no-docs'), argv };
  },
  async run(options) {
    const started = Date.now();
    const { folder, manifest } = newestModel();
    const holdout = manifest.data.holdout;
    const model = fs.readFileSync(path.join(folder, 'clip.onnx'));
    const rows = [];
    for (const { width, height, note } of SIZES) {
      const spec = { ...holdout, clips: options.clips ?? holdout.clips, sourceWidth: width, sourceHeight: height };
      console.log(`${width}×${height}: ${spec.clips} held-out clips (seed ${spec.seed}), aligning and scoring`);
      const { truth, served, records } = await inputs(spec);
      const shape = { classes: manifest.classes.length, heatHeight: spec.heatHeight, heatWidth: spec.heatWidth, frameWidth: width, frameHeight: height };
      const batch = { count: spec.clips, frames: spec.frames, height: spec.inputHeight, width: spec.inputWidth };
      for (const [offsets, data] of [['true (the card)', truth], ['estimated (served)', served]]) {
        const { logits, heatmaps } = await runClipOnnx(model, 'clip', { ...batch, data });
        const report = evaluateModel(offsets, logits, heatmaps, records, shape);
        rows.push({ size: `${width}×${height} (${note})`, offsets, report });
        console.log(`  offsets ${offsets}: AUROC ${fmt(report.auroc, 4)}, false alarms ${percent(report.falseAlarmRate)}, static ${percent(report.staticRecall)}, temporal ${percent(report.temporalRecall)}, box IoU ≥ 0.5 ${percent(report.localisation.share)}`);
      }
    }
    const body = [
      `The shipped clip model (${path.relative(REPO, folder)}, \`${manifest.command}\`) on its card's held-out simulator clips (seed ${holdout.seed}, defect rate ${holdout.defectRate}), ` +
        `each clip's frames moved onto its last frame by the simulator's true offsets (what the card measures) or by the offsets the service estimates (alignClips: every frame against the clip's last, ` +
        `phase correlation in libs/native-gpu, the median of the whole frame and its top and bottom bands; sub-pixel, sampled between pixels), then shrunk and scored by ONNX Runtime. Verdicts at the manifest's threshold (${manifest.defectThreshold}).`,
      '',
      '| frame size | offsets | clips | AUROC | false alarms (OK flagged) | static defects flagged | temporal defects flagged | box IoU ≥ 0.5 (flagged static) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        ({ size, offsets, report }) =>
          `| ${size} | ${offsets} | ${report.clips} | ${fmt(report.auroc, 4)} | ${percent(report.falseAlarmRate)} | ${percent(report.staticRecall)} | ${percent(report.temporalRecall)} | ${percent(report.localisation.share)} |`,
      ),
    ].join('\n');
    console.log(`\n${body}\n`);
    if (options.docs) {
      const command = benchCommand('bench:inspector-quality', options.argv);
      await writeBenchmarkSection(path.join(REPO, 'docs/benchmarks.md'), { id: 'inspector-serving', title: 'defect-inspector: model quality as served (estimated alignment)', command, body });
      console.log('wrote the inspector-serving section of docs/benchmarks.md');
    }
    console.log(`bench took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return undefined;
  },
});
