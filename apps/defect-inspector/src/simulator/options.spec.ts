import { parseArgs, UsageError } from './options';

describe(parseArgs.name, () => {
  it('has documented defaults', () => {
    const options = parseArgs(['--out', 'frames']);

    expect(options.simulation).toEqual({
      seed: 42,
      cameras: 2,
      lines: 1,
      fps: 25,
      seconds: 10,
      width: 160,
      height: 120,
      format: 'GRAY8',
      defectRate: 0.2,
      faults: { drop: 0, duplicate: 0, reorder: 0 },
      start: '2026-11-22T08:00:00Z',
    });
    expect(options).toMatchObject({ out: 'frames', quiet: false, help: false });
    expect(options.kafka).toBeUndefined();
  });

  it('takes every option in both value syntaxes', () => {
    const options = parseArgs(['--seed=7', '--cameras', '4', '--lines', '2', '--fps', '100', '--seconds', '2.5', '--width', '640', '--height=480', '--format', 'png', '--defect-rate', '0.5', '--drop', '0.01', '--duplicate', '0.02', '--reorder', '0.03', '--start', '2026-01-02T03:04:05.5+01:00', '--truth', 't.jsonl', '--kafka', 'localhost:9092,b:19092', '--as-fast-as-possible', '--quiet']);

    expect(options.simulation).toMatchObject({ seed: 7, cameras: 4, lines: 2, fps: 100, seconds: 2.5, width: 640, height: 480, format: 'PNG', defectRate: 0.5, faults: { drop: 0.01, duplicate: 0.02, reorder: 0.03 } });
    expect(options.kafka).toEqual({ brokers: ['localhost:9092', 'b:19092'], topic: 'camera.frames', pace: false });
    expect(options).toMatchObject({ truth: 't.jsonl', quiet: true });
    expect(options.out).toBeUndefined();
  });

  it('takes JPEG with a quality, 85 unless given', () => {
    expect(parseArgs(['--out', 'd', '--format', 'jpeg']).simulation).toMatchObject({ format: 'JPEG', jpegQuality: 85 });
    expect(parseArgs(['--out', 'd', '--format', 'JPEG', '--jpeg-quality', '40']).simulation).toMatchObject({ format: 'JPEG', jpegQuality: 40 });
  });

  it('paces Kafka in real time by default', () => {
    expect(parseArgs(['--kafka', 'k:9092']).kafka?.pace).toBe(true);
  });

  it.each([
    [[], /nothing to do/],
    [['--out', 'd', '--fps', '101'], /--fps must be an integer from 1 to 100/],
    [['--out', 'd', '--width', '63'], /--width/],
    [['--out', 'd', '--height', '481'], /--height/],
    [['--out', 'd', '--jpeg-quality', '80'], /--jpeg-quality only applies with --format JPEG/],
    [['--out', 'd', '--format', 'JPEG', '--jpeg-quality', '0'], /--jpeg-quality must be an integer from 1 to 100/],
    [['--out', 'd', '--format', 'JPEG', '--jpeg-quality', '101'], /--jpeg-quality must be an integer from 1 to 100/],
    [['--out', 'd', '--format', 'BMP'], /--format must be one of/],
    [['--out', 'd', '--cameras', '2', '--lines', '3'], /cannot exceed/],
    [['--out', 'd', '--seconds', '0'], /--seconds/],
    [['--out', 'd', '--drop', '1.5'], /--drop/],
    [['--out', 'd', '--defect-rate', '-1'], /--defect-rate/],
    [['--out', 'd', '--start', '2026-11-22'], /--start/],
    [['--out', 'd', '--as-fast-as-possible'], /only applies with --kafka/],
    [['--out', 'd', '--topic', 'x'], /only applies with --kafka/],
    [['--kafka', 'nohost'], /host:port/],
    [['--bogus'], /unknown option --bogus/],
    [['--out'], /needs a value/],
    [['--out', 'a', '--out', 'b'], /given twice/],
    [['stray'], /unexpected argument/],
    [['--help=yes'], /takes no value/],
  ])('refuses %p', (argv, reason) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(reason);
  });

  it('allows --help alone', () => {
    expect(parseArgs(['--help']).help).toBe(true);
  });
});
