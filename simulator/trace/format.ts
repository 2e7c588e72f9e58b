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

/** Text as bytes in whole float64 words (zero-padded), for `TraceBatch`'s 8-byte stores. */
interface Chunks {
  words: Float64Array;
  length: number;
}

/** `text` (ASCII) in words; UTF-8 text goes through `TraceBatch.text` instead. */
function chunksOf(text: string): Chunks {
  const bytes = new Uint8Array(Math.ceil(text.length / 8) * 8);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return { words: new Float64Array(bytes.buffer), length: text.length };
}

/** `"00"` to `"99"` as the 16-bit little-endian words their two ASCII digits make. */
const DIGIT_PAIRS = Uint16Array.from(
  { length: 100 },
  (_, n) => (48 + Math.floor(n / 10)) | ((48 + (n % 10)) << 8),
);

/** How many decimal digits the whole number `n` has. */
function digitsOf(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : 4;
  let digits = 5;
  for (let w = n; w >= 1e5; w = Math.floor(w / 10)) digits++;
  return digits;
}

/** The sample columns that hold text (states and lights): quoted in JSON lines. */
const TEXT_COLUMNS: ReadonlySet<string> = new Set(['holderState', 'chargerState', 'holderLed', 'chargerLed']);

/**
 * The fixed text of a sample row from `TRACE_COLUMNS`: before the first value, between two values,
 * after the last, as `traceLines(format).sample` writes it.
 */
function sampleRowParts(format: TraceFormat): string[] {
  if (format === 'csv') return ['sample,', ...TRACE_COLUMNS.slice(1).map(() => ','), ',,\n'];
  const quote = (column: string | undefined) => (column !== undefined && TEXT_COLUMNS.has(column) ? '"' : '');
  const before = TRACE_COLUMNS.map(
    (column, i) =>
      `${i === 0 ? '{"kind":"sample"' : quote(TRACE_COLUMNS[i - 1])},"${column}":${quote(column)}`,
  );
  return [...before, `${quote(TRACE_COLUMNS.at(-1))}}\n`];
}

/** The room a number takes at most: `String` of a double is at most 25 characters. */
const NUMBER_BYTES = 25;

/**
 * The rows of one trace file as UTF-8 bytes, batched for one write (docs/traces.md "What a trace
 * costs"). A sample row is the very text of `traceLines(format).sample`, made without a string:
 * generic number-to-text conversion and the string's encoding were most of a row's cost. The fixed
 * text and the names (states, lights) are stored 8 bytes at a time (a word may run past the part's
 * end: the next part overwrites it), and numbers digit pair by digit pair.
 *
 * Numbers: a sample's values are whole or in hundredths (the sampler rounds to 0.1 or 0.01). Such a
 * value is the double nearest k/100, and the shortest text that reads back as it, which is what
 * JavaScript prints, is k/100 in decimal without trailing zeros; so it is written from the integer k.
 * Any other value (a time on a grid of thirds, say) is written as `String` prints it.
 */
export class TraceBatch {
  private bytes = new Uint8Array(0);
  private view = new DataView(this.bytes.buffer);
  /** Bytes used. */
  length = 0;
  /** The fixed text of a sample row, in parts: before the first value, between two, after the last. */
  private readonly parts: Chunks[];
  /** The most a sample row takes beyond its four names, with a word of slack for the last store. */
  private readonly rowBytes: number;
  private readonly names = new Map<string, Chunks>();
  /** The last name met in each of a row's four name columns, and its words. */
  private readonly lastText = ['', '', '', ''];
  private readonly lastChunks: Chunks[];
  private readonly encoder = new TextEncoder();

  constructor(format: TraceFormat, capacity = 64 * 1024) {
    const parts = sampleRowParts(format);
    this.parts = parts.map(chunksOf);
    this.rowBytes = this.parts.reduce((sum, part) => sum + part.words.length * 8, 0) + 7 * NUMBER_BYTES + 8;
    const none = chunksOf('');
    this.lastChunks = [none, none, none, none];
    this.reserve(capacity);
  }

