/**
 * Capture files (docs/captures.md): a `CaptureSink` that writes the stream to a file as it comes, in
 * JSON lines, btsnoop or pcapng (by the file's extension unless told), and the reader of any of the
 * three. The encoders are the pure ones of simulator/capture/; this module only does the file I/O.
 */
import { createWriteStream, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  btsnoopHeader,
  btsnoopRecord,
  type CaptureEvent,
  type CaptureFormat,
  type CaptureResult,
  type CaptureSink,
  jsonlHeader,
  jsonlLine,
  PcapngPackets,
  pcapngHeader,
  type ReadCapture,
  readCapture,
  usOf,
} from '../simulator/index.js';
import { messageOf, TransportError } from './errors.js';

export interface CaptureFile extends CaptureSink {
  readonly format: CaptureFormat;
  /** Stops writing and closes the file; resolves when it is flushed. Idempotent. */
  finish(): Promise<void>;
}

/** The wall clock as capture time: whole µs since 1970 (what a real link's capture is stamped with). */
export function wallClockUs(): number {
  return usOf(performance.timeOrigin + performance.now());
}

/** `.btsnoop` / `.log` → btsnoop, `.pcapng` → pcapng, anything else → JSON lines. */
export function captureFormatOfPath(path: string): CaptureFormat {
  if (/\.(btsnoop|log)$/i.test(path)) return 'btsnoop';
  if (/\.pcapng$/i.test(path)) return 'pcapng';
  return 'jsonl';
}

/** Creates or truncates `path` now (a bad path is TRANSPORT_OPEN_FAILED here) and writes its header. */
export function openCaptureFile(path: string, format = captureFormatOfPath(path)): CaptureFile {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (error) {
    throw new TransportError(
      'TRANSPORT_OPEN_FAILED',
      `cannot write the capture ${path}: ${messageOf(error)}`,
    );
  }
  const out = createWriteStream('', { fd });
  const packets = new PcapngPackets();
  const encode: (event: CaptureEvent) => string | Uint8Array | undefined =
    format === 'btsnoop' ? btsnoopRecord : format === 'pcapng' ? (e) => packets.block(e) : jsonlLine;
  out.write(format === 'btsnoop' ? btsnoopHeader() : format === 'pcapng' ? pcapngHeader() : jsonlHeader());
  let finished: Promise<void> | undefined;
  return {
    format,
    capture(event) {
      if (finished) return;
      const chunk = encode(event);
      if (chunk !== undefined) out.write(chunk);
    },
    finish() {
      finished ??= new Promise<void>((done) => out.end(() => done()));
      return finished;
    },
  };
}

/** Reads a capture file of any of the three formats. A file that cannot be read is TRANSPORT_OPEN_FAILED. */
export async function readCaptureFile(
  path: string,
): Promise<CaptureResult<ReadCapture & { format: CaptureFormat }>> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new TransportError('TRANSPORT_OPEN_FAILED', `cannot read the capture ${path}: ${messageOf(error)}`);
  }
  return readCapture(bytes);
}
