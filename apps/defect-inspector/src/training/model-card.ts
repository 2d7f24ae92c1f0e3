import { ClipDatasetSpec } from './dataset';
import { DEFECT_THRESHOLD, IOU_TARGET, Localisation, ModelReport } from './evaluate';

/** Everything the model card states; written as card.json and rendered as card.md. */
export interface InspectorModelCard {
  readonly name: string;
  readonly version: number;
  readonly createdAt: string;
  /** The command that produced the model, for reproduction. */
  readonly command: string;
  readonly machine: string;
  readonly durationSeconds: number;
  readonly data: { readonly train: ClipDatasetSpec & { readonly perClass: Record<string, number> }; readonly holdout: ClipDatasetSpec & { readonly perClass: Record<string, number> } };
  readonly models: readonly { readonly name: string; readonly file: string; readonly description: string; readonly parameters: Readonly<Record<string, unknown>> }[];
  readonly verification: readonly { readonly model: string; readonly clips: number; readonly logitsMaxAbsDiff: number; readonly heatmapMaxAbsDiff: number }[];
  /** The clip model first, then the single-frame baseline. */
  readonly holdout: readonly ModelReport[];
  readonly criteria: readonly { readonly criterion: string; readonly met: boolean; readonly detail: string }[];
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');
const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const boxCell = (l: Localisation): string =>
  `${pct(l.share)} (${fixed(l.medianIou, 2)}, ${l.detected}; w ×${fixed(l.medianWidthRatio, 2)}, h ×${fixed(l.medianHeightRatio, 2)}, centre ${fixed(l.medianCentreOffset, 1)} px)`;

export function renderInspectorCard(card: InspectorModelCard): string {
  const [model] = card.holdout;
  const { train, holdout } = card.data;
  const lines: string[] = [
    `# Model card: ${card.name} v${card.version}`,
    '',
    `Produced by \`${card.command}\` on ${card.createdAt} (${card.machine}, ${card.durationSeconds.toFixed(0)} s). Every figure below was computed by that command; nothing here is typed by hand.`,
    '',
    '## Data',
    '',
    `Clips from the camera simulator (apps/defect-inspector/src/simulator), one per part that stays completely in view for ${train.frames} frames: ` +
      `${train.sourceWidth}×${train.sourceHeight} grey frames, each moved onto the clip's last frame by the belt's travel and the simulator's known camera shake (motion compensation; serving does it with its own global-shift alignment), ` +
      `shrunk to ${train.inputWidth}×${train.inputHeight} by area averaging, model input = byte / 255. A slipping part's clip overlaps its slip. ` +
      `The localisation target is each cell's share covered by the defect's box on the last frame, on a ${train.heatWidth}×${train.heatHeight} grid over the whole frame.`,
    '',
    `| set | seed | clips | defect rate | ${Object.keys(train.perClass).join(' | ')} |`,
    `|---|---|---|---|${Object.keys(train.perClass).map(() => '---').join('|')}|`,
    ...(['train', 'holdout'] as const).map((k) => {
      const s = card.data[k];
      return `| ${k} | ${s.seed} | ${s.clips} | ${s.defectRate} | ${Object.values(s.perClass).join(' | ')} |`;
    }),
    '',
    `The held-out set is another simulator seed (${holdout.seed}): other parts, textures, defects, noise and shake. Training never saw it.`,
    '',
    '## Models',
    '',
    ...card.models.flatMap((m) => [`- **${m.name}** (\`${m.file}\`): ${m.description}`, `  \`${JSON.stringify(m.parameters)}\``]),
    '',
    '## Export check (ONNX Runtime vs the trainer, held-out clips)',
    '',
    '| model | clips | logits max abs diff | heatmap max abs diff |',
    '|---|---|---|---|',
    ...card.verification.map((v) => `| ${v.model} | ${v.clips} | ${v.logitsMaxAbsDiff.toExponential(2)} | ${v.heatmapMaxAbsDiff.toExponential(2)} |`),
    '',
    '## Held-out results',
    '',
    `Scores are 1 − P(OK); a clip is a DEFECT at ≥ ${DEFECT_THRESHOLD}. Figures come from ONNX Runtime's outputs, the engine serving uses.`,
    '',
    '| model | AUROC (defect vs OK) | top-class accuracy | static defects flagged | temporal defects flagged | OK flagged (false alarms) | static boxes IoU ≥ 0.5 | median IoU |',
    '|---|---|---|---|---|---|---|---|',
    ...card.holdout.map(
      (r) =>
        `| ${r.name} | ${r.auroc.toFixed(4)} | ${pct(r.accuracy)} | ${pct(r.staticRecall)} | ${pct(r.temporalRecall)} | ${pct(r.falseAlarmRate)} | ${pct(r.localisation.share)} (${r.localisation.detected} boxes) | ${r.localisation.medianIou.toFixed(2)} |`,
    ),
    '',
    'Per class: recall of the top class (flagged as a defect of any class).',
    '',
    `| class | clips | ${card.holdout.map((r) => r.name).join(' | ')} |`,
    `|---|---|${card.holdout.map(() => '---').join('|')}|`,
    ...model.perClass.map((c, i) => `| ${c.label} | ${c.clips} | ${card.holdout.map((r) => `${pct(r.perClass[i].recall)} (${pct(r.perClass[i].flagged)})`).join(' | ')} |`),
    '',
    `Localisation: the box is the one whose coverage best matches the heatmap around its peak (least squares, from the cells at or above half the peak; libs/core-ml/src/video/heatmap-box.ts, what serving reports) and is compared with the truth on the clip's last frame; IoU ≥ ${IOU_TARGET} counts as localised, over the static defects the model flagged. Per static class: share localised (median IoU, boxes; medians of the found boxes' width and height over the truth's, and of their centres' distance in pixels).`,
    '',
    `| class | ${card.holdout.map((r) => r.name).join(' | ')} |`,
    `|---|${card.holdout.map(() => '---').join('|')}|`,
    ...model.localisation.perClass.map(
      (c, i) => `| ${c.label} | ${card.holdout.map((r) => boxCell(r.localisation.perClass[i])).join(' | ')} |`,
    ),
    '',
    '![precision-recall, defect vs OK, on the held-out clips](pr-curve.svg)',
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
