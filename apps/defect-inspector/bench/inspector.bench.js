#!/usr/bin/env node
// inspector.bench.js: defect-inspector end to end, as deployed. A development broker and a fresh
// database (migrated, the shipped models seeded, the inspector champion among them), the service
// as a child process from dist (`node --cpu-prof apps/defect-inspector/dist/main.js`, so its
// threads are profiled), then 1, 4 and 8 cameras streaming pre-rendered simulator frames (GRAY8)
// paced in real time. Per run: frames/s the service accepted, clips/s, frame-to-verdict latency,
// the backlog left at the end, and where the service's CPU went. Writes the `inspector` section of
// docs/benchmarks.md. Runs the built dist: `npm run build` first.
//
//   npm run bench:inspector -- [--cameras 1,4,8] [--fps 100] [--seconds 30] [--warmup 3] [--frames-per-send 4] [--target-runs 3] [--no-docs]
'use strict';

const { execFile, fork, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { promisify } = require('node:util');

const REPO = path.resolve(__dirname, '../../..');
const DIST = path.resolve(__dirname, '../dist');
const MAIN = path.join(DIST, 'main.js');
const MODEL_CLI = path.join(REPO, 'libs/core-ml/dist/registry/model-cli.js');
/** The fetch max wait of the service and of the verdict listener: the development broker always waits it out when a fetch finds nothing. */
const FETCH_MAX_WAIT_MS = 10;
for (const file of [MAIN, MODEL_CLI, path.join(REPO, 'libs/devstack/dist/index.js'), path.join(REPO, 'migrations/dist/index.js')]) {
  if (!fs.existsSync(file)) {
    process.stderr.write(`bench:inspector: ${path.relative(REPO, file)} is missing; run \`npm run build\` first\n`);
    process.exit(1);
  }
}
const { Topic, TOPIC_SPECS } = require('@vigil/contracts');
const { DevKafka, dropDatabase, ensureDatabase, freePort, resolvePostgres } = require('@vigil/devstack');
const { migrateUp } = require('@vigil/migrations');
const { parseFlags, runCli, UsageError } = require('@vigil/platform/dist/cli');
const { benchCommand, writeBenchmarkSection } = require('@vigil/platform/dist/bench');
const { setHeapGrowingPercent } = require('@vigil/platform/dist/app/heap-growth');
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const { NO_FAULTS } = require(path.join(DIST, 'simulator/faults'));
const { DEFAULT_START, simulate } = require(path.join(DIST, 'simulator/generate'));
const { INSPECTOR_HEAP_GROWING_PERCENT } = require(path.join(DIST, 'heap-headroom'));
const { childPids, cpuMs, nowUs, profileFiles, profileWindows } = require('./cpu-use');

// The service's V8 heap headroom in the bench's own processes too: the producer's sends and the
// listener's fetches are buffers as well, and with V8's own choice each process ran a full GC several
// times a second on the cores the service shares.
setHeapGrowingPercent(INSPECTOR_HEAP_GROWING_PERCENT);

/** The clip model takes 8 × 64 × 64 crops; 128 × 128 frames are shrunk to them (160 × 120 in training). */
const FRAME = { width: 128, height: 128, format: 'GRAY8' };
const GROUP_ID = 'defect-inspector';
const CLIP_FRAMES = 8;
/** How long, after the last frame, the bench waits for the verdicts still due, then for the service to commit everything sent. */
const DRAIN_TIMEOUT_MS = 15_000;
const CATCH_UP_TIMEOUT_MS = 20_000;
/** A run kept up when it left at most this much backlog and every clip's verdict came. */
const KEPT_UP = { backlogSeconds: 0.25 };
const TARGET = { cameras: 4, p99Ms: 100 };

const USAGE = `Usage: npm run bench:inspector -- [--cameras 1,4,8] [--fps 100] [--seconds 30] [--warmup 3] [--frames-per-send 4] [--target-runs 3] [--no-docs]

  --cameras <list>  camera counts, one run each (default 1,4,8; at most 16)
  --fps <n>         frames per second per camera, paced in real time (default 100)
  --seconds <s>     measured seconds per run (default 30: some 1 500 clips at 4 cameras, so p99 is not the 6th-worst clip)
  --warmup <s>      seconds streamed before each measurement starts (default 3)
  --frames-per-send <n>  frames per camera gathered into one send, a gateway's linger (default 4, 40 ms at
                    100 fps; it divides the 8-frame clip, so a clip's last frame is sent when captured)
  --target-runs <n> runs of the target's ${TARGET.cameras} cameras, each with new cameras (default 3; the machine's noise
                    moves one run's p99 by tens of ms, so the target is judged on every run)
  --no-docs         print only; leave docs/benchmarks.md alone

Frames: ${FRAME.format} ${FRAME.width}×${FRAME.height} from the camera simulator (seed 7, no transport faults).
Needs Postgres (the local server, else embedded) and starts its own development broker.
`;

/**
 * Per camera, the frames of `seconds` at `fps`: wire values and headers of the simulator (seed 7,
 * no faults), rendered before any run so that rendering costs no run its CPU.
 */
function render(cameras, fps, seconds) {
  const perCamera = Array.from({ length: cameras }, () => []);
  const options = { seed: 7, cameras, lines: Math.min(2, cameras), fps, seconds, ...FRAME, defectRate: 0.2, faults: NO_FAULTS, start: DEFAULT_START };
  for (const frame of simulate(options)) perCamera[Number(frame.key.slice(4)) - 1].push(frame);
  return perCamera;
}

/** The broker, the database, the service and the bench's own Kafka clients; `stop()` ends what was started. */
class Stack {
  service;
  profileDir;
  #admin;
  #producer;
  #listener;
  #serviceLog = [];
  /** Service log lines (LOG_LEVEL warn: warnings and errors) since it started. */
  #serviceLines = 0;

  constructor(kafka, postgres, databaseName, databaseUrl) {
    this.kafka = kafka;
    this.postgres = postgres;
    this.postgresSource = postgres.source;
    this.databaseName = databaseName;
    this.databaseUrl = databaseUrl;
    this.client = new Kafka({ clientId: 'bench-inspector', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  }

  static async start() {
    console.log('starting the development broker and a fresh database');
    const kafka = await DevKafka.start({ brokers: 1, topics: [...TOPIC_SPECS] });
    let postgres;
    let url;
    const name = `vigil_bench_${randomBytes(4).toString('hex')}`;
    try {
      postgres = await resolvePostgres({ dataDir: path.join(REPO, '.devdata', 'postgres') });
      url = await ensureDatabase(postgres.adminUrl, name);
      const stack = new Stack(kafka, postgres, name, url);
      await migrateUp({ url });
      const { stdout } = await promisify(execFile)(process.execPath, [MODEL_CLI, 'seed'], { env: { ...process.env, DATABASE_URL: url } });
      for (const line of stdout.trim().split('\n').filter(Boolean)) console.log(`  ${line}`);
      return stack;
    } catch (error) {
      await kafka.stop();
      if (url !== undefined) await dropDatabase(postgres.adminUrl, name).catch(() => undefined);
      await postgres?.stop();
      throw error;
    }
  }

  /** The service from dist, CPU-profiled, with a fresh port; resolves once /health/ready answers. */
  async startService() {
    this.profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-inspector-'));
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: this.kafka.brokers.join(','),
      KAFKA_GROUP_ID: GROUP_ID,
      // The development broker waits a fetch's full max wait even when data arrives meanwhile.
      KAFKA_FETCH_MAX_WAIT_MS: String(FETCH_MAX_WAIT_MS),
      JWT_SECRET: randomBytes(48).toString('base64url'),
    };
    const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${this.profileDir}`, MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      const lines = chunk.toString().split('\n').filter(Boolean);
      this.#serviceLines += lines.length;
      this.#serviceLog.push(...lines);
      this.#serviceLog.splice(0, Math.max(0, this.#serviceLog.length - 40));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.service = { child, url: `http://127.0.0.1:${port}`, exited: new Promise((resolve) => child.once('exit', resolve)) };
    console.log(`starting defect-inspector from dist (pid ${child.pid}, port ${port})`);
    const deadline = Date.now() + 90_000;
    for (;;) {
      this.#assertServiceRunning();
      const ready = await fetch(`${this.service.url}/health/ready`).then((res) => res.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`defect-inspector was not ready within 90 s:\n${this.#serviceLog.join('\n')}`);
      await sleep(250);
    }
    this.#admin = this.client.admin();
    await this.#admin.connect();
    this.#producer = this.client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.#producer.connect();
    this.#listener = await VerdictListener.start(this.kafka.brokers);
  }

  #assertServiceRunning() {
    const { child } = this.service;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`defect-inspector exited (${child.exitCode ?? child.signalCode}):\n${this.#serviceLog.join('\n')}`);
  }

  /** One camera for a moment, until its first verdict: the group has joined and the champion is loaded. */
  async prime(frames, fps) {
    console.log('priming: the consumer group joins, the champion loads');
    const stream = new PacedStream(this.#producer, [frames.slice(0, 4 * CLIP_FRAMES)], 'PRIME', fps, 1);
    const expected = this.#listener.expect(stream);
    await stream.run();
    const deadline = Date.now() + 90_000;
    while (this.#listener.received(expected) === 0) {
      this.#assertServiceRunning();
      if (Date.now() > deadline) throw new Error(`no verdict for the priming camera within 90 s:\n${this.#serviceLog.join('\n')}`);
      await sleep(100);
    }
  }

  /** One run: `frames.length` cameras (ids `<prefix>-<n>`) streamed in real time, measured after the warm-up. */
  async stream(frames, { fps, seconds, warmup, framesPerSend }, prefix = `B${frames.length}`) {
    const cameras = frames.length;
    console.log(`\n${cameras} camera(s) × ${fps} fps: ${warmup} s warm-up, ${seconds} s measured`);
    const stream = new PacedStream(this.#producer, frames, prefix, fps, framesPerSend);
    const expected = this.#listener.expect(stream);
    const threads = () => ({ service: cpuMs(this.service.child.pid), serviceMain: cpuMs(this.service.child.pid, this.service.child.pid), broker: sum(childPids(process.pid, 'dev-kafka').map((pid) => cpuMs(pid) ?? 0)), bench: cpuMs(process.pid) + (cpuMs(this.#listener.pid) ?? 0) });
    const window = {};
    const linesBefore = this.#serviceLines;
    const streaming = stream.run();
    await sleep(warmup * 1000);
    window.from = await this.#snapshot(stream, threads);
    await sleep(seconds * 1000);
    window.to = await this.#snapshot(stream, threads);
    await streaming;
    const drained = await this.#listener.drain(expected, DRAIN_TIMEOUT_MS);
    this.#assertServiceRunning();
    const warnings = this.#serviceLines - linesBefore;
    if (warnings > 0) console.log(`  the service logged ${warnings} warning/error line(s) meanwhile, the last: ${this.#serviceLog[this.#serviceLog.length - 1].slice(0, 300)}`);
    // The next run starts on an idle service, or says it did not.
    const deadline = performance.now() + CATCH_UP_TIMEOUT_MS;
    while ((await this.#lag()) > 0 && performance.now() < deadline) await sleep(200);
    const behind = await this.#lag();
    if (behind > 0) console.log(`  the service still had ${behind} camera.frames messages to commit ${CATCH_UP_TIMEOUT_MS / 1000} s after the drain; the next run shares the service with them`);
    return measure({ cameras, fps, stream, expected, window, drained, listener: this.#listener });
  }

  async #snapshot(stream, threads) {
    const at = performance.now();
    const us = nowUs();
    const [accepted, clipLatency] = await scrape(this.service.url, ['defect_frames_total', 'defect_clip_latency_seconds_sum', 'defect_clip_latency_seconds_count']).then((m) => [m.defect_frames_total, m]);
    const stages = await scrapeStages(this.service.url);
    return { at, us, captured: stream.capturedBefore(at), accepted, clipLatency, stages, cpu: threads(), lag: await this.#lag() };
  }

  /** camera.frames messages not yet committed by the service's group. */
  async #lag() {
    const ends = await this.#admin.fetchTopicOffsets(Topic.CameraFrames);
    const [committed] = await this.#admin.fetchOffsets({ groupId: GROUP_ID, topics: [Topic.CameraFrames] });
    return sum(
      ends.map((end) => {
        const at = BigInt(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1');
        return Number(BigInt(end.high) - (at < 0n ? BigInt(end.low) : at));
      }),
    );
  }

  /** SIGTERM (the service drains and commits), then its thread profiles. */
  async stopService() {
    const { child, exited } = this.service;
    await this.#listener?.stop();
    this.#listener = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    return profileFiles(this.profileDir);
  }

  async stop() {
    await this.#listener?.stop().catch(() => undefined);
    await this.#producer?.disconnect().catch(() => undefined);
    await this.#admin?.disconnect().catch(() => undefined);
    if (this.service && this.service.child.exitCode === null && this.service.child.signalCode === null) {
      this.service.child.kill('SIGKILL');
      await this.service.exited;
    }
    if (this.profileDir) fs.rmSync(this.profileDir, { recursive: true, force: true });
    await this.kafka.stop();
    await dropDatabase(this.postgres.adminUrl, this.databaseName).catch((error) => console.error(`could not drop ${this.databaseName}: ${error.message}`));
    await this.postgres.stop();
  }
}

/**
 * Sends the cameras' frames at their capture times (tick k at start + k / fps), `ticksPerSend`
 * ticks at a time (a gateway's linger: 1 sends each tick as it is captured), every frame due in
 * one send and one send at a time: a slow send makes the next one bigger, never reorders. Camera
 * ids get a run prefix and `ts` the paced capture time, so every run is a fresh set of cameras.
 */
class PacedStream {
  constructor(producer, frames, prefix, fps, ticksPerSend) {
    this.producer = producer;
    this.frames = frames;
    this.cameraIds = frames.map((_, k) => `${prefix}-CAM-${String(k + 1).padStart(2, '0')}`);
    this.period = 1000 / fps;
    this.ticksPerSend = ticksPerSend;
    this.ticks = Math.min(...frames.map((f) => f.length));
    /** performance.now() of the stream's tick 0; tick k is captured at start + k × period. */
    this.start = NaN;
    /** Per tick: when the send carrying it was called (performance.now() ms). */
    this.sentAt = new Float64Array(this.ticks).fill(NaN);
  }

  capturedAt(tick) {
    return this.start + tick * this.period;
  }

  async run() {
    this.start = performance.now();
    const startUs = Date.now() * 1000;
    let next = 0;
    while (next < this.ticks) {
      // Ticks captured so far, rounded down to whole sends (the last send takes the rest).
      const captured = Math.min(this.ticks, Math.floor((performance.now() - this.start) / this.period) + 1);
      const due = captured === this.ticks ? captured : captured - (captured % this.ticksPerSend);
      if (due <= next) {
        await sleep(Math.max(0, this.capturedAt(next + this.ticksPerSend - 1) - performance.now()));
        continue;
      }
      const messages = [];
      for (let tick = next; tick < due; tick++) {
        this.frames.forEach((camera, k) => {
          const { headers, value } = camera[tick];
          const id = this.cameraIds[k];
          // Capture time in µs, strictly increasing per camera.
          const ts = String(startUs + Math.round(tick * this.period * 1000) + k);
          messages.push({ key: id, value, headers: { ...headers, 'camera-id': id, seq: String(tick), ts } });
        });
      }
      this.sentAt.fill(performance.now(), next, due);
      next = due;
      await this.producer.send({ topic: Topic.CameraFrames, messages });
    }
  }

  /** Frames captured before `at`. */
  capturedBefore(at) {
    const ticks = Math.min(this.ticks, Math.max(0, Math.floor((at - this.start) / this.period) + 1));
    return ticks * this.cameraIds.length;
  }
}

/**
 * inspection.results as they arrive, by camera and clip end. The consumer runs in a child process
 * (verdict-listener.js) that keeps the normal priority when this one yields the cores, and stamps
 * each arrival itself.
 */
class VerdictListener {
  #child;
  #exited;
  #byCamera = new Map();

  static async start(brokers) {
    const listener = new VerdictListener();
    const child = fork(path.join(__dirname, 'verdict-listener.js'), [brokers.join(','), Topic.InspectionResults, String(FETCH_MAX_WAIT_MS), String(INSPECTOR_HEAP_GROWING_PERCENT)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    listener.#child = child;
    listener.#exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve, reject) => {
      child.on('message', (message) => {
        if (message.kind === 'ready') resolve();
        // Its clock: epoch ms; here, performance.now()'s.
        if (message.kind === 'verdicts') for (const result of message.results) listener.#record(result, message.at - performance.timeOrigin, message.at);
      });
      child.once('exit', (code) => reject(new Error(`the verdict listener exited (${code}) before its group joined`)));
    });
    return listener;
  }

  #record(result, at, wallAt) {
    const camera = this.#byCamera.get(result.cameraId);
    if (camera === undefined) return;
    // Wall clock, one machine: the verdict's stored time (processedAt, ms) against its last frame's capture and its arrival here.
    const storedAt = Date.parse(result.processedAt);
    const toServiceMs = storedAt - result.latencyMs - result.tsEnd / 1000;
    camera.push({ seqStart: result.seqStart, seqEnd: result.seqEnd, at, serviceMs: result.latencyMs, toServiceMs, afterStoreMs: wallAt - storedAt, verdict: result.verdict });
  }

  /** The clips a stream's cameras will produce: back to back from seq 0. */
  expect(stream) {
    for (const id of stream.cameraIds) this.#byCamera.set(id, []);
    const lastEnd = Math.floor(stream.ticks / CLIP_FRAMES) * CLIP_FRAMES - 1;
    return { stream, lastEnd, perCamera: Math.floor(stream.ticks / CLIP_FRAMES) };
  }

  /** Verdicts received so far for an expected stream. */
  received(expected) {
    return sum(expected.stream.cameraIds.map((id) => this.#byCamera.get(id).length));
  }

  results(expected) {
    return expected.stream.cameraIds.map((id) => this.#byCamera.get(id));
  }

  /** Waits for every camera's last clip (or the timeout); resolves with when the last came, if it did. */
  async drain(expected, timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    const done = () => expected.stream.cameraIds.every((id) => this.#byCamera.get(id).some((r) => r.seqEnd === expected.lastEnd));
    while (!done() && performance.now() < deadline) await sleep(20);
    const lasts = this.results(expected).map((results) => Math.max(...results.map((r) => r.at)));
    return { complete: done(), lastAt: Math.max(...lasts) };
  }

  get pid() {
    return this.#child.pid;
  }

  async stop() {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.send({ kind: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/** Prometheus text → the summed value of each wanted metric name. */
async function scrape(url, names) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const values = Object.fromEntries(names.map((name) => [name, 0]));
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.eE+-]+|NaN)$/.exec(line);
    if (match && match[1] in values) values[match[1]] += Number(match[2]);
  }
  return values;
}

/** The service's `defect_batch_stage_seconds`, per stage: its sum, count and cumulative bucket counts by upper bound (s). */
async function scrapeStages(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const stages = new Map();
  const of = (stage) => stages.get(stage) ?? stages.set(stage, { sum: 0, count: 0, buckets: new Map() }).get(stage);
  for (const line of text.split('\n')) {
    const match = /^defect_batch_stage_seconds_(bucket|sum|count)\{([^}]*)\} ([0-9.eE+-]+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    const entry = of(labels.stage);
    const value = Number(match[3]);
    if (match[1] === 'bucket') entry.buckets.set(Number(labels.le), value);
    else entry[match[1]] = value;
  }
  return stages;
}

/** Per stage in the window: mean ms and the bucket bound (ms) at or under which 99 % of batches fell. */
function stageFigures(from, to) {
  const figures = [];
  for (const [stage, end] of to) {
    const start = from.get(stage) ?? { sum: 0, count: 0, buckets: new Map() };
    const count = end.count - start.count;
    if (count <= 0) continue;
    const bound = [...end.buckets].sort((a, b) => a[0] - b[0]).find(([le, n]) => n - (start.buckets.get(le) ?? 0) >= 0.99 * count)?.[0] ?? Infinity;
    figures.push({ stage, batches: count, meanMs: ((end.sum - start.sum) / count) * 1000, p99BoundMs: bound * 1000 });
  }
  return figures;
}

/** The niceness of the bench's own (producer) process once the broker, the service and the verdict listener are started (they keep 0). */
const BENCH_NICE = 10;

/**
 * Lowers the priority of every thread of this process: its producer stands in for camera gateways on
 * other machines, so where it shares the cores it should not be served first. Its delays still count:
 * latency runs from each frame's capture time, not its send, to the verdict listener (its own
 * process, normal priority) receiving the verdict.
 */
function yieldCores() {
  for (const thread of fs.readdirSync('/proc/self/task')) os.setPriority(Number(thread), BENCH_NICE);
}

/** The run's figures: rates in the measured window, latency of the clips whose last frame was captured in it. */
function measure({ cameras, fps, stream, expected, window, drained, listener }) {
  const { from, to } = window;
  const seconds = (to.at - from.at) / 1000;
  const inWindow = (tick) => stream.capturedAt(tick) >= from.at && stream.capturedAt(tick) < to.at;
  const latencies = [];
  const serviceMs = [];
  const toServiceMs = [];
  const afterStoreMs = [];
  let clipsInWindow = 0;
  for (const results of listener.results(expected)) {
    for (const result of results) {
      if (result.at >= from.at && result.at < to.at) clipsInWindow++;
      if (!inWindow(result.seqEnd)) continue;
      latencies.push(result.at - stream.capturedAt(result.seqEnd));
      serviceMs.push(result.serviceMs);
      toServiceMs.push(result.toServiceMs);
      afterStoreMs.push(result.afterStoreMs);
    }
  }
  const sendDelays = [];
  for (let tick = 0; tick < stream.ticks; tick++) if (inWindow(tick)) sendDelays.push(stream.sentAt[tick] - stream.capturedAt(tick));
  const offered = cameras * fps;
  const accepted = (to.accepted - from.accepted) / seconds;
  const backlog = to.captured - from.captured - (to.accepted - from.accepted);
  const histogram = (snap) => [snap.clipLatency.defect_clip_latency_seconds_sum, snap.clipLatency.defect_clip_latency_seconds_count];
  const [sum1, n1] = histogram(from);
  const [sum2, n2] = histogram(to);
  const cpu = (key) => ((to.cpu[key] ?? NaN) - (from.cpu[key] ?? NaN)) / (to.at - from.at);
  return {
    cameras,
    fps,
    seconds,
    offered,
    accepted,
    clipsPerSecond: clipsInWindow / seconds,
    verdicts: latencies.length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    serviceP50Ms: quantile(serviceMs, 0.5),
    serviceP99Ms: quantile(serviceMs, 0.99),
    toServiceP50Ms: quantile(toServiceMs, 0.5),
    toServiceP99Ms: quantile(toServiceMs, 0.99),
    afterStoreP50Ms: quantile(afterStoreMs, 0.5),
    afterStoreP99Ms: quantile(afterStoreMs, 0.99),
    publishedMeanMs: n2 > n1 ? ((sum2 - sum1) / (n2 - n1)) * 1000 : NaN,
    sendDelayP99Ms: quantile(sendDelays, 0.99),
    backlogFrames: backlog,
    backlogSeconds: backlog / offered,
    lagMessages: to.lag,
    drainMs: drained.complete ? Math.max(0, drained.lastAt - stream.capturedAt(expected.lastEnd)) : NaN,
    complete: drained.complete,
    keptUp: backlog / offered <= KEPT_UP.backlogSeconds && drained.complete,
    cores: { service: cpu('service'), serviceMain: cpu('serviceMain'), broker: cpu('broker'), bench: cpu('bench') },
    stageTimes: stageFigures(from.stages, to.stages),
    windowUs: [from.us, to.us],
  };
}

/**
 * Splits each run's main-thread CPU (/proc) into stages in the proportions of its profile's samples;
 * samples are wall time (a descheduled thread is still sampled), so only their proportions are used.
 */
function attributeCpu(runs, profiles) {
  const windows = runs.map((run) => run.windowUs);
  const [main] = profiles;
  const mainStages = main ? profileWindows(main.file, windows) : windows.map(() => new Map());
  const busy = (stages) => [...stages].filter(([name]) => name !== 'idle');
  runs.forEach((run, w) => {
    const mainBusyMs = sum(busy(mainStages[w]).map(([, ms]) => ms));
    run.stages = busy(mainStages[w])
      .map(([name, ms]) => [name, mainBusyMs > 0 ? (ms / mainBusyMs) * run.cores.serviceMain : 0])
      .sort((a, b) => b[1] - a[1]);
  });
}

function summaryLine(run) {
  return (
    `  accepted ${fmt(run.accepted, 0)} of ${run.offered} frames/s, ${fmt(run.clipsPerSecond, 1)} clips/s, ` +
    `frame→verdict p50 ${fmt(run.p50Ms, 1)} ms p99 ${fmt(run.p99Ms, 1)} ms (max ${fmt(run.maxMs, 0)}), ` +
    `backlog ${run.backlogFrames} frames (${fmt(run.backlogSeconds, 2)} s), ${run.keptUp ? 'kept up' : 'fell behind'}; ` +
    `service ${fmt(run.cores.service, 2)} cores, broker ${fmt(run.cores.broker, 2)}, bench ${fmt(run.cores.bench, 2)}`
  );
}

function report(options, runs, targetRuns, postgresSource) {
  const met = (run) => run.keptUp && run.p99Ms <= TARGET.p99Ms && run.fps >= 100;
  const each = targetRuns.map((run) => `${fmt(run.p99Ms, 1)} ms${run.keptUp ? '' : ' (fell behind)'}`).join(', ');
  const passed = targetRuns.filter(met).length;
  const verdict =
    targetRuns.length === 0
      ? `No ${TARGET.cameras}-camera run, so the target (${TARGET.cameras} cameras × 100 fps, p99 ≤ ${TARGET.p99Ms} ms) was not checked.`
      : `Target (${TARGET.cameras} cameras × 100 fps at ${FRAME.width}×${FRAME.height}, p99 ≤ ${TARGET.p99Ms} ms): **${passed === targetRuns.length ? 'met' : passed === 0 ? 'missed' : 'met in some runs only'}**: ` +
        `met in ${passed} of ${targetRuns.length} runs of ${options.seconds} s, each with new cameras (p99 ${each}; the table shows the first).`;
  const lines = [
    `defect-inspector from dist as a child process (\`node --cpu-prof apps/defect-inspector/dist/main.js\`, LOG_LEVEL warn), ` +
      `the development broker (1 broker, librdkafka 2.0 mock cluster) and Postgres (${postgresSource} server, a fresh migrated database, the shipped models seeded) on this machine, ` +
      `with the bench's producer and verdict consumer beside them: everything shares the same cores, the producer's process at nice ${BENCH_NICE} (it stands in for camera gateways on other machines; its send delays still count), the verdict consumer in a process of its own at normal priority; both with the service's V8 old-generation headroom (\`--heap-growing-percent=${INSPECTOR_HEAP_GROWING_PERCENT}\`, set by each process at start). ` +
      `The service reads a partition's next frames while its earlier batches are aligned, scored and stored (at most 8 batches in flight per partition). ` +
      `Frames: ${FRAME.format} ${FRAME.width}×${FRAME.height} from the camera simulator (seed 7, no transport faults), pre-rendered, ` +
      `streamed at ${options.fps} fps per camera in real time, ${options.framesPerSend} frame(s) per camera in each send (one send at a time, all cameras together); ` +
      `each run is a new set of cameras, ${options.warmup} s of warm-up, then ${options.seconds} s measured. Clips of ${CLIP_FRAMES} frames back to back; the model sees each as 8 × 64 × 64. ` +
      `1-minute load average at the end: ${os.loadavg()[0].toFixed(2)} (the machine is shared).`,
    '',
    '- **frames/s**: frames the service accepted (its `defect_frames_total`) in the measured window, against those offered.',
    "- **frame → verdict**: from the capture time of a clip's last frame (its paced time; it is sent then when the frames per send divide 8) to the bench receiving that clip's `inspection.results` message, for every clip whose last frame was captured in the window.",
    "- **→ service**: the last frame's capture → it reaching the service (the verdict's `processedAt` − `latencyMs` − `tsEnd`, wall clock, ms). **in service**: the message's own `latencyMs` (the last frame reaching the service → its verdict going to be stored); **→ published**: the mean of `defect_clip_latency_seconds` (→ stored and published) in the window. **stored → bench**: the verdict's `processedAt` → the bench receiving it (publish, broker, the bench's consumer).",
    `- **backlog**: frames captured but not yet accepted when the window closed (camera.frames messages not yet committed); **drain**: the last clip's frame → verdict. **kept up**: backlog ≤ ${KEPT_UP.backlogSeconds} s of frames and every clip's verdict arrived. **send delay**: capture → the send carrying the frame.`,
    '',
    `The development broker is not Kafka where it matters here: its Fetch handler returns at most one record batch (one producer send) per partition per fetch, and a fetch that finds no data anywhere is answered after the full max wait (the service asks \`KAFKA_FETCH_MAX_WAIT_MS\`, ${FETCH_MAX_WAIT_MS} ms here) even if frames arrive meanwhile ` +
      '(librdkafka 2.0 `rd_kafka_mock_handle_Fetch`, whose comments leave both, several record batches per fetch and cutting the wait short, as work not done). ' +
      `So a partition yields one send's frames per fetch round, and a service that is ahead of the cameras waits ${FETCH_MAX_WAIT_MS} ms for the next frames: ` +
      'the frames per send set the batch size the service gets, and latency here is bounded below by those stalls. It also keeps only the newest 5 MiB of a partition (about 320 of these frames, some 3 s of one camera): a service further behind loses frames (offset out of range, then clips lost on the rebuild), so a run that falls behind collapses here. ' +
      'A real broker hands over everything waiting, answers a waiting fetch as soon as data comes, and retains by time.',
    '',
    '| cameras | offered frames/s | accepted frames/s | clips/s | frame → verdict p50 | p99 | max | → service p50 / p99 | in service p50 / p99 | → published (mean) | stored → bench p50 / p99 | backlog (uncommitted) | drain | kept up | send delay p99 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  ];
  for (const run of runs) {
    lines.push(
      `| ${run.cameras} | ${run.offered} | ${fmt(run.accepted, 0)} | ${fmt(run.clipsPerSecond, 1)} | ${fmt(run.p50Ms, 1)} ms | ${fmt(run.p99Ms, 1)} ms | ${fmt(run.maxMs, 0)} ms | ` +
        `${fmt(run.toServiceP50Ms, 0)} / ${fmt(run.toServiceP99Ms, 0)} ms | ${fmt(run.serviceP50Ms, 1)} / ${fmt(run.serviceP99Ms, 1)} ms | ${fmt(run.publishedMeanMs, 1)} ms | ${fmt(run.afterStoreP50Ms, 0)} / ${fmt(run.afterStoreP99Ms, 0)} ms | ${run.backlogFrames} (${run.lagMessages}) | ${fmt(run.drainMs, 0)} ms | ${run.keptUp ? 'yes' : 'no'} | ${fmt(run.sendDelayP99Ms, 1)} ms |`,
    );
  }
  lines.push('', verdict, '', "Where a batch's time went in the service during each measured window (`defect_batch_stage_seconds`; each stage from the end of the one before; mean / the bucket bound 99 % of batches stayed within):", '');
  const stageNames = ['align', 'score', 'store_wait', 'store', 'publish'];
  lines.push(`| stage | ${runs.map((run) => `${run.cameras} cam`).join(' | ')} |`, `| --- | ${runs.map(() => '---:').join(' | ')} |`);
  for (const stage of stageNames) {
    const cellOf = (run) => {
      const figure = run.stageTimes.find((f) => f.stage === stage);
      return figure === undefined ? 'n/a' : `${fmt(figure.meanMs, 1)} / ≤ ${fmt(figure.p99BoundMs, 0)} ms`;
    };
    lines.push(`| ${stage} | ${runs.map(cellOf).join(' | ')} |`);
  }
  lines.push(
    '',
    '**align**: launch → aligned, after the partition\'s previous batch aligned; **score**: shrink the clips, wait for a model run, verdicts; **store_wait**: for the partition\'s previous batch to be stored; **store**: the batch\'s transaction; **publish**: the outbox sending its verdicts.',
    '',
    'Where the CPU went during each measured window, in cores (1.00 = one core busy the whole window):',
    '',
  );
  const names = [...new Set(runs.flatMap((run) => (run.stages ?? []).map(([name]) => name)))];
  lines.push(`| | ${runs.map((run) => `${run.cameras} cam`).join(' | ')} |`, `| --- | ${runs.map(() => '---:').join(' | ')} |`);
  const cell = (run, name) => fmt((run.stages ?? []).find(([n]) => n === name)?.[1] ?? 0, 2);
  for (const name of names) lines.push(`| main thread: ${name} | ${runs.map((run) => cell(run, name)).join(' | ')} |`);
  lines.push(
    `| **main thread, total** | ${runs.map((run) => `**${fmt(run.cores.serviceMain, 2)}**`).join(' | ')} |`,
    `| other threads: model inference, alignment FFTs, GC helpers | ${runs.map((run) => fmt(run.cores.service - run.cores.serviceMain, 2)).join(' | ')} |`,
    `| **service, total** | ${runs.map((run) => `**${fmt(run.cores.service, 2)}**`).join(' | ')} |`,
    `| development broker | ${runs.map((run) => fmt(run.cores.broker, 2)).join(' | ')} |`,
    `| bench (producer, verdict consumer) | ${runs.map((run) => fmt(run.cores.bench, 2)).join(' | ')} |`,
    '',
    'Totals are /proc CPU times. The main thread\'s total is split in the proportions of its V8 CPU profile\'s samples inside the window, each charged to the script it ran in ' +
      '(Node internals and native calls to their caller). The other threads are not told apart: ONNX Runtime and the alignment addon compute off the JS threads. Postgres\'s own CPU is not counted (a shared server).',
  );
  return lines.join('\n');
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function fmt(value, digits) {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';
}

// Last: the classes above are not initialised before their declarations run.
runCli({
  command: 'bench:inspector',
  usage: USAGE,
  parse(argv) {
    const { values, switches } = parseFlags(argv, ['cameras', 'fps', 'seconds', 'warmup', 'frames-per-send', 'target-runs'], ['no-docs', 'help']);
    const cameras = (values.get('cameras') ?? '1,4,8').split(',').map(Number);
    if (!cameras.every((n) => Number.isInteger(n) && n >= 1 && n <= 16)) throw new UsageError(`--cameras: expected a comma-separated list of integers 1..16, got ${values.get('cameras')}`);
    const number = (name, fallback, min, max) => {
      const value = Number(values.get(name) ?? fallback);
      if (!(value >= min && value <= max)) throw new UsageError(`--${name}: expected a number in [${min}, ${max}], got ${values.get(name)}`);
      return value;
    };
    const fps = number('fps', 100, 1, 100);
    if (!Number.isInteger(fps)) throw new UsageError(`--fps: expected an integer, got ${values.get('fps')}`);
    const framesPerSend = number('frames-per-send', 4, 1, 100);
    if (!Number.isInteger(framesPerSend)) throw new UsageError(`--frames-per-send: expected an integer, got ${values.get('frames-per-send')}`);
    const targetRuns = number('target-runs', 3, 1, 10);
    if (!Number.isInteger(targetRuns)) throw new UsageError(`--target-runs: expected an integer, got ${values.get('target-runs')}`);
    return { help: switches.has('help'), cameras, fps, framesPerSend, targetRuns, seconds: number('seconds', 30, 1, 120), warmup: number('warmup', 3, 1, 30), docs: !switches.has('no-docs'), argv };
  },
  async run(options, stopped) {
    const started = Date.now();
    const stack = await Stack.start();
    try {
      console.log(`rendering ${Math.max(...options.cameras)} cameras × ${Math.round((options.warmup + options.seconds) * options.fps)} frames`);
      const frames = render(Math.max(...options.cameras), options.fps, options.warmup + options.seconds);
      await stack.startService();
      yieldCores();
      await stack.prime(frames[0], options.fps);

      const runs = [];
      for (const cameras of options.cameras) {
        if (stopped()) return 'stopped';
        const run = await stack.stream(frames.slice(0, cameras), options);
        runs.push(run);
        console.log(summaryLine(run));
      }
      // The target's further runs, after the table's runs (their CPU is not broken down).
      const targetRuns = runs.filter((run) => run.cameras === TARGET.cameras);
      for (let k = 2; targetRuns.length > 0 && k <= options.targetRuns; k++) {
        if (stopped()) return 'stopped';
        const run = await stack.stream(frames.slice(0, TARGET.cameras), options, `B${TARGET.cameras}R${k}`);
        targetRuns.push(run);
        console.log(summaryLine(run));
      }
      const profiles = await stack.stopService();
      attributeCpu(runs, profiles);
      const body = report(options, runs, targetRuns, stack.postgresSource);
      console.log(`\n${body}\n`);
      if (options.docs) {
        const command = benchCommand('bench:inspector', options.argv);
        await writeBenchmarkSection(path.join(REPO, 'docs/benchmarks.md'), { id: 'inspector', title: 'defect-inspector: camera frames to verdicts, end to end', command, body });
        console.log('wrote the inspector section of docs/benchmarks.md');
      }
      console.log(`bench took ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return undefined;
    } finally {
      await stack.stop();
    }
  },
});
