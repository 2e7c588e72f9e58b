/**
 * Request builders and a fresh SCP responder over a firmware model, shared by
 * simulator/device/scp*.test.ts; replies are decoded with the protocol layer.
 */
import { expect } from 'vitest';
import { Firmware, type FirmwareOptions } from '../../firmware-model/index.js';
import {
  type DecodedFrame,
  decodeFrame,
  type EncodeOptions,
  encodeCommand,
  encodeLongFrame,
  encodeShortFrame,
  hexBytes,
  REQUEST_NODE,
  toHex,
  type Unit,
} from '../../protocol/index.js';
import { type DeviceIdentity, generateIdentity } from '../../simulator/device/identity.js';
import { type ScpOptions, ScpResponder } from '../../simulator/device/scp.js';
import type { Vector } from '../fixtures/vectors.js';

export function device(
  model = 'iluma-i',
  options: FirmwareOptions = {},
  scp: ScpOptions = {},
  identity: Partial<DeviceIdentity> = {},
) {
  const fw = new Firmware(model, options);
  const id = generateIdentity(fw.profile, 7, identity);
  return { fw, scp: new ScpResponder({ firmware: () => fw, identity: () => id, options: scp }) };
}

export function decoded(bytes: Uint8Array): DecodedFrame {
  const result = decodeFrame(bytes);
  if (!result.ok) throw new Error(`${toHex(bytes)} does not decode: ${result.error.message}`);
  return result.value;
}

/** The logical frame of a request vector: USB and multi-packet vectors give it; BLE drops `T`. */
export function logical(v: Vector): Uint8Array {
  return v.logicalHex ? hexBytes(v.logicalHex) : hexBytes(v.hex).subarray(1);
}

/** Sends `frame` and returns the one reply, decoded. */
export function ask(scp: ScpResponder, frame: Uint8Array, nowMs = 0): DecodedFrame {
  const replies = scp.handleFrame(frame, nowMs);
  expect(replies, toHex(frame)).toHaveLength(1);
  return decoded(replies[0] as Uint8Array);
}

export const req = (name: string, options: EncodeOptions = {}) => encodeCommand(name, options);
export const short = (unit: Unit, address: number, argument?: number[]) =>
  encodeShortFrame({
    node: REQUEST_NODE[unit],
    address,
    ...(argument ? { payload: Uint8Array.from(argument) } : {}),
  });
export const long = (unit: Unit, table: number) => encodeLongFrame({ node: REQUEST_NODE[unit], table });
