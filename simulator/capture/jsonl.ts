/**
 * The JSON-lines capture format (format.ts, docs/captures.md "JSON lines"): writing is one line per
 * event after the header; reading checks every line against the schema and reports the first
 * problem with its line (1-based) and column, never throwing.
 */
import { toHex } from '../../protocol/index.js';
import type { CaptureEvent } from '../capture-event.js';
import { checkDocument } from '../schema/document.js';
import { type SchemaIssue, schemaChecker } from '../schema/validator.js';
import type { ReadCapture } from './btsnoop.js';
import { type CaptureResult, errorResult, okResult } from './bytes.js';
import { CAPTURE_FORMAT, CAPTURE_HEADER, CAPTURE_LINE, CAPTURE_VERSION, type CaptureLine } from './format.js';

const checkHeader = schemaChecker(CAPTURE_HEADER);
const checkLine = schemaChecker(CAPTURE_LINE);

/** The header line, newline included. */
export function jsonlHeader(): string {
  return `${JSON.stringify({ v: CAPTURE_VERSION, format: CAPTURE_FORMAT })}\n`;
}

/** One event as its line, newline included. */
export function jsonlLine(event: CaptureEvent): string {
  return `${JSON.stringify(lineOf(event))}\n`;
}

export function encodeJsonl(events: readonly CaptureEvent[]): string {
  return jsonlHeader() + events.map(jsonlLine).join('');
}

function lineOf(event: CaptureEvent): CaptureLine {
  switch (event.kind) {
    case 'att':
      return { kind: 'att', tUs: event.tUs, dir: event.dir, handle: event.handle, hex: toHex(event.bytes) };
    case 'usb':
    case 'serial':
      return { kind: event.kind, tUs: event.tUs, dir: event.dir, hex: toHex(event.bytes) };
    case 'advertising': {
      const { tUs, address, rssi } = event;
      return { kind: 'advertising', tUs, address, hex: toHex(event.data), rssi };
    }
    default:
      return event;
  }
}

/**
 * Bytes of the hex text a line carries, which the schema has checked is upper-case pairs of digits
 * separated by one space, as `toHex` writes them; each event's bytes are a view into a shared slab, so a long capture
 * costs a few large buffers rather than one small one per packet.
 */
class HexSlab {
  private slab = new Uint8Array(SLAB_BYTES);
  private used = 0;

  bytesOf(hex: string): Uint8Array {
    const length = hex === '' ? 0 : (hex.length + 1) / 3;
    if (this.used + length > this.slab.length) {
      this.slab = new Uint8Array(Math.max(SLAB_BYTES, length));
      this.used = 0;
    }
    const at = this.used;
    for (let i = 0; i < length; i += 1)
      this.slab[at + i] = (nibble(hex, 3 * i) << 4) | nibble(hex, 3 * i + 1);
    this.used += length;
    return this.slab.subarray(at, at + length);
  }
}

const SLAB_BYTES = 64 * 1024;

function nibble(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c <= 0x39 ? c - 0x30 : c - 0x37;
}

function eventOf(line: CaptureLine, slab: HexSlab): CaptureEvent {
  switch (line.kind) {
    case 'att':
      return {
        kind: 'att',
        tUs: line.tUs,
        dir: line.dir,
        handle: line.handle,
        bytes: slab.bytesOf(line.hex),
      };
    case 'usb':
    case 'serial':
      return { kind: line.kind, tUs: line.tUs, dir: line.dir, bytes: slab.bytesOf(line.hex) };
    case 'advertising': {
      const { tUs, address, rssi } = line;
      return { kind: 'advertising', tUs, address, data: slab.bytesOf(line.hex), rssi };
    }
    default:
      return line;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON-lines capture (text or its UTF-8 bytes); errors carry the line. */
export function readJsonl(input: string | Uint8Array): CaptureResult<ReadCapture> {
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    return errorResult('SIM_CAPTURE_FORMAT', 'not UTF-8 text', { line: 1 });
  }
  const lines = text.split('\n');
  const header = checkedLine(lines[0] ?? '', 1, checkHeader);
  if ('error' in header) return header.error;
  const events: CaptureEvent[] = [];
  const slab = new HexSlab();
  for (let i = 1; i < lines.length; i++) {
    const source = lines[i] as string;
    if (source.trim() === '') continue;
    const checked = checkedLine<CaptureLine>(source, i + 1, checkLine);
    if ('error' in checked) return checked.error;
    events.push(eventOf(checked.value, slab));
  }
  return okResult({ events, skipped: 0 });
}

/** One line checked: its value, or the problem (another version, no JSON, not what the schema says). */
function checkedLine<T>(
  source: string,
  line: number,
  check: (value: unknown) => SchemaIssue[],
): { value: T } | { error: CaptureResult<ReadCapture> } {
  const text = source.replace(/\r$/, '');
  // Fast path for the usual valid line: JSON.parse, no duplicate key (every key counted in the text
  // is one of the parsed object's own), the schema's check. Anything else takes the located reader,
  // whose message names the column and pointer.
  const fast = parsedObject(text);
  if (fast && keyCount(text) === Object.keys(fast).length && check(fast).length === 0)
    return { value: fast as T };
  const checked = checkDocument<T>(text, check);
  if (checked.ok) return { value: checked.value };
  const value = parsedObject(text);
  if (value && 'v' in value && value.v !== CAPTURE_VERSION) {
    const message = `line ${line}: capture format version ${JSON.stringify(value.v)}; only 1 is read`;
    return { error: errorResult('SIM_CAPTURE_VERSION', message, { line }) };
  }
  const first = checked.issues[0];
  const where = first
    ? `column ${first.column}${first.pointer ? ` (${first.pointer})` : ''}: ${first.message}`
    : '';
  const code = line === 1 ? 'SIM_CAPTURE_FORMAT' : 'SIM_CAPTURE_RECORD';
  const what = line === 1 ? `not an iqsim capture header (${jsonlHeader().trim()})` : 'not a capture event';
  return { error: errorResult(code, `line ${line}: ${what}; ${where}`, { line }) };
}

/** Keys written in a line of JSON: the colons outside strings (each key has exactly one). */
function keyCount(text: string): number {
  let count = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) count += 1;
  }
  return count;
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
