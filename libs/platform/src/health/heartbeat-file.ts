import { writeFileSync } from 'node:fs';

/**
 * A file rewritten at most once per `everyMs` while work flows, so a container healthcheck can
 * tell a working batch process (a fresh file) from a stuck one. It holds the count of beats.
 */
export class HeartbeatFile {
  private lastWrite = Number.NEGATIVE_INFINITY;
  private beats = 0;

  constructor(
    private readonly path: string,
    private readonly everyMs = 1_000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  beat(): void {
    this.beats += 1;
    if (this.clock() - this.lastWrite < this.everyMs) return;
    this.lastWrite = this.clock();
    writeFileSync(this.path, `${this.beats}\n`);
  }

  close(): void {
    writeFileSync(this.path, `${this.beats}\n`);
  }
}
