/**
 * Trace files (docs/traces.md "Files"): a `TraceSink` that writes a sampler's rows to a file in CSV
 * or JSON lines (by the extension unless told). The file is created when it is opened, so a path that
 * cannot be written fails before anything runs. Lines are batched and written synchronously: the end
 * row goes out (and the file is closed) inside the sampler's `close`, so a command that closes its
 * sampler on SIGINT leaves a complete file, and one killed outright leaves whole rows up to the last
 * batch.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  type TraceEnd,
  type TraceEvent,
  type TraceFormat,
  type TraceHeader,
  type TraceSample,
  type TraceSink,
  traceFormatOfPath,
  traceLines,
} from '../simulator/index.js';
import { messageOf, TransportError } from './errors.js';

export interface TraceFile extends TraceSink {
  readonly path: string;
  readonly format: TraceFormat;
  /** Writes what is batched and closes the file, with or without the end row. Idempotent. */
  close(): void;
}

/** Text batched before a write, characters: a few hundred samples. */
const BATCH_CHARS = 64 * 1024;

/** Creates or truncates `path` now; a path that cannot be written is TRANSPORT_OPEN_FAILED. */
export function openTraceFile(path: string, format = traceFormatOfPath(path)): TraceFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new TransportError('TRANSPORT_OPEN_FAILED', `cannot write the trace ${path}: ${messageOf(error)}`);
  }
  const lines = traceLines(format);
  let batch = '';
  const flush = (): void => {
    if (fd !== undefined && batch.length > 0) writeSync(fd, batch);
    batch = '';
  };
  const add = (line: string): void => {
    if (fd === undefined) return;
    batch += line;
    if (batch.length >= BATCH_CHARS) flush();
  };
  const close = (): void => {
    flush();
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    path,
    format,
    start(header: Readonly<TraceHeader>) {
      add(lines.header(header));
      // The header on disk at once: a run cut short still leaves a file that reads as a trace.
      flush();
    },
    sample: (sample: Readonly<TraceSample>) => add(lines.sample(sample)),
    event: (event: Readonly<TraceEvent>) => add(lines.event(event)),
    end(end: Readonly<TraceEnd>) {
      add(lines.end(end));
      close();
    },
    close,
  };
}
