import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HeartbeatFile } from './heartbeat-file';

describe(HeartbeatFile.name, () => {
  it('rewrites its file at most once a period while work flows, and with the final count on close', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heartbeat-')), 'alive');
    let now = 0;
    const sut = new HeartbeatFile(file, 1_000, () => now);
    const read = () => readFileSync(file, 'utf8');

    sut.beat();
    const first = read();
    now = 500;
    sut.beat();
    const unchanged = read();
    now = 1_500;
    sut.beat();
    const beat = read();
    sut.beat();
    sut.close();

    expect([first, unchanged, beat, read()]).toEqual(['1\n', '1\n', '3\n', '4\n']);
  });
});
