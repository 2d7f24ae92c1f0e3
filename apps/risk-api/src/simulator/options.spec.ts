import { parseArgs, UsageError } from './options';

describe(parseArgs.name, () => {
  it('has documented defaults: every pattern and decoy, JSONL on stdout', () => {
    const options = parseArgs([]);

    expect(options.simulation).toMatchObject({ seed: 42, accounts: 1000, days: 7, start: '2026-11-01', population: 'first' });
    expect(options.simulation.patterns['fan-out']).toBe(2);
    expect(options.simulation.decoys.payroll).toBe(2);
    expect(options.out).toBe('-');
    expect(options.kafka).toBeUndefined();
  });

  it('takes a pattern mix, an intensity, decoys and both value syntaxes', () => {
    const options = parseArgs(['--patterns=fan-out=3,structuring=5', '--intensity', '2', '--decoys', 'payroll=1', '--seed', '7', '--out', 'a.jsonl', '--truth', 't.json']);

    expect(options.simulation.patterns).toEqual({ 'fan-out': 6, structuring: 10 });
    expect(options.simulation.decoys).toEqual({ payroll: 1 });
    expect(options.simulation.seed).toBe(7);
    expect(options).toMatchObject({ out: 'a.jsonl', truth: 't.json' });
  });

  it('picks the held-out second bank by name', () => {
    expect(parseArgs(['--population', 'second']).simulation.population).toBe('second');
    expect(parseArgs(['--population=first']).simulation.population).toBe('first');
  });

  it('streams to Kafka without a file unless one is asked for', () => {
    const options = parseArgs(['--kafka', 'localhost:9092,other:19092', '--rate', '50', '--patterns', 'none', '--decoys', '0']);

    expect(options.kafka).toEqual({ brokers: ['localhost:9092', 'other:19092'], topic: 'transactions', rate: 50 });
    expect(options.out).toBeUndefined();
    expect(options.simulation.patterns).toEqual({});
    expect(options.simulation.decoys).toEqual({ payroll: 0, 'supplier-payments': 0, crowdfunding: 0, 'big-purchase': 0 });
  });

  it.each([
    [['--population', 'third'], /--population must be one of first, second, got "third"/],
    [['--seed', '-1'], /--seed/],
    [['--accounts', '10'], /--accounts/],
    [['--days', 'x'], /--days/],
    [['--start', '2026-02-30'], /--start/],
    [['--start', '2026-13-45'], /--start/],
    [['--patterns', 'smurfing=2'], /unknown name "smurfing"/],
    [['--patterns', 'fan-out'], /name=count/],
    [['--intensity', '-2'], /--intensity/],
    [['--rate', '5'], /only applies with --kafka/],
    [['--kafka', 'nohost'], /host:port/],
    [['--bogus'], /unknown option --bogus/],
    [['--out'], /needs a value/],
    [['stray'], /unexpected argument/],
    [['--help=yes'], /takes no value/],
  ])('refuses %p', (argv, reason) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(reason);
  });
});
