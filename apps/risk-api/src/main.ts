import 'reflect-metadata';

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bootstrapService } from '@vigil/platform';

import { RiskApiModule } from './app.module';
import { RiskApiEnv } from './config/env';

const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

void bootstrapService({
  service: 'risk-api',
  version,
  description: 'Fraud/AML decisions per bank transaction, alerts and cases for analysts',
  envClass: RiskApiEnv,
  rootModule: (env, logger) => RiskApiModule.forRoot(env, logger),
});
