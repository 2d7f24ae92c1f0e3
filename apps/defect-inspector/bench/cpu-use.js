'use strict';
// Where a process's CPU went during a time window: V8 CPU profiles (`node --cpu-prof`) of its
// threads, sample by sample, sorted into pipeline stages by the script each sample ran in; and
// /proc times for the threads no profile covers (the libuv pool, where the alignment addon runs).

const fs = require('node:fs');

/**
 * Stages by the script a sample's function comes from, first match wins. A function of Node's
 * own (`node:internal/...`) or a native one (no url) counts for the caller that got it there.
 */
const STAGES = [
  ['decode', /\/contracts\/dist\/frames\//],
  ['reorder + clip assembly', /\/modules\/ingest\/|\/camera-stream\.js$/],
  ['alignment (JS side)', /\/frame-alignment\.js$|\/native-gpu\/dist\//],
  ['preprocess (shift, shrink, scale)', /\/training\/preprocess\.js$/],
  ['verdict + defect images', /\/verdict\.js$|\/inspection-images\.js$|\/png\.js$/],
  ['model client (worker pool messages)', /\/core-ml\/dist\//],
  ['store (TypeORM, pg)', /\/node_modules\/(typeorm|pg|pg-protocol|pg-pool)\/|\/inspection\.repository\.js$|\/typeorm-sql\.js$/],
  ['publish (outbox)', /\/inspection-outbox\.js$/],
  ['Kafka client (fetch, decode, commit, produce)', /\/node_modules\/kafkajs\//],
  ['logs + metrics', /\/node_modules\/(pino|pino-std-serializers|sonic-boom|prom-client)\/|\/platform\/dist\/(logging|metrics)\//],
  ['pipeline orchestration', /\/inspection-pipeline\.service\.js$|\/frames\.consumer\.js$|\/platform\/dist\/kafka\//],
];
/** Functions whose samples belong to their callers. */
const INHERITS = (url) => url === '' || url.startsWith('node:');

/** A stage per profile node id: its own, else its nearest caller's, else 'other'. */
function stagesOf(profile) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const stage = new Map();
  const resolve = (id) => {
    if (stage.has(id)) return stage.get(id);
    const { functionName, url } = byId.get(id).callFrame;
    let name;
    if (functionName === '(idle)') name = 'idle';
    else if (functionName === '(garbage collector)') name = 'garbage collection';
    else if (functionName === '(program)') name = 'V8 / native, no JS caller';
    else if (INHERITS(url)) name = parent.has(id) ? resolve(parent.get(id)) : 'other';
    else name = (STAGES.find(([, pattern]) => pattern.test(url)) ?? ['other'])[0];
    stage.set(id, name);
    return name;
  };
  for (const node of profile.nodes) resolve(node.id);
  return stage;
}

/**
 * Milliseconds of samples per stage in each window. Timestamps are µs on the monotonic clock, the
 * clock of `process.hrtime` in every process of the machine; `windows` are [fromUs, toUs).
 */
function profileWindows(file, windows) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const stage = stagesOf(profile);
  const totals = windows.map(() => new Map());
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample stands for the time until the next one.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    windows.forEach(([from, to], w) => {
      if (t < from || t >= to) return;
      const name = stage.get(profile.samples[i]);
      totals[w].set(name, (totals[w].get(name) ?? 0) + ms);
    });
  }
  return totals;
}

/** Every thread profile in `dir`, main thread first (Node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
function profileFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => ({ name, thread: Number(name.split('.')[4]) }))
    .sort((a, b) => a.thread - b.thread)
    .map(({ name, thread }) => ({ file: `${dir}/${name}`, thread }));
}

const TICK_MS = 1000 / 100; // USER_HZ: /proc reports CPU time in 1/100 s on Linux

/** CPU ms (user + system) of a process or one of its threads, from /proc; undefined once it is gone. */
function cpuMs(pid, tid) {
  try {
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Child processes of `pid` whose command name is `comm` (e.g. the broker the bench started). */
function childPids(pid, comm) {
  const found = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && name === comm) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The monotonic clock in µs, the profiles' timestamps. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

module.exports = { profileWindows, profileFiles, cpuMs, childPids, nowUs };
