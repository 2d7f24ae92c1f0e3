/**
 * Where an inference worker's code comes from, the one place that knows it.
 *
 * Built (dist), `inference-worker.js` sits beside this file and the thread starts it as is. Run from
 * source (ts-jest, ts-node), only `inference-worker.ts` exists, and a worker thread would not know
 * what to do with it: the thread starts `typescript-worker.js` instead, which transpiles `.ts` files
 * as it requires them. The choice is made by what is on disk next to this module, so it needs no
 * flag and cannot pick the source path in production (the build always emits the `.js`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

const ENTRY = 'inference-worker';

export function spawnInferenceWorker(): Worker {
  const compiled = path.join(__dirname, `${ENTRY}.js`);
  if (fs.existsSync(compiled)) return new Worker(compiled);
  return new Worker(path.join(__dirname, 'typescript-worker.js'), {
    workerData: { typescriptEntry: path.join(__dirname, `${ENTRY}.ts`) },
  });
}
