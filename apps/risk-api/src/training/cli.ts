#!/usr/bin/env node
import { cpus, userInfo } from 'node:os';
import path from 'node:path';

import { ModelRecord, ModelRegistry, pgDatabase, SqlDatabase } from '@vigil/core-ml';
import { Progress, runCli } from '@vigil/platform';
import { Pool } from 'pg';

import { BankRecords } from './bank-records';
import { FromDbOptions, trainFromDatabase } from './from-db';
import { parseArgs, TrainRiskCliOptions, USAGE } from './options';
import { TrainingLog, trainRisk } from './train-risk';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

const actor = () => ({ username: `cli:${userInfo().username}` });

async function withDatabase<T>(flag: string, work: (db: SqlDatabase) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error(`${flag} needs DATABASE_URL (postgres://user:password@host:port/database)`);
  const pool = new Pool({ connectionString: url, max: 2, application_name: 'train:risk' });
  try {
    return await work(pgDatabase(pool));
  } finally {
    await pool.end();
  }
}

function registerVersion(dir: string, modelsRoot: string): Promise<ModelRecord> {
  return withDatabase('--register', (db) => new ModelRegistry({ db, modelsRoot }).register(dir, actor()));
}

/** --from-db: a challenger from the bank's own data, registered (and made the shadow unless --no-shadow). */
async function trainChallenger(options: TrainRiskCliOptions, log: TrainingLog): Promise<string> {
  const fromDb = options.fromDb as FromDbOptions;
  const { dir, card, record, shadow } = await withDatabase('--from-db', (db) =>
    trainFromDatabase(options.training, fromDb, { records: new BankRecords(db), registry: new ModelRegistry({ db, modelsRoot: options.training.modelsDir }), actor: actor() }, log),
  );
  for (const line of card.criteria) log.step(`${line.met ? 'met' : 'NOT met'}: ${line.criterion} (${line.detail})`);
  const where = path.relative(process.cwd(), dir);
  const role = shadow ? `the shadow${shadow.replaced ? ` (${record.name}@${shadow.replaced.version} went back to candidate)` : ''}` : 'a candidate';
  return `wrote ${where} (card.md there) and registered ${record.name}@${record.version} as ${role}; compare it live with GET /models/${record.name}/comparison, promote it with POST /models/${record.name}/versions/${record.version}/promote {"role":"champion"}`;
}

if (require.main === module) {
  runCli({
    command: 'train:risk',
    usage: USAGE,
    parse: (argv) => parseArgs(argv, cpus().length, REPO_ROOT),
    run: async (options) => {
      const say = (line: string): boolean => options.quiet || process.stderr.write(`train:risk ${line}\n`);
      const bars = new Map<string, Progress>();
      const log: TrainingLog = {
        step: say,
        progress: (stage) => (fraction, count) => {
          if (options.quiet) return;
          const bar = bars.get(stage) ?? new Progress(process.stderr, { command: `train:risk ${stage}`, unit: 'rows' });
          bars.set(stage, bar);
          bar.update(fraction, count);
        },
      };
      if (options.fromDb) return trainChallenger(options, log);
      const { dir, card } = await trainRisk(options.training, log);
      for (const line of card.criteria) say(`${line.met ? 'met' : 'NOT met'}: ${line.criterion} (${line.detail})`);
      const where = path.relative(process.cwd(), dir);
      if (!options.register) return `wrote ${where} (card.md there); register it with npm run model:register -- ${where}`;
      const record = await registerVersion(dir, options.training.modelsDir);
      return `wrote ${where} (card.md there) and registered ${record.name}@${record.version} as ${record.status}; promote it with npm run model:promote -- --name ${record.name} --version ${record.version} --role champion|shadow`;
    },
  });
}
