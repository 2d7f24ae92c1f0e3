#!/usr/bin/env node
// window-agg.bench.js: end-to-end throughput of windowAggregates from JS (validation, marshalling,
// native work, result wrapping) on a synthetic transaction stream, per backend. Kernel-only timing
// (CUDA events, L2 flush, GB/s) belongs in a dev/cuda harness; this measures what core-ml will see.
//
//   npm run bench -w @vigil/native-gpu -- [events=2000000] [reps=3]
'use strict';

const { backends, windowAggregates } = require('../dist');

const events = Number(process.argv[2] ?? 2_000_000);
const reps = Number(process.argv[3] ?? 3);
const WINDOWS_MS = [60_000, 3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000];

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

// ~40 events per account, spread over ~60 days, amounts with cents, 25 beneficiaries per account.
function stream(n) {
  const random = rng(42);
  const keys = new Int32Array(n);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  const categories = new Int32Array(n);
  let key = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0 || random() < 1 / 40) {
      key++;
      t = 1.7e12 + Math.floor(random() * 1e9);
    }
    t += Math.floor(random() * 2 * 3_600_000 * 36);
    keys[i] = key;
    times[i] = t;
    values[i] = Math.round(random() * 1e6) / 100;
    categories[i] = Math.floor(random() * 25);
  }
  return { keys, times, values, categories, windowsMs: WINDOWS_MS };
}

async function measure(label, input, options) {
  await windowAggregates(input, options); // warm-up (CUDA context creation, page faults)
  const started = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) await windowAggregates(input, options);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9 / reps;
  const bytes = input.keys.length * (4 + 8 + 8 + 4) + input.keys.length * WINDOWS_MS.length * 8 * 7;
  console.log(
    `${label.padEnd(28)} ${(seconds * 1e3).toFixed(1).padStart(8)} ms   ` +
      `${((input.keys.length * WINDOWS_MS.length) / seconds / 1e6).toFixed(1).padStart(7)} M (event, window)/s   ` +
      `${(bytes / seconds / 1e9).toFixed(2).padStart(6)} GB/s in+out`,
  );
}

(async () => {
  const input = stream(events);
  console.log(`windowAggregates: ${events} events x ${WINDOWS_MS.length} windows, categories on, ${reps} reps`);
  await measure('cpu, 1 thread', input, { backend: 'cpu', threads: 1 });
  await measure('cpu, all threads', input, { backend: 'cpu' });
  if (backends().includes('cuda')) {
    for (const lanesPerQuery of [1, 4, 8, 32]) {
      await measure(`cuda, ${lanesPerQuery} lanes/query`, input, { backend: 'cuda', cuda: { lanesPerQuery } });
    }
  } else {
    console.log('cuda: not available on this machine');
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
