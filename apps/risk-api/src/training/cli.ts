#!/usr/bin/env node
import { cpus, userInfo } from 'node:os';
import path from 'node:path';

import { ModelRecord, ModelRegistry, pgDatabase } from '@vigil/core-ml';
import { Progress, runCli } from '@vigil/platform';
import { Pool } from 'pg';

import { parseArgs, USAGE } from './options';
import { trainRisk } from './train-risk';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

async function registerVersion(dir: string, modelsRoot: string): Promise<ModelRecord> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('--register needs DATABASE_URL (postgres://user:password@host:port/database)');
  const pool = new Pool({ connectionString: url, max: 2, application_name: 'train:risk' });
  try {
    return await new ModelRegistry({ db: pgDatabase(pool), modelsRoot }).register(dir, { username: `cli:${userInfo().username}` });
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  runCli({
    command: 'train:risk',
    usage: USAGE,
    parse: (argv) => parseArgs(argv, cpus().length, REPO_ROOT),
    run: async (options) => {
      const say = (line: string): boolean => options.quiet || process.stderr.write(`train:risk ${line}\n`);
      const bars = new Map<string, Progress>();
      const { dir, card } = await trainRisk(options.training, {
        step: say,
        progress: (stage) => (fraction, count) => {
          if (options.quiet) return;
          const bar = bars.get(stage) ?? new Progress(process.stderr, { command: `train:risk ${stage}`, unit: 'rows' });
          bars.set(stage, bar);
          bar.update(fraction, count);
        },
      });
      for (const line of card.criteria) say(`${line.met ? 'met' : 'NOT met'}: ${line.criterion} (${line.detail})`);
      const where = path.relative(process.cwd(), dir);
      if (!options.register) return `wrote ${where} (card.md there); register it with npm run model:register -- ${where}`;
      const record = await registerVersion(dir, options.training.modelsDir);
      return `wrote ${where} (card.md there) and registered ${record.name}@${record.version} as ${record.status}; promote it with npm run model:promote -- --name ${record.name} --version ${record.version} --role champion|shadow`;
    },
  });
}
