#!/usr/bin/env node
/**
 * `npm start`: the whole platform on embedded defaults, until Ctrl-C.
 *   node libs/devstack/dist/platform-cli.js [--brokers N] [--no-simulators]
 * Addresses are printed and written to .devdata/platform.json (VIGIL_STATE_FILE overrides).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { PlatformRunner } from './platform/platform-runner';

const { values } = parseArgs({ options: { brokers: { type: 'string', default: '3' }, 'no-simulators': { type: 'boolean', default: false } } });
const brokers = Number(values.brokers);
if (!Number.isInteger(brokers) || brokers < 1 || brokers > 9) {
  process.stderr.write('usage: platform-cli [--brokers 1..9] [--no-simulators]\n');
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`\x1b[1m[platform]\x1b[0m ${line}\n`);
const runner = new PlatformRunner({
  brokers,
  simulate: !values['no-simulators'],
  stateFile: process.env.VIGIL_STATE_FILE ?? join(__dirname, '..', '..', '..', '.devdata', 'platform.json'),
  log,
});

let shuttingDown = false;
async function shutdown(reason: string, code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`${reason}: stopping`);
  await runner.stop();
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void shutdown('interrupted', 0));
process.on('SIGTERM', () => void shutdown('terminated', 0));

runner.start().then(
  (state) => {
    log('the platform is up:');
    for (const [name, url] of Object.entries(state.services)) {
      log(`  ${name.padEnd(17)} ${url}   (ready: ${url}/health/ready  docs: ${url}/docs  metrics: ${url}/metrics)`);
    }
    log(`  ${'Kafka bootstrap'.padEnd(17)} ${state.kafkaBrokers.join(',')}`);
    log(`  ${'Postgres'.padEnd(17)} ${state.databaseUrl.replace(/:[^:@/]+@/, ':***@')} (${state.postgres})`);
    log('press Ctrl-C to stop');
    const watch = setInterval(() => {
      const exited = runner.exitedService();
      if (exited !== undefined) {
        clearInterval(watch);
        void shutdown(`${exited} exited unexpectedly`, 1);
      }
    }, 1_000);
  },
  (error: unknown) => void shutdown(`could not start: ${error instanceof Error ? error.message : String(error)}`, 1),
);
