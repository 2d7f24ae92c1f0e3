#!/usr/bin/env node
import { cpus } from 'node:os';
import path from 'node:path';

import { Progress, runCli } from '@vigil/platform';

import { parseArgs, USAGE } from './options';
import { trainInspector } from './train-inspector';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

if (require.main === module) {
  runCli({
    command: 'train:inspector',
    usage: USAGE,
    parse: (argv) => parseArgs(argv, cpus().length, REPO_ROOT),
    run: async (options) => {
      const say = (line: string): boolean => options.quiet || process.stderr.write(`train:inspector ${line}\n`);
      const bars = new Map<string, Progress>();
      const { dir, card } = await trainInspector(options.training, {
        step: say,
        progress: (stage) => (fraction, count) => {
          if (options.quiet) return;
          const bar = bars.get(stage) ?? new Progress(process.stderr, { command: `train:inspector ${stage}`, unit: stage.endsWith('model') ? 'steps' : 'clips' });
          bars.set(stage, bar);
          bar.update(fraction, count);
        },
      });
      for (const r of card.holdout) say(`${r.name}: AUROC ${r.auroc.toFixed(4)}, temporal flagged ${(100 * r.temporalRecall).toFixed(1)} %, static flagged ${(100 * r.staticRecall).toFixed(1)} %, false alarms ${(100 * r.falseAlarmRate).toFixed(1)} %`);
      for (const line of card.criteria) say(`${line.met ? 'met' : 'NOT met'}: ${line.criterion} (${line.detail})`);
      return `wrote ${path.relative(process.cwd(), dir)} (card.md there); register it with npm run model:register -- ${path.relative(process.cwd(), dir)}`;
    },
  });
}
