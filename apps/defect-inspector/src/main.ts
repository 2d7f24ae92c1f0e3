import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { setWorkerScheduling } from '@vigil/native-gpu';
import { bootstrapService } from '@vigil/platform';

import { DefectInspectorModule } from './app.module';
import { DefectInspectorEnv } from './config/env';
import { INSPECTOR_HEAP_GROWING_PERCENT } from './heap-headroom';

// The event loop carries each verdict's latency (fetch, store, publish); alignment and shrinking run
// beside it on libuv's threads, which as SCHED_BATCH no longer take its core when they wake.
setWorkerScheduling('batch');

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

void bootstrapService({
  service: 'defect-inspector',
  version,
  description: 'Defect verdicts from line-camera frames, localised and charted',
  envClass: DefectInspectorEnv,
  rootModule: (env, logger) => DefectInspectorModule.forRoot(env, logger),
  heapGrowingPercent: INSPECTOR_HEAP_GROWING_PERCENT,
});
