import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bootstrapService } from '@vigil/platform';

import { DefectInspectorModule } from './app.module';
import { DefectInspectorEnv } from './config/env';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

void bootstrapService({
  service: 'defect-inspector',
  version,
  description: 'Defect verdicts from line-camera frames, localised and charted',
  envClass: DefectInspectorEnv,
  rootModule: (env, logger) => DefectInspectorModule.forRoot(env, logger),
  // Frames are Kafka buffers held until their clip is scored: without the headroom, V8 ran a full
  // GC 2–3 times a second for them (bench:inspector, 4 cameras × 100 fps); with it, one every few seconds.
  heapGrowingPercent: 300,
});
