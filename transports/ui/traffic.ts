/**
 * The dashboard's traffic panel: one capture event (simulator/capture-event.ts) as a row a person
 * reads, decoded with protocol/ as `iqsim decode` does: an SCP frame's command and fields
 * (`scpFrameOf`), a battery or status notification's record (`inspectBytes` with `char`), otherwise
 * the ATT PDU's kind, or the link event in words.
 */
import { decodeAttPdu, type InspectedItem, inspectBytes, toHex } from '../../protocol/index.js';
import { type CaptureEvent, HANDLES, scpFrameOf } from '../../simulator/index.js';

type Fields = NonNullable<InspectedItem['fields']>;

export interface TrafficRow {
  /** Time of the event, ms (virtual for a live device, as recorded for a capture file). */
  readonly tMs: number;
  /** `→ device`, `→ host`, or empty for a link event. */
  readonly dir: 'toDevice' | 'toHost' | '';
  readonly channel: string;
  /** One line: `request get-battery`, `notify status`, `connect aa:bb:…`. */
  readonly summary: string;
  readonly hex: string;
  readonly fields?: Fields;
}

/** The record's fields (docs/protocol.md §3.4, §3.5); undefined when the value does not decode. */
function charFields(bytes: Uint8Array, char: 'battery' | 'status'): Fields | undefined {
  return inspectBytes(bytes, { char }).fields;
}

/** The record a value handle carries (docs/protocol.md §3.4, §3.5), if any. */
function charOf(handle: number | undefined): 'battery' | 'status' | undefined {
  return handle === HANDLES.battery ? 'battery' : handle === HANDLES.status ? 'status' : undefined;
}

/** Device Information text handles (docs/protocol.md §3.2) by name. */
const TEXT_HANDLES: ReadonlyMap<number, string> = new Map([
  [HANDLES.modelNumber, 'model number'],
  [HANDLES.serialNumber, 'serial number'],
  [HANDLES.softwareRevision, 'software revision'],
  [HANDLES.manufacturer, 'manufacturer'],
  [HANDLES.deviceName, 'device name'],
]);

function attSummary(
  event: CaptureEvent & { kind: 'att' },
  readHandle: number | undefined,
): { summary: string; fields?: Fields } {
  const frame = scpFrameOf(event);
  if (frame?.ok)
    return {
      summary: `${frame.value.kind} ${frame.value.command}${frame.value.write ? ' (write)' : ''}`,
      fields: frame.value.fields,
    };
  const pdu = decodeAttPdu(event.bytes);
  if (!pdu.ok) return { summary: `ATT ${pdu.error.code}` };
  const value = pdu.value;
  if (value.kind === 'readResponse') {
    const char = charOf(readHandle);
    if (char) {
      const fields = charFields(value.value, char);
      return { summary: `read ${char}`, ...(fields ? { fields } : {}) };
    }
    const text = readHandle === undefined ? undefined : TEXT_HANDLES.get(readHandle);
    if (text) return { summary: `read ${text}`, fields: { text: new TextDecoder().decode(value.value) } };
  }
  if (value.kind === 'handleValueNotification' || value.kind === 'handleValueIndication') {
    const char = charOf(value.handle);
    if (char) {
      const fields = charFields(value.value, char);
      return { summary: `notify ${char}`, ...(fields ? { fields } : {}) };
    }
    if (value.handle === HANDLES.scp) return { summary: 'notify scp (fragment)' };
  }
  return { summary: 'handle' in value ? `${value.kind} 0x${value.handle.toString(16)}` : value.kind };
}

/**
 * Rows of one stream of capture events. It remembers the handle of the last ATT read request, since
 * a read response does not say which value it answers (Core spec Vol 3 Part F §3.4.4.4): ATT keeps
 * one request in flight per connection.
 */
export class TrafficDecoder {
  private readHandle: number | undefined;

  /** `originUs`: the time that shows as 0 (the first event of a capture file; 0 for virtual time). */
  constructor(private readonly originUs = 0) {}

  row(event: CaptureEvent): TrafficRow {
    if (event.kind === 'att' && event.dir === 'toDevice') {
      const pdu = decodeAttPdu(event.bytes);
      if (pdu.ok && pdu.value.kind === 'readRequest') this.readHandle = pdu.value.handle;
    }
    return trafficRow(event, this.originUs, this.readHandle);
  }
}

function trafficRow(event: CaptureEvent, originUs: number, readHandle: number | undefined): TrafficRow {
  const tMs = (event.tUs - originUs) / 1000;
  switch (event.kind) {
    case 'att':
      return {
        tMs,
        dir: event.dir,
        channel: 'att',
        hex: toHex(event.bytes),
        ...attSummary(event, readHandle),
      };
    case 'usb':
    case 'serial': {
      const frame = scpFrameOf(event);
      return {
        tMs,
        dir: event.dir,
        channel: event.kind,
        hex: toHex(event.bytes),
        ...(frame?.ok
          ? { summary: `${frame.value.kind} ${frame.value.command}`, fields: frame.value.fields }
          : { summary: event.kind === 'usb' ? 'report' : 'bytes' }),
      };
    }
    case 'connect':
      return { tMs, dir: '', channel: 'link', summary: `connect ${event.address}`, hex: '' };
    case 'disconnect':
      return {
        tMs,
        dir: '',
        channel: 'link',
        summary: `disconnect (reason 0x${event.reason.toString(16)})`,
        hex: '',
      };
    case 'mtu':
      return { tMs, dir: '', channel: 'link', summary: `MTU ${event.mtu}`, hex: '' };
    case 'bond':
      return { tMs, dir: '', channel: 'link', summary: event.bonded ? 'bonded' : 'bonds forgotten', hex: '' };
    case 'advertising':
      return {
        tMs,
        dir: '',
        channel: 'adv',
        summary: `advertising ${event.address}`,
        hex: toHex(event.data),
      };
  }
}
