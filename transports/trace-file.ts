/**
 * Trace files (docs/traces.md "Files"): a `TraceSink` that writes a sampler's rows to a file in CSV
 * or JSON lines (by the extension unless told). The file is created when it is opened, so a path that
 * cannot be written fails before anything runs. Rows are batched as bytes (`TraceBatch`: a sample
 * row without a string) and written synchronously: the end row goes out (and the file is closed)
 * inside the sampler's `close`, so a command that closes its sampler on SIGINT leaves a complete
 * file, and one killed outright leaves whole rows up to the last batch.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  TraceBatch,
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

/** Bytes batched before a write: a few hundred samples. */
const BATCH_BYTES = 64 * 1024;
/** Room past a full batch for the row that fills it. */
const ROW_ROOM = 4096;
/**
 * Batches of closed files, for the next files: a new 68 KB buffer costs its first writes' page
 * faults, about 0.2 ms on this project's 2-core VMs, which is 4 % of a traced 6-minute session.
 */
const SPARE: Record<TraceFormat, TraceBatch[]> = { csv: [], jsonl: [] };
const SPARE_BATCHES = 4;

/** Creates or truncates `path` now; a path that cannot be written is TRANSPORT_OPEN_FAILED. */
export function openTraceFile(path: string, format = traceFormatOfPath(path)): TraceFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new TransportError('TRANSPORT_OPEN_FAILED', `cannot write the trace ${path}: ${messageOf(error)}`);
  }
  const lines = traceLines(format);
  const batch = SPARE[format].pop() ?? new TraceBatch(format, BATCH_BYTES + ROW_ROOM);
  // Once closed, the batch may serve another file: nothing here touches it then.
  const flush = (): void => {
    if (fd === undefined) return;
    const bytes = batch.batched();
    // A regular file takes the whole batch at once; a short write (a full disk) goes on or throws.
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    batch.clear();
  };
  const add = (line: string): void => {
    if (fd === undefined) return;
    batch.text(line);
    if (batch.length >= BATCH_BYTES) flush();
  };
  const close = (): void => {
    if (fd === undefined) return;
    try {
      flush();
    } finally {
      closeSync(fd);
      fd = undefined;
      batch.clear();
      if (SPARE[format].length < SPARE_BATCHES) SPARE[format].push(batch);
    }
  };
  return {
    path,
    format,
    start(header: Readonly<TraceHeader>) {
      add(lines.header(header));
      // The header on disk at once: a run cut short still leaves a file that reads as a trace.
      flush();
    },
    sample(sample: Readonly<TraceSample>) {
      if (fd === undefined) return;
      batch.sample(sample);
      if (batch.length >= BATCH_BYTES) flush();
    },
    event: (event: Readonly<TraceEvent>) => add(lines.event(event)),
    end(end: Readonly<TraceEnd>) {
      add(lines.end(end));
      close();
    },
    close,
  };
}
