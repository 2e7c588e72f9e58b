/** The progress bar: nothing off a terminal, nothing for a short run, redraws throttled, cleared at the end. */
import { describe, expect, it } from 'vitest';
import { barLine, createProgressBar } from './progress-bar.js';

describe('createProgressBar', () => {
  it('writes nothing to a stream that is not a TTY', () => {
    const written: string[] = [];
    const bar = createProgressBar({ write: (t) => written.push(t) }, { showAfterMs: 0 });
    bar.update(1, 2, 'x');
    bar.clear();
    expect(written).toEqual([]);
  });

  it('on a TTY: waits showAfterMs, redraws at most every redrawMs, erases on clear', () => {
    let now = 0;
    const written: string[] = [];
    const bar = createProgressBar(
      { isTTY: true, columns: 60, write: (t) => written.push(t) },
      { realNowMs: () => now, showAfterMs: 250, redrawMs: 100 },
    );
    bar.update(1, 4, 'early');
    now = 300;
    bar.update(2, 4, 'step 3/4');
    now = 350;
    bar.update(3, 4, 'too soon');
    bar.clear();
    expect(written).toEqual([`\r${barLine(2, 4, 'step 3/4', 60)}\x1b[K`, '\r\x1b[K']);
    expect(barLine(2, 4, 'step 3/4', 60)).toBe('[############............]  50% step 3/4');
  });
});
