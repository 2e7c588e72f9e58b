/**
 * The deep check of a device snapshot (snapshot-format.ts): schema, cross-field invariants and a trial
 * restore. Nothing here touches a file: `loadSnapshot` (transports/persistence.ts) reads the text and
 * refuses it, leaving the file as it is, unless this passes.
 */
import { createVirtualDevice, type DeviceSnapshot } from '../device/device.js';
import { batteryValue, statusValue } from '../device/records.js';
import { checkDocument, type DocumentResult } from './document.js';
import { pointerToken } from './json-located.js';
import { DEVICE_SNAPSHOT_SCHEMA } from './snapshot-format.js';
import { type SchemaIssue, schemaChecker } from './validator.js';

const checkSchema = schemaChecker(DEVICE_SNAPSHOT_SCHEMA);

/** Every problem of a parsed snapshot value ([] when it restores); the schema's first, then the rest. */
export function checkSnapshot(value: unknown): SchemaIssue[] {
  const issues = checkSchema(value);
  return issues.length > 0 ? issues : invariants(value as DeviceSnapshot);
}

/** A snapshot file's text, checked; problems placed at their line. Never throws on bad input. */
export function checkSnapshotText(text: string): DocumentResult<DeviceSnapshot> {
  return checkDocument<DeviceSnapshot>(text, checkSchema, invariants);
}

/**
 * What the schema cannot say: the three model ids agree, and the snapshot restores — the firmware
 * takes its parameters (their own ranges, FIRMWARE_PARAM) and state, the device builds its battery and
 * status records (where an out-of-range value would throw PROTOCOL_RANGE) and takes an input.
 */
function invariants(snapshot: DeviceSnapshot): SchemaIssue[] {
  if (snapshot.firmware.modelId !== snapshot.model)
    return [
      {
        pointer: '/firmware/modelId',
        message: `is ${snapshot.firmware.modelId}, the device ${snapshot.model}`,
      },
    ];
  if (snapshot.firmware.state.modelId !== snapshot.model)
    return [
      {
        pointer: '/firmware/state/modelId',
        message: `is ${snapshot.firmware.state.modelId}, the device ${snapshot.model}`,
      },
    ];
  try {
    const device = createVirtualDevice({ model: snapshot.model, snapshot: structuredClone(snapshot) });
    batteryValue(device.firmware.battery());
    statusValue(device.firmware.status());
    device.handleTimeout(device.now);
    device.input({ type: 'statusRead' }, device.now);
    return [];
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = `does not restore: ${code ? `${code} ` : ''}${error instanceof Error ? error.message : String(error)}`;
    const param = /parameter '([\w.]+)'/.exec(message)?.[1];
    const pointer = param ? `/firmware/params/${param.split('.').map(pointerToken).join('/')}` : '/firmware';
    return [{ pointer, message }];
  }
}
