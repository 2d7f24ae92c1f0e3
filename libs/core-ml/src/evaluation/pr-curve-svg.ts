import { PrPoint } from './ranking-metrics';

export interface PlottedCurve {
  readonly name: string;
  readonly points: readonly PrPoint[];
}

const WIDTH = 640;
const HEIGHT = 440;
const MARGIN = { left: 56, right: 16, top: 20, bottom: 48 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Precision-recall curves as a self-contained SVG (no plotting dependency; a model card must render
 * anywhere). Curves are drawn as steps, as average precision integrates them.
 */
export function prCurveSvg(title: string, curves: readonly PlottedCurve[]): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (recall: number): string => (MARGIN.left + recall * plotW).toFixed(1);
  const y = (precision: number): string => (MARGIN.top + (1 - precision) * plotH).toFixed(1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="14" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let tick = 0; tick <= 10; tick += 2) {
    const v = tick / 10;
    out.push(`<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="#ddd"/>`, `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(v)}" y="${Number(y(0)) + 16}" text-anchor="middle">${v.toFixed(1)}</text>`, `<text x="${MARGIN.left - 6}" y="${Number(y(v)) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  out.push(`<rect x="${x(0)}" y="${y(1)}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">recall</text>`);
  out.push(`<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">precision</text>`);
  curves.forEach((curve, i) => {
    const colour = COLOURS[i % COLOURS.length];
    let path = `M ${x(0)} ${y(curve.points[0]?.precision ?? 1)}`;
    for (const point of curve.points) path += ` H ${x(point.recall)} V ${y(point.precision)}`;
    out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    const ly = MARGIN.top + 16 + i * 18;
    out.push(`<line x1="${x(0.52)}" y1="${ly}" x2="${x(0.58)}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`, `<text x="${Number(x(0.6))}" y="${ly + 4}">${escape(curve.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
