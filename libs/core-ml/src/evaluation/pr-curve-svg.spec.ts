import { prCurveSvg } from './pr-curve-svg';
import { precisionRecallCurve } from './ranking-metrics';

describe('prCurveSvg', () => {
  it('draws one step path and one legend entry per curve, escaping names', () => {
    const points = precisionRecallCurve([0.9, 0.5, 0.1], [1, 0, 1]);
    const svg = prCurveSvg('PR <held-out>', [
      { name: 'model', points },
      { name: 'rule & co', points },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('PR &lt;held-out&gt;');
    expect(svg).toContain('rule &amp; co');
    // Recall 1/2 at precision 1 on a 568-px-wide plot starting at x=56: x = 340.
    expect(svg).toContain('H 340.0 V 20.0');
  });
});
