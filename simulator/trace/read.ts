/**
 * Reads a trace file's text, either format (docs/traces.md "Files"), into its rows. A text that is
 * not a trace, or one of another version, is SIM_TRACE with the line; a trace without its end row
 * (the run was killed) reads with `end` undefined; a last line cut mid-way is dropped.
 */
import { SimulatorError } from '../errors.js';
import { CSV_COLUMNS } from './format.js';
import {
  TRACE_COLUMNS,
  TRACE_FORMAT,
  TRACE_VERSION,
  type TraceEnd,
  type TraceEvent,
  type TraceHeader,
  type TraceSample,
  type TraceSink,
} from './types.js';

export interface Trace {
  header: TraceHeader;
  samples: TraceSample[];
  events: TraceEvent[];
  /** Undefined when the trace was cut short. */
  end: TraceEnd | undefined;
}

const NUMERIC: ReadonlySet<string> = new Set([
  'atMs',
  'heaterC',
  'heaterW',
  'puffFlowMlS',
  'puffs',
  'holderPct',
  'chargerPct',
]);

function fail(message: string, line: number): never {
  throw new SimulatorError('SIM_TRACE', `line ${line}: ${message}`, { line });
}

function checkHeader(value: unknown, line: number): TraceHeader {
  const h = value as Partial<TraceHeader> | null;
  if (typeof h !== 'object' || h === null || h.format !== TRACE_FORMAT)
    fail(`not an ${TRACE_FORMAT} header`, line);
  if (h.version !== TRACE_VERSION)
    fail(`trace version ${String(h.version)}; this reader knows version ${TRACE_VERSION}`, line);
  if (typeof h.rateHz !== 'number' || typeof h.model !== 'string' || typeof h.startMs !== 'number')
    fail('the header needs model, rateHz and startMs', line);
  return h as TraceHeader;
}

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fail('not JSON', line);
  }
}

/** The lines of `text` that are complete (a last line without its newline is dropped unless it parses). */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function readJsonl(lines: string[]): Trace {
  const header = checkHeader(parseJson(lines[0] ?? '', 1), 1);
  const trace: Trace = { header, samples: [], events: [], end: undefined };
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i] as string;
    if (text.trim() === '') continue;
    let row: { kind?: unknown } & Record<string, unknown>;
    try {
      row = JSON.parse(text);
    } catch {
      if (i === lines.length - 1) break;
      fail('not JSON', i + 1);
    }
    const { kind, ...rest } = row;
    if (kind === 'sample') trace.samples.push(rest as unknown as TraceSample);
    else if (kind === 'event') trace.events.push(rest as unknown as TraceEvent);
    else if (kind === 'end') trace.end = rest as unknown as TraceEnd;
    else fail(`unknown row kind ${JSON.stringify(kind)}`, i + 1);
  }
  return trace;
}

/** One CSV record's fields (RFC 4180 quoting; a record never spans lines here). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return [];
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const stop = comma < 0 ? line.length : comma;
      fields.push(line.slice(i, stop));
      i = stop + 1;
    }
  }
  return fields;
}

function readCsv(lines: string[]): Trace {
  if (lines[0] !== CSV_COLUMNS.join(','))
    fail(`not a trace CSV: the first line must be ${CSV_COLUMNS.join(',')}`, 1);
  const first = csvFields(lines[1] ?? '');
  if (first[0] !== 'start') fail('the second line must be the start row', 2);
  const header = checkHeader(parseJson(first[CSV_COLUMNS.length - 1] ?? '', 2), 2);
  const trace: Trace = { header, samples: [], events: [], end: undefined };
  for (let i = 2; i < lines.length; i++) {
    const fields = csvFields(lines[i] as string);
    if (fields.length !== CSV_COLUMNS.length) {
      if (i === lines.length - 1) break;
      fail(`${fields.length} fields, not ${CSV_COLUMNS.length}`, i + 1);
    }
    const [kind, atMs] = fields;
    const detail = fields[CSV_COLUMNS.length - 1] as string;
    if (kind === 'sample') {
      const sample: Record<string, unknown> = {};
      TRACE_COLUMNS.forEach((column, c) => {
        const value = fields[c + 1] as string;
        sample[column] = NUMERIC.has(column) ? Number(value) : value;
      });
      trace.samples.push(sample as unknown as TraceSample);
    } else if (kind === 'event') {
      const type = fields[CSV_COLUMNS.length - 2];
      trace.events.push({ type, atMs: Number(atMs), ...(parseJson(detail, i + 1) as object) } as TraceEvent);
    } else if (kind === 'end') trace.end = parseJson(detail, i + 1) as TraceEnd;
    else fail(`unknown row kind ${JSON.stringify(kind)}`, i + 1);
  }
  return trace;
}

/** Reads a trace of either format (told apart by the first character: `{` is JSON lines). */
export function readTrace(text: string): Trace {
  const lines = linesOf(text);
  if (lines.length === 0) fail('empty: not a trace', 1);
  return (lines[0] as string).startsWith('{') ? readJsonl(lines) : readCsv(lines);
}

/** A sink that keeps the rows in memory as a `Trace` (each sample copied): for tests and live charts. */
export class TraceCollector implements TraceSink {
  private traceValue: Trace | undefined;

  /** The rows so far; SIM_TRACE before the sampler started. */
  get trace(): Trace {
    if (!this.traceValue) throw new SimulatorError('SIM_TRACE', 'no trace yet: the sampler has not started');
    return this.traceValue;
  }

  start(header: Readonly<TraceHeader>): void {
    this.traceValue = { header: { ...header }, samples: [], events: [], end: undefined };
  }
  sample(sample: Readonly<TraceSample>): void {
    this.trace.samples.push({ ...sample });
  }
  event(event: Readonly<TraceEvent>): void {
    this.trace.events.push(event);
  }
  end(end: Readonly<TraceEnd>): void {
    this.trace.end = { ...end };
  }
}
