/**
 * `--capture <file>` on the commands that open a link or run a device (docs/cli.md "Conventions every
 * command keeps", docs/captures.md "Recording a link"): the file is created at once, in the format its
 * extension names (`.btsnoop`/`.log`, `.pcapng`, else JSON lines), so a path that cannot be written is
 * an exit 2 before anything runs; it is complete when the command returns.
 */
import type { CaptureEvent } from '../simulator/index.js';
import { type CaptureFile, openCaptureFile, readCaptureFile, TransportError } from '../transports/index.js';
import { CliUsageError } from './io.js';

/** The option's flags and help, shared by every command that takes it. */
export const CAPTURE_FLAGS = '--capture <file>';
export const CAPTURE_HELP = 'record the session: .btsnoop, .pcapng or JSON lines (by extension)';

/** The open capture file, or undefined without the flag; TRANSPORT_OPEN_FAILED is a usage error. */
export function openCaptureFlag(path: string | undefined): CaptureFile | undefined {
  if (path === undefined) return undefined;
  try {
    return openCaptureFile(path);
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
}

/** Reads a capture file; a file that does not read is its SIM_CAPTURE_* error (exit 2), with its line or byte. */
export async function readCaptureForCli(path: string): Promise<{ format: string; events: CaptureEvent[] }> {
  let read: Awaited<ReturnType<typeof readCaptureFile>>;
  try {
    read = await readCaptureFile(path);
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
  if (!read.ok) {
    const { offset, line } = read.error.details ?? {};
    const at = line !== undefined ? ` (line ${line})` : offset !== undefined ? ` (byte ${offset})` : '';
    throw new CliUsageError(read.error.code, `${path}${at}: ${read.error.message}`);
  }
  return { format: read.value.format, events: read.value.events };
}
