import { UsageError } from '@vigil/platform';

import { parseArgs } from './options';

describe(parseArgs.name, () => {
  it('reads --from-db with its defaults: the training stream becomes a smaller prior, and it registers', () => {
    const options = parseArgs(['--from-db'], 4, '/repo');

    expect(options.fromDb).toEqual({ evalShare: 0.3, unlabelledWeight: 0.2, priorLabels: 500, shadow: true, minShadowScored: 10_000 });
    expect(options.training.train).toMatchObject({ accounts: 2000, days: 14 });
    expect(options.register).toBe(true);
  });

  it('takes the bank options', () => {
    const options = parseArgs(['--from-db', '--eval-share', '0.25', '--budget', '0.005', '--unlabelled-weight', '0.5', '--prior-labels', '0', '--min-shadow', '2000', '--no-shadow'], 4, '/repo');

    expect(options.fromDb).toEqual({ evalShare: 0.25, budget: 0.005, unlabelledWeight: 0.5, priorLabels: 0, shadow: false, minShadowScored: 2000 });
  });

  it('refuses holdout options with --from-db, and bank options without it', () => {
    expect(() => parseArgs(['--from-db', '--holdout-days', '3'], 4, '/repo')).toThrow(new UsageError("--holdout-days is for the simulated run: --from-db evaluates on the bank's latest transactions"));
    expect(() => parseArgs(['--budget', '0.01'], 4, '/repo')).toThrow(new UsageError('--budget needs --from-db'));
    expect(() => parseArgs(['--no-shadow'], 4, '/repo')).toThrow(new UsageError('--no-shadow needs --from-db'));
    expect(() => parseArgs(['--from-db', '--eval-share', '1'], 4, '/repo')).toThrow(UsageError);
  });

  it('leaves the simulated run as it was', () => {
    const options = parseArgs(['--reduced'], 4, '/repo');

    expect(options.fromDb).toBeUndefined();
    expect(options.register).toBe(false);
    expect(options.training.train).toMatchObject({ accounts: 500, days: 8 });
  });
});
