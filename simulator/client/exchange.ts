/**
 * `exchange`: sends request frames, in order, to one fresh virtual device over the in-memory link in
 * virtual time, and collects every reply frame that arrives within a window after each request.
 * Used by `iqsim exchange` and by tests that replay captured traffic.
 */
import {
  bleBytesToFrame,
  type DecodedFrame,
  decodeFrame,
  hexBytes,
  type ProtocolError,
  toHex,
} from '../../protocol/index.js';
import type { CaptureSink } from '../capture-event.js';
import { VirtualClock } from '../clock.js';
import { createVirtualDevice, type VirtualDeviceOptions } from '../device/device.js';
import { InMemoryLink, runUntilSettled } from '../link.js';
import { IqosClient } from './client.js';

export interface ExchangeOptions {
  model: string;
  transport?: 'ble' | 'usb';
  seed?: number;
  device?: Omit<VirtualDeviceOptions, 'model' | 'seed'>;
  /** How long to collect replies after each request, ms of virtual time (default 200). */
  windowMs?: number;
  /** Sends the device's capture stream here, from before the client connects (docs/captures.md). */
  capture?: CaptureSink;
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

/** A reply as `exchange` and `send` print it: the decoded frame, or its error code and message. */
export function decodeReply(frame: Uint8Array): Exchange['decoded'][number] {
  const result = decodeFrame(frame);
  return result.ok
    ? result.value
    : { error: result.error.message, code: (result.error as ProtocolError).code };
}

export async function runExchange(
  requests: readonly Uint8Array[],
  options: ExchangeOptions,
): Promise<Exchange[]> {
  const device = createVirtualDevice({ ...options.device, model: options.model, seed: options.seed ?? 1 });
  if (options.capture) device.captureTo(options.capture);
  // A device restored from a snapshot continues from its own virtual time.
  const clock = new VirtualClock(device.now);
  const channel = options.transport === 'usb' ? 'usb' : 'ble';
  const link = new InMemoryLink(clock, device, { connect: channel === 'ble' });
  const window = options.windowMs ?? 200;
  const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock, channel }));
  const received: Uint8Array[] = [];
  client.onFrame((frame) => received.push(frame));
  const exchanges: Exchange[] = [];
  for (const request of requests) {
    received.length = 0;
    await runUntilSettled(clock, client.sendFrame(request));
    clock.advanceBy(window);
    exchanges.push({
      request: toHex(request),
      replies: received.map((r) => toHex(r)),
      decoded: received.map(decodeReply),
    });
  }
  client.close();
  return exchanges;
}
