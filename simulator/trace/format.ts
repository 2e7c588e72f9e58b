/**
 * The two trace file formats as lines of text (docs/traces.md "Files"): JSON lines (a header object,
 * then one object per sample, event and the end, each with a `kind`) and CSV (the same rows, a
 * `kind` column first, events and the header as JSON in the `detail` column). Pure: the file I/O is
 * transports/trace-file.ts.
 */
import {
  TRACE_COLUMNS,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
  type TraceSample,
} from './types.js';

export type TraceFormat = 'csv' | 'jsonl';

/** `.csv` → CSV, anything else → JSON lines. */
export function traceFormatOfPath(path: string): TraceFormat {
  return /\.csv$/i.test(path) ? 'csv' : 'jsonl';
}

/** The line writers of one format; each line ends with `\n`. */
export interface TraceLines {
  header(header: Readonly<TraceHeader>): string;
  sample(sample: Readonly<TraceSample>): string;
  event(event: Readonly<TraceEvent>): string;
  end(end: Readonly<TraceEnd>): string;
}

/** Every value of a sample is a number or a state/light name (letters, digits, `_` and `/`). */
function jsonSample(s: Readonly<TraceSample>): string {
  return `{"kind":"sample","atMs":${s.atMs},"holderState":"${s.holderState}","chargerState":"${s.chargerState}","heaterC":${s.heaterC},"heaterW":${s.heaterW},"puffFlowMlS":${s.puffFlowMlS},"puffs":${s.puffs},"holderPct":${s.holderPct},"chargerPct":${s.chargerPct},"holderLed":"${s.holderLed}","chargerLed":"${s.chargerLed}"}\n`;
}

const JSONL_LINES: TraceLines = {
  header: (header) => `${JSON.stringify(header)}\n`,
  sample: jsonSample,
  event: (event) => `${JSON.stringify({ kind: 'event', ...event })}\n`,
  end: (end) => `${JSON.stringify({ kind: 'end', ...end })}\n`,
};

/** The CSV columns: `kind`, the sample columns, then `event` (its type) and `detail` (JSON). */
export const CSV_COLUMNS = ['kind', ...TRACE_COLUMNS, 'event', 'detail'] as const;
const EMPTY_SAMPLE = ','.repeat(TRACE_COLUMNS.length - 1);

const csvQuote = (text: string): string => `"${text.replace(/"/g, '""')}"`;

const CSV_LINES: TraceLines = {
  header: (header) =>
    `${CSV_COLUMNS.join(',')}\nstart,${header.startMs}${EMPTY_SAMPLE},header,${csvQuote(JSON.stringify(header))}\n`,
  sample: (s) =>
    `sample,${s.atMs},${s.holderState},${s.chargerState},${s.heaterC},${s.heaterW},${s.puffFlowMlS},${s.puffs},${s.holderPct},${s.chargerPct},${s.holderLed},${s.chargerLed},,\n`,
  event: ({ type, atMs, ...rest }) =>
    `event,${atMs}${EMPTY_SAMPLE},${type},${csvQuote(JSON.stringify(rest))}\n`,
  end: (end) => `end,${end.atMs}${EMPTY_SAMPLE},end,${csvQuote(JSON.stringify(end))}\n`,
};

export function traceLines(format: TraceFormat): TraceLines {
  return format === 'csv' ? CSV_LINES : JSONL_LINES;
}

/**
 * A sample row of `traceLines(format).sample` written as bytes (UTF-8, which the row is in ASCII)
 * straight into a buffer: the same text, made without a string, for the trace writer thread
 * (transports/trace-writer.ts), which formats every row of every file. It refers to nothing outside
 * itself, so the thread runs it from its source text (`String(SampleRowEncoder)`).
 *
 * Numbers: a sample's values are whole or in hundredths (the sampler rounds to 0.1 or 0.01). Such a
 * value is the double nearest k/100, and the shortest text that reads back as it, which is what
 * JavaScript prints, is k/100 in decimal without trailing zeros; so it is written from the integer k.
 * Any other value (a time on a grid of thirds, say) is written as `String` prints it.
 */
