/**
 * The one JSON vocabulary for frames (issue 9 item 4): `decode`, `exchange` and `send` print every
 * frame as the item `inspectBytes` makes (docs/cli.md, "Frames in JSON"), and read request frames
 * the same way `decode` reads its input.
 */
import {
  bleBytesToFrame,
  DEFAULT_MAX_FRAME_BYTES,
  decodeUsbReport,
  type InspectedItem,
  inspectBytes,
  parseHex,
  TRANSPORT_LAST,
  TRANSPORT_MORE,
  USB_MAX_FRAME,
  USB_REPORT_ID,
} from '../protocol/index.js';
import { type CliIo, CliUsageError } from './io.js';

/** A frame as every command prints it in JSON: the `decode --json` item of the logical frame. */
export function frameItem(frame: Uint8Array): InspectedItem {
  return inspectBytes(frame, { transport: 'frame' });
}

/**
 * Request frames from command-line hex. Each argument is read by its first byte, as `decode` reads
 * it with the matching `--transport`: `00`/`01` a BLE value (transport byte first), `3F` a USB report
 * (padding optional), anything else a bare logical frame. No node byte is 00, 01 or 3F
 * (docs/protocol.md §1.2), so the forms cannot be confused. A frame over 62 bytes is refused with exit 2: the
 * device discards it (D-9 `scp.maxFrameBytes` over BLE) or a USB report cannot carry it
 * (docs/protocol.md §5.2).
 */
export function parseRequests(hex: readonly string[]): Uint8Array[] {
  return hex.map((text, index) => {
    const where = `argument ${index + 1} ('${text.length > 40 ? `${text.slice(0, 40)}…` : text}')`;
    const parsed = parseHex(text);
    if (!parsed.ok) throw new CliUsageError(parsed.error.code, `${where}: ${parsed.error.message}`);
    const bytes = parsed.value;
    if (bytes.length === 0) throw new CliUsageError('CLI_BAD_FRAME', `${where}: no bytes`);
    const first = bytes[0];
    const frame =
      first === TRANSPORT_LAST || first === TRANSPORT_MORE
        ? bleBytesToFrame(bytes)
        : first === USB_REPORT_ID
          ? decodeUsbReport(bytes)
          : ({ ok: true, value: bytes } as const);
    if (!frame.ok) throw new CliUsageError(frame.error.code, `${where}: ${frame.error.message}`);
    const limit = Math.min(DEFAULT_MAX_FRAME_BYTES, USB_MAX_FRAME);
    if (frame.value.length > limit)
      throw new CliUsageError(
        'CLI_FRAME_TOO_LONG',
        `${where}: a frame of ${frame.value.length} bytes is longer than the ${limit} bytes a transport carries`,
      );
    return frame.value;
  });
}

/** One request and the reply frames that came back within the window. */
export interface FrameExchange {
  request: InspectedItem;
  replies: InspectedItem[];
}

export function toExchange(request: Uint8Array, replies: readonly Uint8Array[]): FrameExchange {
  return { request: frameItem(request), replies: replies.map(frameItem) };
}

/** Prints exchanges (JSON or human); true when every request got a reply. */
export function printExchanges(
  io: CliIo,
  exchanges: readonly FrameExchange[],
  json: boolean,
  extra: Record<string, unknown> = {},
): boolean {
  const ok = exchanges.every((e) => e.replies.length > 0);
  if (json) {
    io.out(`${JSON.stringify({ ok, ...extra, exchanges })}\n`);
    return ok;
  }
  for (const e of exchanges) {
    io.out(`> ${e.request.hex}  ${summary(e.request)}\n`);
    if (e.replies.length === 0) io.out('  (no reply)\n');
    for (const reply of e.replies) io.out(`< ${reply.hex}  ${summary(reply)}\n`);
  }
  return ok;
}

/** `command {fields}`, or the error of a frame that does not decode. */
function summary(item: InspectedItem): string {
  if (item.error) return `${item.command ?? '?'} error ${item.error.code}: ${item.error.message}`;
  return `${item.command} ${JSON.stringify(item.fields ?? {})}`;
}
