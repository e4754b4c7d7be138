// A one-line progress bar on a terminal: tests done/total, passes, failures, skipped tests
// (judged tests without a Result line), elapsed, ETA.
// Output written through `write` clears the bar first and redraws it after.

export interface ProgressStream {
  write(s: string): unknown;
  columns?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** How a finished test counts on the bar. */
export type ProgressTally = 'passed' | 'failed' | 'skipped';

export class Progress {
  private done = 0;
  private passes = 0;
  private failures = 0;
  private skips = 0;
  private shown = false;
  private lastDraw = 0;
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream,
  ) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  /** Count a finished test. */
  tick(tally: ProgressTally): void {
    this.done++;
    if (tally === 'passed') this.passes++;
    else if (tally === 'failed') this.failures++;
    else this.skips++;
    if (performance.now() - this.lastDraw > 100 || this.done === this.total) this.draw();
  }

  line(): string {
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = this.done > 0 ? (elapsed / this.done) * (this.total - this.done) : Infinity;
    const width = Math.max(10, Math.min(30, (this.stream.columns || 80) - 70));
    const filled = this.total > 0 ? Math.round((width * this.done) / this.total) : width;
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    return `[${bar}] ${this.done}/${this.total}  ${this.passes} passed  ${this.failures} failed${this.skips ? `  ${this.skips} skipped` : ''}  elapsed ${formatDuration(elapsed)}  ETA ${this.done === this.total ? '00:00' : formatDuration(eta)}`;
  }

  draw(): void {
    this.lastDraw = performance.now();
    const cols = this.stream.columns || 200;
    this.stream.write(`\r\x1b[2K${this.line().slice(0, Math.max(10, cols - 1))}`);
    this.shown = true;
  }

  /** Remove the bar from the screen (before other output). */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }

  /** Write other output without garbling the bar. */
  around(write: () => void): void {
    const was = this.shown;
    this.clear();
    write();
    if (was) this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }
}