export class SampleRowEncoder {
  /** The row's fixed text, its parts one after the other: before the first value, between two, after the last. */
  private readonly fixed: Uint8Array;
  /** Where each part of `fixed` starts (and, last, where the final one ends). */
  private readonly starts: Int32Array;
  /** The most a row takes beyond the bytes of its four names. */
  readonly maxBytes: number;

  constructor(csv: boolean) {
    const parts = csv
      ? ['sample,', ',', ',', ',', ',', ',', ',', ',', ',', ',', ',', ',,\n']
      : [
          '{"kind":"sample","atMs":',
          ',"holderState":"',
          '","chargerState":"',
          '","heaterC":',
          ',"heaterW":',
          ',"puffFlowMlS":',
          ',"puffs":',
          ',"holderPct":',
          ',"chargerPct":',
          ',"holderLed":"',
          '","chargerLed":"',
          '"}\n',
        ];
    const text = parts.join('');
    this.fixed = Uint8Array.from(text, (c) => c.charCodeAt(0));
    this.starts = new Int32Array(parts.length + 1);
    for (let n = 0; n < parts.length; n++)
      this.starts[n + 1] = (this.starts[n] as number) + (parts[n] as string).length;
    // Seven numbers of at most 25 characters (`String` of a double) and the fixed text.
    this.maxBytes = 7 * 25 + text.length;
  }

  /**
   * Writes the row into `out` from `pos` and returns where it ends: the seven numbers are
   * `words[at]` to `words[at + 6]` in column order (atMs, heaterC, heaterW, puffFlowMlS, puffs,
   * holderPct, chargerPct), the names are the holder's and the charger's state and light as bytes.
   * `out` must have room for `maxBytes` and the names.
   */
  write(
    out: Uint8Array,
    pos: number,
    words: Float64Array,
    at: number,
    holderState: Uint8Array,
    chargerState: Uint8Array,
    holderLed: Uint8Array,
    chargerLed: Uint8Array,
  ): number {
    let i = this.part(out, pos, 0);
    i = this.number(out, i, words[at] as number);
    i = this.part(out, i, 1);
    i = this.bytes(out, i, holderState);
    i = this.part(out, i, 2);
    i = this.bytes(out, i, chargerState);
    for (let n = 1; n <= 6; n++) {
      i = this.part(out, i, n + 2);
      i = this.number(out, i, words[at + n] as number);
    }
    i = this.part(out, i, 9);
    i = this.bytes(out, i, holderLed);
    i = this.part(out, i, 10);
    i = this.bytes(out, i, chargerLed);
    return this.part(out, i, 11);
  }

  private part(out: Uint8Array, pos: number, n: number): number {
    const fixed = this.fixed;
    const end = this.starts[n + 1] as number;
    let i = pos;
    for (let j = this.starts[n] as number; j < end; j++) out[i++] = fixed[j] as number;
    return i;
  }

  private bytes(out: Uint8Array, pos: number, bytes: Uint8Array): number {
    const n = bytes.length;
    for (let j = 0; j < n; j++) out[pos + j] = bytes[j] as number;
    return pos + n;
  }

  /** `String(v)` as bytes; see the class comment. */
  private number(out: Uint8Array, pos: number, v: number): number {
    const k = Math.round(v * 100);
    let i = pos;
    if (!(k / 100 === v && k < 1e15 && k > -1e15)) {
      const text = String(v);
      for (let j = 0; j < text.length; j++) out[i++] = text.charCodeAt(j);
      return i;
    }
    let a = k;
    if (k < 0) {
      out[i++] = 45; // '-'
      a = -k;
    }
    const whole = Math.floor(a / 100);
    const cents = a - whole * 100;
    let digits = 1;
    for (let w = whole; w >= 10; w = Math.floor(w / 10)) digits++;
    let w = whole;
    for (let j = digits - 1; j >= 0; j--) {
      const q = Math.floor(w / 10);
      out[i + j] = 48 + (w - q * 10);
      w = q;
    }
    i += digits;
    if (cents !== 0) {
      const tenths = Math.floor(cents / 10);
      out[i++] = 46; // '.'
      out[i++] = 48 + tenths;
      if (cents !== tenths * 10) out[i++] = 48 + (cents - tenths * 10);
    }
    return i;
  }
}
