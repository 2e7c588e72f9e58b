/**
 * `--trace <file>` and `--trace-rate <hz>` on `run` and `scenario` (docs/traces.md "From the
 * command line"): the file is created at once, CSV for `.csv` and JSON lines otherwise, so a path
 * that cannot be written is an exit 2 before anything runs; the command closes it with its end row
 * when it ends, SIGINT included.
 */
import { TRACE_DEFAULT_RATE_HZ } from '../simulator/index.js';
import { openTraceFile, type TraceFile, TransportError } from '../transports/index.js';
import { CliUsageError } from './io.js';
import { numericOption, OPTIONS } from './options.js';

export const TRACE_FLAGS = '--trace <file>';
export const TRACE_HELP = 'record a trace of the device: .csv, else JSON lines (docs/traces.md)';
export const TRACE_RATE_FLAGS = '--trace-rate <hz>';
export const TRACE_RATE_HELP = `trace samples per second of virtual time, 0.01..1000 (default ${TRACE_DEFAULT_RATE_HZ})`;

export interface TraceFlag {
  file: TraceFile;
  rateHz: number;
}

/** The open trace file and its rate, or undefined without `--trace`. */
export function openTraceFlag(path: string | undefined, rateText: string | undefined): TraceFlag | undefined {
  const rateHz = rateText === undefined ? TRACE_DEFAULT_RATE_HZ : numericOption(OPTIONS.traceRate, rateText);
  if (path === undefined) {
    if (rateText !== undefined) throw new CliUsageError('CLI_USAGE', '--trace-rate needs --trace <file>');
    return undefined;
  }
  try {
    return { file: openTraceFile(path), rateHz };
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
}
