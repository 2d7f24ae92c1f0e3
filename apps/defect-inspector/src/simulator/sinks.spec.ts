import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NO_FAULTS } from './faults';
import { generate, SimulationOptions, simulate } from './generate';
import { DirectorySink, writeTruth } from './sinks';

describe('file sinks', () => {
  it('write one file per frame, a frames.jsonl index and the truth as JSONL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'camsim-'));
    const options: SimulationOptions = { seed: 5, cameras: 2, lines: 1, fps: 10, seconds: 1, width: 64, height: 64, format: 'PNG', defectRate: 0.5, faults: { ...NO_FAULTS, duplicate: 0.3 }, start: '2026-11-22T08:00:00Z' };
    const expected = generate(options);
    const sink = new DirectorySink(join(dir, 'frames'));
    for (const frame of simulate(options)) await sink.write(frame);
    await sink.close();
    await writeTruth(join(dir, 'truth.jsonl'), expected.truth);

    const index = readFileSync(join(dir, 'frames', 'frames.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(index.map((entry) => entry.headers)).toEqual(expected.frames.map((f) => f.headers));
    expect(readdirSync(join(dir, 'frames'))).toHaveLength(expected.frames.length + 1);
    index.forEach((entry, i) => {
      expect(entry.file).toMatch(new RegExp(`^\\d{7}-${entry.key}-${entry.headers.seq}\\.png$`));
      expect(readFileSync(join(dir, 'frames', entry.file)).equals(expected.frames[i].value)).toBe(true);
    });
    const truth = readFileSync(join(dir, 'truth.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(truth).toEqual(expected.truth);
  });
});