  /** The bytes batched so far (a view: valid until the next call). */
  batched(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** Appends a line made elsewhere (header, event, end), as UTF-8. */
  text(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.reserve(line.length * 3);
    this.length += this.encoder.encodeInto(line, this.bytes.subarray(this.length)).written;
  }

  /** Appends the sample row of `s`. */
  sample(s: Readonly<TraceSample>): void {
    const hs = this.name(0, s.holderState);
    const cs = this.name(1, s.chargerState);
    const hl = this.name(2, s.holderLed);
    const cl = this.name(3, s.chargerLed);
    this.reserve(this.rowBytes + (hs.words.length + cs.words.length + hl.words.length + cl.words.length) * 8);
    const p = this.parts;
    this.put(p[0] as Chunks);
    this.number(s.atMs);
    this.put(p[1] as Chunks);
    this.put(hs);
    this.put(p[2] as Chunks);
    this.put(cs);
    this.put(p[3] as Chunks);
    this.number(s.heaterC);
    this.put(p[4] as Chunks);
    this.number(s.heaterW);
    this.put(p[5] as Chunks);
    this.number(s.puffFlowMlS);
    this.put(p[6] as Chunks);
    this.number(s.puffs);
    this.put(p[7] as Chunks);
    this.number(s.holderPct);
    this.put(p[8] as Chunks);
    this.number(s.chargerPct);
    this.put(p[9] as Chunks);
    this.put(hl);
    this.put(p[10] as Chunks);
    this.put(cl);
    this.put(p[11] as Chunks);
  }

  /** Room for `size` more bytes (the batch grows past its capacity only for an outsized row). */
  private reserve(size: number): void {
    if (this.length + size <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.length + size));
    bytes.set(this.batched());
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  /**
   * The words of a name (letters, digits, `_` and `/`: a state or a light) in column `column`: the
   * last one's when it is the same string, as it nearly always is.
   */
  private name(column: number, text: string): Chunks {
    if (this.lastText[column] === text) return this.lastChunks[column] as Chunks;
    let chunks = this.names.get(text);
    if (chunks === undefined) {
      chunks = chunksOf(text);
      this.names.set(text, chunks);
    }
    this.lastText[column] = text;
    this.lastChunks[column] = chunks;
    return chunks;
  }

  private put(chunks: Chunks): void {
    const { words } = chunks;
    const view = this.view;
    const at = this.length;
    for (let i = 0; i < words.length; i++) view.setFloat64(at + 8 * i, words[i] as number, true);
    this.length = at + chunks.length;
  }

  /** `String(v)` as bytes; see the class comment. */
  private number(v: number): void {
    const k = Math.round(v * 100);
    const bytes = this.bytes;
    let i = this.length;
    if (!(k / 100 === v && k < 1e15 && k > -1e15)) {
      const text = String(v);
      for (let j = 0; j < text.length; j++) bytes[i++] = text.charCodeAt(j);
      this.length = i;
      return;
    }
    let a = k;
    if (k < 0) {
      bytes[i++] = 45; // '-'
      a = -k;
    }
    const whole = Math.floor(a / 100);
    const cents = a - whole * 100;
    const view = this.view;
    let end = i + digitsOf(whole);
    const digitsEnd = end;
    let w = whole;
    // Whole numbers below 2³¹ (a time of up to 248 days, every level and power) in int32 arithmetic.
    while (w >= 2 ** 31) {
      const q = Math.floor(w / 100);
      end -= 2;
      view.setUint16(end, DIGIT_PAIRS[w - q * 100] as number, true);
      w = q;
    }
    let n = w | 0;
    while (n >= 100) {
      const q = (n / 100) | 0;
      end -= 2;
      view.setUint16(end, DIGIT_PAIRS[n - q * 100] as number, true);
      n = q;
    }
    if (n >= 10) view.setUint16(end - 2, DIGIT_PAIRS[n] as number, true);
    else bytes[end - 1] = 48 + n;
    i = digitsEnd;
    if (cents !== 0) {
      bytes[i++] = 46; // '.'
      const tenths = (cents / 10) | 0;
      if (cents === tenths * 10) bytes[i++] = 48 + tenths;
      else {
        view.setUint16(i, DIGIT_PAIRS[cents] as number, true);
        i += 2;
      }
    }
    this.length = i;
  }
}
