/**
 * D-1 on the wire (docs/protocol.md D-1, via test/fixtures/vectors.json's frames): the
 * echo of an SCP short write is notified before the ATT Write Response of that write is released,
 * so a positional client consumes the echo with its write. Read replies come `replyDelayMs` after
 * their Write Response (D-10), and a write's echo waits behind a reply already queued, its Write
 * Response still after it. Checked on the sans-IO device: packets in the order `pollTransmit` gives.
 */
import { describe, expect, it } from 'vitest';
import {
  type AttPdu,
  decodeAttPdu,
  decodeFrame,
  encodeAttPdu,
  encodeCommand,
  fragmentFrame,
  toHex,
} from '../protocol/index.js';
import { createVirtualDevice, HANDLES, type VirtualDevice } from '../simulator/index.js';

/** What went out, in order: a Write Response, or an SCP notification named by its register. */
function drain(device: VirtualDevice, atMs: number): string[] {
  device.handleTimeout(atMs);
  const out: string[] = [];
  for (let packet = device.pollTransmit(); packet; packet = device.pollTransmit()) {
    const pdu = decodeAttPdu(packet.bytes);
    if (!pdu.ok) throw pdu.error;
    out.push(describePdu(pdu.value, atMs));
  }
  return out;
}

function describePdu(pdu: AttPdu, atMs: number): string {
  if (pdu.kind === 'writeResponse') return `${atMs}: write response`;
  if (pdu.kind !== 'handleValueNotification' || pdu.handle !== HANDLES.scp) return `${atMs}: ${pdu.kind}`;
  const frame = decodeFrame(pdu.value.subarray(1));
  if (!frame.ok) throw frame.error;
  return `${atMs}: ${frame.value.command} reply (${toHex(pdu.value.subarray(1, 3))})`;
}

/** An ATT Write Request carrying `command` (one packet at the default MTU). */
function writeRequest(command: string, args: string[] = []): Uint8Array {
  const [packet] = fragmentFrame(encodeCommand(command, { args }), 23);
  return encodeAttPdu({ kind: 'writeRequest', handle: HANDLES.scp, value: packet as Uint8Array });
}

function subscribedDevice(): VirtualDevice {
  const device = createVirtualDevice({ model: 'iluma-i', replyDelayMs: 5 });
  device.connect(0);
  const cccd = HANDLES.scp + 1;
  device.receive({ channel: 'att', bytes: Uint8Array.of(0x12, cccd & 0xff, cccd >> 8, 1, 0) }, 0);
  drain(device, 0);
  return device;
}

describe('D-1: a write’s echo precedes its ATT Write Response', () => {
  it('a short write: the echo (type | 0x80, write bit kept) goes out first, at once', () => {
    const device = subscribedDevice();
    device.receive({ channel: 'att', bytes: writeRequest('set-brightness', ['high']) }, 10);
    expect(drain(device, 10)).toEqual(['10: set-brightness reply (C0 C6)', '10: write response']);
    expect(drain(device, 100)).toEqual([]);
  });

  it('a read: its Write Response first, the reply replyDelayMs later (D-10)', () => {
    const device = subscribedDevice();
    device.receive({ channel: 'att', bytes: writeRequest('get-battery-percent') }, 10);
    expect(drain(device, 10)).toEqual(['10: write response']);
    expect(drain(device, 15)).toEqual(['15: get-battery-percent reply (C0 84)']);
  });

  it('a write behind a pending read: the echo waits for the read’s reply, its Write Response for the echo', () => {
    const device = subscribedDevice();
    device.receive({ channel: 'att', bytes: writeRequest('get-battery-percent') }, 10);
    device.receive({ channel: 'att', bytes: writeRequest('set-brightness', ['low']) }, 11);
    expect(drain(device, 11)).toEqual(['11: write response']);
    expect(drain(device, 15)).toEqual([
      '15: get-battery-percent reply (C0 84)',
      '15: set-brightness reply (C0 C6)',
      '15: write response',
    ]);
  });
});
