import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { generate, simulate } from './generate';
import { JsonlSink, TruthSink } from './sinks';

describe('file sinks', () => {
  it('write JSONL messages and truth as JSONL or as one JSON array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    const options = { seed: 3, accounts: 60, days: 1, start: '2026-11-01', patterns: { cycle: 1 }, decoys: {} };
    const sinks = [new JsonlSink(join(dir, 'tx.jsonl')), new TruthSink(join(dir, 'truth.jsonl')), new TruthSink(join(dir, 'truth.json'))];

    for (const tx of simulate(options)) for (const sink of sinks) await sink.write(tx);
    for (const sink of sinks) await sink.close();

    const expected = generate(options);
    const lines = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines('tx.jsonl')).toEqual(expected.transactions);
    expect(lines('truth.jsonl')).toEqual(expected.truth);
    expect(JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'))).toEqual(expected.truth);
  });
});
