import type { PromotionPolicy } from '../modules/models/promotion-gate';
import type { StreamSpec } from './dataset';
import type { BankScorerReport, Criterion } from './bank-evaluation';

/** How the bank's rows were counted into training and evaluation. */
export interface BankSplitSummary {
  readonly rows: number;
  readonly from: string;
  readonly to: string;
  readonly fraud: number;
  readonly legit: number;
  readonly escalated: number;
  readonly openAlerts: number;
  readonly unlabelled: number;
}

/** Everything a challenger's card states; written as card.json and rendered as card.md. */
export interface ChallengerCard {
  readonly kind: 'challenger';
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
  readonly command: string;
  readonly machine: string;
  readonly durationSeconds: number;
  readonly bank: {
    /** Models fitted on these (the earliest), the stack and thresholds on the next, evaluation on the latest. */
    readonly fit: BankSplitSummary;
    readonly stack: BankSplitSummary;
    readonly evaluation: BankSplitSummary;
    readonly unlabelledWeight: number;
    /** Where the stack was fitted: the bank's stack days alone, or with the prior's later days. */
    readonly stackRows: string;
  };
  /** The simulated first population mixed in as a prior; null when left out. */
  readonly prior: (StreamSpec & { readonly rows: number; readonly positives: number; readonly weight: number; readonly worthLabels: number }) | null;
  readonly models: readonly { readonly name: string; readonly description: string; readonly parameters: Readonly<Record<string, unknown>> }[];
  readonly budget: { readonly share: number; readonly source: string };
  readonly serving: { readonly reviewThreshold: number; readonly blockThreshold: number };
  /** The challenger first, then the champion it is compared with (when there is one). */
  readonly evaluation: readonly BankScorerReport[];
  /** Judged here, on the evaluation days; the promotion gate requires every one of them met. */
  readonly criteria: readonly Criterion[];
  /** What the gate asks of it live (see modules/models/promotion-gate.ts). */
  readonly promotion: { readonly policy: PromotionPolicy; readonly comparedWith: { readonly name: string; readonly version: number } | null };
}

const pct = (v: number | null): string => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
const num = (v: number | null, digits = 4): string => (v === null ? 'n/a' : Number.isFinite(v) ? v.toFixed(digits) : String(v));

