import { ScorerReport } from './evaluate';
import { StreamSpec } from './dataset';

/** Everything the model card states; written as card.json and rendered as card.md. */
export interface RiskModelCard {
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
  /** The command that produced the model, for reproduction. */
  readonly command: string;
  readonly machine: string;
  readonly durationSeconds: number;
  readonly streams: { readonly train: StreamSpec & DatasetSummary; readonly holdout: StreamSpec & DatasetSummary };
  /** Days of the training stream used to fit the models; the later days fit the stack and thresholds. */
  readonly fitDays: number;
  readonly models: readonly { readonly name: string; readonly description: string; readonly parameters: Readonly<Record<string, unknown>> }[];
  readonly verification: readonly { readonly model: string; readonly maxAbsDiff: number; readonly rows: number; readonly against: string }[];
  /** The champion first, then the components and the baselines. */
  readonly holdout: readonly ScorerReport[];
  readonly serving: { readonly reviewThreshold: number; readonly blockThreshold: number; readonly holdoutAlertRate: number; readonly holdoutRecall: number };
  readonly criteria: readonly { readonly criterion: string; readonly met: boolean; readonly detail: string }[];
}

export interface DatasetSummary {
  readonly rows: number;
  readonly positives: number;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
const num = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

export function renderModelCard(card: RiskModelCard): string {
  const [champion] = card.holdout;
  const lines: string[] = [
    `# Model card: ${card.name} v${card.version}`,
    '',
    `Produced by \`${card.command}\` on ${card.createdAt} (${card.machine}, ${card.durationSeconds.toFixed(0)} s). Every figure below was computed by that command; nothing here is typed by hand.`,
    '',
    '## Data',
    '',
    '| stream | seed | accounts | days | start | pattern intensity | transactions | positives |',
    '|---|---|---|---|---|---|---|---|',
    ...(['train', 'holdout'] as const).map((k) => {
      const s = card.streams[k];
      return `| ${k} | ${s.seed} | ${s.accounts} | ${s.days} | ${s.start} | ${s.intensity}× | ${s.rows} | ${s.positives} (${pct(s.positives / s.rows)}) |`;
    }),
    '',
    `The models are fitted on the first ${card.fitDays} days of the training stream; the remaining days fit how their scores are combined and the serving thresholds. ` +
      'The holdout stream is another seed (another population and other pattern instances) on later dates: training never saw it.',
    '',
    '## Models',
    '',
    ...card.models.flatMap((m) => [`- **${m.name}**: ${m.description}`, `  \`${JSON.stringify(m.parameters)}\``]),
    '',
    '## Export check (ONNX Runtime vs the trainer)',
    '',
    '| model | rows | max abs diff | against |',
    '|---|---|---|---|',
    ...card.verification.map((v) => `| ${v.model} | ${v.rows} | ${v.maxAbsDiff.toExponential(2)} | ${v.against} |`),
    '',
    '## Held-out results',
    '',
    '| scorer | PR-AUC | recall @ 0.5 % alerts | recall @ 1 % | recall @ 2 % |',
    '|---|---|---|---|---|',
    ...card.holdout.map((r) => `| ${r.name} | ${num(r.prAuc)} | ${r.atAlertRates.map((a) => pct(a.recall)).join(' | ')} |`),
    '',
    'Recall here counts transactions. An analyst works a pattern from any of its alerts, so per pattern the card counts instances with at least one alerted transaction (at a 1 % alert rate):',
    '',
    `| pattern | instances | ${card.holdout.map((r) => r.name).join(' | ')} |`,
    `|---|---|${card.holdout.map(() => '---').join('|')}|`,
    ...champion.perPattern.map((p) => {
      const cells = card.holdout.map((r) => {
        const q = r.perPattern.find((x) => x.pattern === p.pattern);
        return q ? `${pct(q.recall)} (tx ${pct(q.transactionRecall)})` : 'n/a';
      });
      return `| ${p.pattern} | ${p.instances} | ${cells.join(' | ')} |`;
    }),
    '',
    '![precision-recall curves on the holdout stream](pr-curve.svg)',
    '',
    '## Serving',
    '',
    `REVIEW at score ≥ ${num(card.serving.reviewThreshold, 6)}, where 0.5 % of the validation days' benign transactions score higher; BLOCK at ≥ ${num(card.serving.blockThreshold, 6)} (0.05 %). ` +
      `On the holdout stream the REVIEW threshold alerts ${pct(card.serving.holdoutAlertRate)} of transactions and ${pct(card.serving.holdoutRecall)} of the fraud and AML ones.`,
    '',
    '## Acceptance',
    '',
    '| criterion | met | detail |',
    '|---|---|---|',
    ...card.criteria.map((c) => `| ${c.criterion} | ${c.met ? 'yes' : '**no**'} | ${c.detail} |`),
    '',
  ];
  return lines.join('\n');
}
