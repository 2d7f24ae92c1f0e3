/** Progress on stderr: a redrawn bar on a terminal, a plain line every few seconds otherwise. */
export class Progress {
  private lastDraw = -Infinity;
  private readonly startedAt: number;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    /** The command and what it counts, e.g. `sim:transactions` and `tx`. */
    private readonly label: { command: string; unit: string },
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startedAt = clock();
  }

  /** `fraction` of the work done, `count` items so far. */
  update(fraction: number, count: number, force = false): void {
    const now = this.clock();
    const tty = Boolean(this.stream.isTTY);
    if (!force && now - this.lastDraw < (tty ? 200 : 5000)) return;
    this.lastDraw = now;
    const percent = Math.min(100, Math.floor(fraction * 100));
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? Math.round(count / seconds) : 0;
    const { unit } = this.label;
    if (tty) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      this.stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${count} ${unit}  ${rate} ${unit}/s `);
    } else {
      this.stream.write(`${this.label.command} ${percent}% ${count} ${unit} ${rate} ${unit}/s\n`);
    }
  }

  done(count: number): void {
    this.update(1, count, true);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
