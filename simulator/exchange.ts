/**
 * `exchange`: sends request frames, in order, to one fresh virtual device over the in-memory link in
 * virtual time, and collects every reply frame that arrives within a window after each request.
 * Used by `iqsim exchange` and by tests that replay captured traffic.
 */
import {
  BlePacketAssembler,
  bleBytesToFrame,
  type DecodedFrame,
  decodeFrame,
  decodeUsbReport,
  encodeUsbReport,
  fragmentFrame,
  hexBytes,
  type ProtocolError,
  SCP_CHAR_UUID,
  toHex,
} from '../protocol/index.js';
import { VirtualClock } from './clock.js';
import { createVirtualDevice, type VirtualDeviceOptions } from './device.js';
import { GattClient } from './gatt-client.js';
import { InMemoryLink, runUntilSettled } from './link.js';

export interface ExchangeOptions {
  model: string;
  transport?: 'ble' | 'usb';
  seed?: number;
  device?: Omit<VirtualDeviceOptions, 'model' | 'seed'>;
  /** How long to collect replies after each request, ms of virtual time (default 200). */
  windowMs?: number;
}

export interface Exchange {
  request: string;
  replies: string[];
  decoded: (DecodedFrame | { error: string; code: string })[];
}

/** Parses a request as `decode` does: a BLE value with its transport byte, else a logical frame. */
export function requestFrame(hex: string): Uint8Array {
  const bytes = hexBytes(hex);
  if (bytes[0] === 0x00 || bytes[0] === 0x01) {
    const frame = bleBytesToFrame(bytes);
    if (frame.ok) return frame.value;
  }
  return bytes;
}

function decodeReply(frame: Uint8Array): Exchange['decoded'][number] {
  const result = decodeFrame(frame);
  return result.ok
    ? result.value
    : { error: result.error.message, code: (result.error as ProtocolError).code };
}

export async function runExchange(
  requests: readonly Uint8Array[],
  options: ExchangeOptions,
): Promise<Exchange[]> {
  const clock = new VirtualClock();
  const device = createVirtualDevice({ ...options.device, model: options.model, seed: options.seed ?? 1 });
  const usb = options.transport === 'usb';
  const link = new InMemoryLink(clock, device, { connect: !usb });
  const window = options.windowMs ?? 200;
  const received: Uint8Array[] = [];
  let send: (frame: Uint8Array) => Promise<void>;
  if (usb) {
    link.onData((packet) => {
      if (packet.channel !== 'usb') return;
      const frame = decodeUsbReport(packet.bytes);
      if (frame.ok) received.push(frame.value);
    });
    send = async (frame) => link.write({ channel: 'usb', bytes: encodeUsbReport(frame) });
  } else {
    const gatt = new GattClient(link, clock);
    await runUntilSettled(clock, gatt.exchangeMtu(247));
    await runUntilSettled(clock, gatt.discover());
    const scp = gatt.characteristic(SCP_CHAR_UUID);
    await runUntilSettled(clock, gatt.subscribe(scp));
    const assembler = new BlePacketAssembler();
    gatt.onNotification((handle, value) => {
      if (handle !== scp.valueHandle) return;
      const frame = assembler.push(value, clock.now());
      if (frame?.ok) received.push(frame.value);
    });
    send = async (frame) => {
      for (const packet of fragmentFrame(frame, gatt.mtu)) await gatt.write(scp.valueHandle, packet);
    };
  }
  const exchanges: Exchange[] = [];
  for (const request of requests) {
    received.length = 0;
    await runUntilSettled(clock, send(request));
    clock.advanceBy(window);
    exchanges.push({
      request: toHex(request),
      replies: received.map((r) => toHex(r)),
      decoded: received.map(decodeReply),
    });
  }
  link.close();
  return exchanges;
}
