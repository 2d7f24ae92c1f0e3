import { BudgetEvaluation } from './budget-evaluation';
import { StreamSpec } from './dataset';
import { ScorerReport } from './evaluate';

/** Everything the model card states; written as card.json and rendered as card.md. */
export interface RiskModelCard {
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
  /** The command that produced the model, for reproduction. */
  readonly command: string;
  readonly machine: string;
  readonly durationSeconds: number;
  readonly streams: { readonly train: StreamSpec & DatasetSummary; readonly holdout: StreamSpec & DatasetSummary; readonly bank: StreamSpec & DatasetSummary };
  /** Days of the training stream used to fit the models; the later days fit the stack and thresholds. */
  readonly fitDays: number;
  readonly models: readonly { readonly name: string; readonly description: string; readonly parameters: Readonly<Record<string, unknown>> }[];
  readonly verification: readonly { readonly model: string; readonly maxAbsDiff: number; readonly rows: number; readonly against: string }[];
  /** The champion first, then the components and the baselines. */
  readonly holdout: readonly ScorerReport[];
  /** The held-out bank (another population): the champion, then the default rule set. */
  readonly bank: readonly ScorerReport[];
  /** Rules and champion decided as the service does, at the default alert budget, on each held-out population. */
  readonly atBudget: { readonly holdout: BudgetEvaluation; readonly bank: BudgetEvaluation };
  readonly serving: { readonly reviewThreshold: number; readonly blockThreshold: number; readonly holdoutAlertRate: number; readonly holdoutRecall: number };
  readonly criteria: readonly { readonly criterion: string; readonly met: boolean; readonly detail: string }[];
}

export interface DatasetSummary {
  readonly rows: number;
  readonly positives: number;
}

const pct = (v: number): string => `${(100 * v).toFixed(1)} %`;
const num = (v: number, digits = 4): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

/** Each pattern of either evaluation with `detected/instances (recall)` for both. */
function patternsOf(a: BudgetEvaluation, b: BudgetEvaluation): [string, string, string][] {
  const cell = (e: BudgetEvaluation, pattern: string): string => {
    const p = e.perPattern.find((x) => x.pattern === pattern);
    return p ? `${p.detected}/${p.instances} (${pct(p.recall)})` : 'n/a';
  };
  const patterns = [...new Set([...a.perPattern, ...b.perPattern].map((p) => p.pattern))].sort();
  return patterns.map((pattern) => [pattern, cell(a, pattern), cell(b, pattern)]);
}

export function renderModelCard(card: RiskModelCard): string {
  const [champion] = card.holdout;
  const lines: string[] = [
    `# Model card: ${card.name} v${card.version}`,
    '',
    `Produced by \`${card.command}\` on ${card.createdAt} (${card.machine}, ${card.durationSeconds.toFixed(0)} s). Every figure below was computed by that command; nothing here is typed by hand.`,
    '',
    '## Data',
    '',
    '| stream | population | seed | accounts | days | start | pattern intensity | transactions | positives |',
    '|---|---|---|---|---|---|---|---|---|',
    ...(['train', 'holdout', 'bank'] as const).map((k) => {
      const s = card.streams[k];
      return `| ${k} | ${s.population ?? 'first'} | ${s.seed} | ${s.accounts} | ${s.days} | ${s.start} | ${s.intensity}× | ${s.rows} | ${s.positives} (${pct(s.positives / s.rows)}) |`;
    }),
    '',
    `The models are fitted on the first ${card.fitDays} days of the training stream; the remaining days fit how their scores are combined and the serving thresholds. ` +
      'The holdout stream is another seed (another population and other pattern instances) on later dates: training never saw it. ' +
      "The bank stream is the simulator's second population, a bank built differently (its own account mix and hubs, currency, rhythms and pattern parameters): " +
      'the models never saw it, and the rules were measured and set on the first population only.',
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
    '## At the alert budget, on both held-out populations',
    '',
    `The default rules and the champion decide each stream in order, as the service does: the shipped thresholds until the budget has warmed up (${card.atBudget.bank.warmupTransactions} transactions), then thresholds that follow the live scores (docs/alert-budget.md). Flagged shares count the transactions after warm-up; instances count the whole stream.`,
    '',
    '| population | transactions | alert budget | flagged | BLOCK | rules alone | noisiest rules (hit rate) |',
    '|---|---|---|---|---|---|---|',
    ...(['holdout', 'bank'] as const).map((k) => {
      const e = card.atBudget[k];
      const rules = e.topRules.map((r) => `${r.rule} ${(100 * r.hitRate).toFixed(2)} %`).join(', ') || 'none';
      return `| ${k} | ${e.transactions} | ${pct(e.share)} | ${(100 * e.flaggedShare).toFixed(2)} % | ${(100 * e.blockShare).toFixed(2)} % | ${(100 * e.rulesFlaggedShare).toFixed(2)} % | ${rules} |`;
    }),
    '',
    '| pattern | holdout instances flagged | bank instances flagged |',
    '|---|---|---|',
    ...patternsOf(card.atBudget.holdout, card.atBudget.bank).map(([pattern, a, b]) => `| ${pattern} | ${a} | ${b} |`),
    '',
    'The held-out bank ranked by each scorer, thresholds set on the stream itself:',
    '',
    '| scorer | PR-AUC | recall @ 0.5 % alerts | recall @ 1 % | recall @ 2 % |',
    '|---|---|---|---|---|',
    ...card.bank.map((r) => `| ${r.name} | ${num(r.prAuc)} | ${r.atAlertRates.map((a) => pct(a.recall)).join(' | ')} |`),
    '',
    '## Serving',
    '',
    `Shipped thresholds (the alert budget's warm-up): REVIEW at score ≥ ${num(card.serving.reviewThreshold, 6)}, where 0.5 % of the validation days' benign transactions score higher; BLOCK at ≥ ${num(card.serving.blockThreshold, 6)} (0.05 %). ` +
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
