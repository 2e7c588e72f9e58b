/**
 * A one-line progress bar for long runs on a terminal (docs/cli.md "Progress and live charts"),
 * hand-written like the live view: it only ever writes `\r`, the bar and an erase-to-end, to a
 * stream that is a TTY, at most every `redrawMs` of real time; on any other stream it writes nothing,
 * so piped and `--json` output stay clean.
 */
import { performance } from 'node:perf_hooks';

/** The stream a bar draws on (`process.stderr`). */
export interface BarStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  /** Redraws when due: `done` of `total`, and a short text after the bar. */
  update(done: number, total: number, text?: string): void;
  /** Erases the bar (the line is left empty for what follows). Idempotent. */
  clear(): void;
}

export interface ProgressBarOptions {
  /** Shortest real time between two redraws, ms (default 100). */
  redrawMs?: number;
  /** Real time before the first draw, ms (default 250): a short run shows no bar at all. */
  showAfterMs?: number;
  /** Real clock, ms (default `performance.now`); tests inject one. */
  realNowMs?: () => number;
}

const BAR_WIDTH = 24;

/** The bar's line for `done` of `total` (without the leading `\r`), cut to `columns`. */
export function barLine(done: number, total: number, text: string, columns = 80): string {
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const line = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}% ${text}`;
  return line.slice(0, Math.max(0, columns - 1));
}

export function createProgressBar(stream: BarStream, options: ProgressBarOptions = {}): ProgressBar {
  const realNowMs = options.realNowMs ?? (() => performance.now());
  const redrawMs = options.redrawMs ?? 100;
  const tty = stream.isTTY === true;
  const showFromMs = realNowMs() + (options.showAfterMs ?? 250);
  let drawnAtMs = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(done, total, text = '') {
      if (!tty) return;
      const now = realNowMs();
      if (now < showFromMs || now - drawnAtMs < redrawMs) return;
      drawnAtMs = now;
      shown = true;
      stream.write(`\r${barLine(done, total, text, stream.columns)}\x1b[K`);
    },
    clear() {
      if (!shown) return;
      shown = false;
      stream.write('\r\x1b[K');
    },
  };
}