export function renderChallengerCard(card: ChallengerCard): string {
  const [challenger] = card.evaluation;
  const split = (name: string, s: BankSplitSummary) => `| ${name} | ${s.from} | ${s.to} | ${s.rows} | ${s.fraud} | ${s.legit} | ${s.escalated} | ${s.openAlerts} | ${s.unlabelled} |`;
  const typologies = [...new Set(card.evaluation.flatMap((r) => r.perTypology.map((t) => t.typology)))].sort();
  const { policy, comparedWith } = card.promotion;
  return [
    `# Challenger card: ${card.name} v${card.version}`,
    '',
    `Produced by \`${card.command}\` on ${card.createdAt} (${card.machine}, ${card.durationSeconds.toFixed(0)} s) from this bank's own stored transactions and its analysts' dispositions. Every figure below was computed by that command.`,
    '',
    '## Data: the bank\'s transactions, split in time',
    '',
    '| part | from | to | transactions | FRAUD | LEGIT | ESCALATE | open alerts | unlabelled |',
    '|---|---|---|---|---|---|---|---|---|',
    split('fit (models)', card.bank.fit),
    split('stack (combination, thresholds)', card.bank.stack),
    split('evaluation', card.bank.evaluation),
    '',
    `Every stored transaction was replayed in ingest order through the serving feature engine and sequence encoder. FRAUD is a positive, LEGIT a negative (weight 1); a never-alerted, unlabelled transaction is a negative of weight ${card.bank.unlabelledWeight}; ESCALATE and open alerts are left out of training (their outcome is unknown). The stack was fitted on ${card.bank.stackRows}.`,
    '',
    card.prior === null
      ? 'No simulated prior was mixed in.'
      : `Prior: a simulated first population (seed ${card.prior.seed}, ${card.prior.accounts} accounts, ${card.prior.days} days, ${card.prior.intensity}× patterns: ${card.prior.rows} transactions, ${card.prior.positives} positive), each row weighted ${num(card.prior.weight, 3)} = K / (K + L) with K = ${card.prior.worthLabels} and L = ${card.bank.fit.fraud + card.bank.fit.legit + card.bank.stack.fraud + card.bank.stack.legit} FRAUD/LEGIT labels in the training days: it counts fully with no labels and fades as the bank's labels grow.`,
    '',
    '## Models',
    '',
    ...card.models.flatMap((m) => [`- **${m.name}**: ${m.description}`, `  \`${JSON.stringify(m.parameters)}\``]),
    '',
    `## Evaluation on the latest ${card.bank.evaluation.rows} transactions`,
    '',
    `Budget ${pct(card.budget.share)} (${card.budget.source}). At the budget each model flags the top ${pct(card.budget.share)} of these transactions by its own score, as a live alert budget does. PR-AUC counts FRAUD against LEGIT and never-alerted transactions.`,
    '',
    '| model | PR-AUC | alerts at its own REVIEW threshold | threshold at the budget | labelled alerts | precision on labelled alerts | recall of FRAUD labels |',
    '|---|---|---|---|---|---|---|',
    ...card.evaluation.map(
      (r) =>
        `| ${r.name} v${r.version} | ${num(r.prAuc)} | ${pct(r.served.alertShare)} at ${num(r.served.threshold, 6)} | ${num(r.atBudget.threshold, 6)} | ${r.atBudget.labelledAlerts} | ${pct(r.atBudget.precision)} | ${pct(r.atBudget.recall)} |`,
    ),
    '',
    'Per typology (of the decision\'s strongest rule hit; `model-only` when no rule hit), FRAUD labels flagged at the budget:',
    '',
    `| typology | ${card.evaluation.map((r) => `${r.name} v${r.version}`).join(' | ')} |`,
    `|---|${card.evaluation.map(() => '---').join('|')}|`,
    ...typologies.map((typology) => {
      const cells = card.evaluation.map((r) => {
        const t = r.perTypology.find((x) => x.typology === typology);
        return t ? `${pct(t.recall)} (${t.caught}/${t.positives})` : 'n/a';
      });
      return `| ${typology} | ${cells.join(' | ')} |`;
    }),
    '',
    challenger.curve.length > 0 ? '![precision-recall curves on the evaluation days](pr-curve.svg)' : '',
    '',
    'The labels come from alerts the champion and the rules raised: a challenger is judged on what the champion chose to show analysts, which favours the champion on precision and hides what neither flagged.',
    '',
    '## Serving',
    '',
    `REVIEW at score ≥ ${num(card.serving.reviewThreshold, 6)}, where ${pct(card.budget.share)} of the stack days' transactions score higher; BLOCK at ≥ ${num(card.serving.blockThreshold, 6)} (a tenth of the budget).`,
    '',
    '## Acceptance (judged here)',
    '',
    '| criterion | met | detail |',
    '|---|---|---|',
    ...card.criteria.map((c) => `| ${c.criterion} | ${c.met ? 'yes' : '**no**'} | ${c.detail} |`),
    '',
    '## Promotion',
    '',
    `Compared with ${comparedWith ? `${comparedWith.name} v${comparedWith.version}` : 'no champion'}. POST /models/${card.name}/versions/${card.version}/promote {role: champion} is refused (409, with the reasons) unless every criterion above is met, the champion is still the one compared with, and in shadow beside it the challenger has scored at least ${policy.minShadowScored} transactions with its REVIEW threshold alerting at most ${policy.alertShareTolerance}× the budget and, once both have ${policy.minLabelledAlerts} labelled alerts, a precision not worse by more than ${pct(policy.maxPrecisionDrop)}. An admin may force it with a reason (audited). \`GET /models/${card.name}/comparison\` reports the shadow period; \`POST\` writes it beside this card (live-comparison.md).`,
    '',
  ].join('\n');
}
