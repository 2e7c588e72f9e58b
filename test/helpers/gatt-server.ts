/**
 * The fake value source and request helpers shared by simulator/device/gatt-server*.test.ts: a GATT
 * server over the IQOS table (GATT_SERVICES) with static values, one request in, one response out.
 */
import { expect } from 'vitest';
import {
  ATT_ERROR_UNLIKELY_ERROR,
  type AttPdu,
  decodeAttPdu,
  GATT_SERVICES,
  hexBytes,
  toHex,
} from '../../protocol/index.js';
import type { GattServer, GattValueSource } from '../../simulator/device/gatt-server.js';

export const SCP = 0x17;
export const SCP_CCCD = 0x18;
export const BATTERY = 0x1a;
export const BATTERY_CCCD = 0x1b;
export const STATIC_0020 = 0x20; // read + writeWithoutResponse
export const RW_0024 = 0x24; // read + write + writeWithoutResponse
export const DEVICE_NAME = 0x03;
export const SERVICE_CHANGED = 0x0a;

/** Values from a map; records writes and subscriptions. */
export class FakeSource implements GattValueSource {
  readonly values = new Map<number, Uint8Array>();
  readonly writes: { handle: number; hex: string; withResponse: boolean; nowMs: number }[] = [];
  readonly subscriptions: [number, boolean][] = [];
  reads = 0;
  writeResult = 0;

  read(valueHandle: number): Uint8Array | { error: number } {
    this.reads++;
    return this.values.get(valueHandle) ?? { error: ATT_ERROR_UNLIKELY_ERROR };
  }
  write(handle: number, value: Uint8Array, withResponse: boolean, nowMs: number): number {
    this.writes.push({ handle, hex: toHex(value), withResponse, nowMs });
    return this.writeResult;
  }
  subscribed(valueHandle: number, enabled: boolean): void {
    this.subscriptions.push([valueHandle, enabled]);
  }
}

export function iqosSource(): FakeSource {
  const source = new FakeSource();
  for (const service of GATT_SERVICES)
    for (const c of service.characteristics)
      source.values.set(c.valueHandle, hexBytes(c.staticValueHex ?? '00'));
  source.values.set(DEVICE_NAME, new TextEncoder().encode('IQOS ILUMA i ONE'));
  return source;
}

/** Sends one request and decodes the single response. */
export function ask(server: GattServer, request: Uint8Array, nowMs = 0): AttPdu {
  const responses = server.handlePdu(request, nowMs);
  expect(responses).toHaveLength(1);
  const decoded = decodeAttPdu(responses[0] as Uint8Array);
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

export function expectError(
  response: AttPdu,
  requestOpcode: number,
  handle: number,
  errorCode: number,
): void {
  expect(response).toEqual({ kind: 'errorResponse', requestOpcode, handle, errorCode });
}
