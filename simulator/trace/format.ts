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
