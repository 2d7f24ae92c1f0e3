#!/usr/bin/env node
import { cpus } from 'node:os';
import path from 'node:path';

import { Progress, runCli } from '@vigil/platform';

import { parseArgs, USAGE } from './options';
import { trainRisk } from './train-risk';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

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
      return `wrote ${path.relative(process.cwd(), dir)} (card.md there); register it with npm run model:register -- ${path.relative(process.cwd(), dir)}`;
    },
  });
}
