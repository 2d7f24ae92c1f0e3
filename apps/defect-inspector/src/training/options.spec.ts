import { UsageError } from '@vigil/platform';

import { parseArgs } from './options';

describe(parseArgs.name, () => {
  it('gives the full run by default and a small one with --reduced', () => {
    const full = parseArgs([], 4, '/repo').training;
    const reduced = parseArgs(['--reduced'], 4, '/repo').training;
    expect(full.train.clips).toBeGreaterThan(reduced.train.clips);
    expect(full.model.threads).toBe(2);
    expect(full.modelsDir).toBe('/repo/models');
    expect(full.train.heatWidth).toBe((full.train.inputWidth / 8) * (full.model.upscale ?? 0));
    expect(reduced.command).toBe('npm run train:inspector -- --reduced');
  });

  it.each([
    [['--seed', '5', '--holdout-seed', '5'], /--holdout-seed must differ/],
    [['--defect-rate', '1'], /--defect-rate must be/],
    [['--clips', 'many'], /--clips must be an integer/],
    [['--frames', '2'], /--frames must be an integer from 3/],
  ])('refuses %p', (argv, message) => {
    expect(() => parseArgs(argv, 2, '/repo')).toThrow(UsageError);
    expect(() => parseArgs(argv, 2, '/repo')).toThrow(message);
  });
});
