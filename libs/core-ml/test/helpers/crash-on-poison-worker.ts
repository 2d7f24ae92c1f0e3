/**
 * The real inference worker, plus a listener registered ahead of it that kills the thread when a run
 * of exactly POISON_ROWS rows arrives: a worker dying with a request in flight, the way a native
 * crash would, but between runs. (Terminating a worker while ORT is inside a run aborts the whole
 * process: onnxruntime-node throws a C++ Napi::Error into a dying environment.)
 */
import { parentPort } from 'node:worker_threads';

import type { WorkerRequest } from '../../src/workers/protocol';
import { POISON_EXIT_CODE, POISON_ROWS } from './poison';

parentPort?.on('message', (request: WorkerRequest) => {
  if (request.kind === 'run' && Object.values(request.feeds).some((feed) => feed.dims[0] === POISON_ROWS)) process.exit(POISON_EXIT_CODE);
});
// After the listener above, so it sees each message first (an import would be hoisted above it).
require('../../src/workers/inference-worker');
