/**
 * Errors the Node side reports to the shim, as the DOMExceptions Chromium raises: ATT error codes
 * mapped as in Web Bluetooth §"Error handling" (the table mapping ATT errors to DOMException names)
 * with Chromium's messages, and a lost link as NetworkError.
 */
import { AttError, SimulatorError } from '../../simulator/index.js';

export const DISCONNECTED_MESSAGE =
  'GATT Server is disconnected. Cannot perform GATT operations. (Re)connect first with `device.gatt.connect`.';
export const NOT_PERMITTED_MESSAGE = 'GATT operation not permitted.';
/** Chromium's DEVICE_NO_LONGER_IN_RANGE (docs/webbluetooth.md "Situations and errors"). */
export const OUT_OF_RANGE_MESSAGE = 'Bluetooth Device is no longer in range.';
/** Chromium's CONNECT_CONN_FAILED: the link went while connecting. */
export const CONNECT_FAILED_MESSAGE = 'Connection Error: Connection attempt failed.';
/** Chromium's GATT_NOT_AUTHORIZED: connect() to a device without permission (forgotten, revoked). */
export const NOT_AUTHORIZED_MESSAGE = 'GATT operation not authorized.';
/** Chromium's NO_BLUETOOTH_ADAPTER. */
export const NO_ADAPTER_MESSAGE = 'Bluetooth adapter not available.';
export const CANCELLED_MESSAGE = 'User cancelled the requestDevice() chooser.';
export const NOT_ALLOWED_SERVICE_MESSAGE =
  "Origin is not allowed to access the service. Tip: Add the service UUID to 'optionalServices' in " +
  'requestDevice() options. https://goo.gl/HxfxSQ';

export function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/** ATT error code (Core spec Vol 3 Part F §3.4.1.1) → [DOMException name, Chromium message]. */
const ATT_ERRORS: ReadonlyMap<number, readonly [string, string]> = new Map([
  [0x01, ['InvalidStateError', 'GATT Error: invalid handle.']],
  [0x02, ['NotSupportedError', NOT_PERMITTED_MESSAGE]],
  [0x03, ['NotSupportedError', NOT_PERMITTED_MESSAGE]],
  [0x04, ['NotSupportedError', 'GATT Error: invalid PDU.']],
  [0x05, ['SecurityError', 'GATT operation not authorized.']],
  [0x06, ['NotSupportedError', 'GATT Error: Not supported.']],
  [0x07, ['InvalidModificationError', 'GATT Error: invalid offset.']],
  [0x08, ['SecurityError', 'GATT operation not authorized.']],
  [0x09, ['InvalidModificationError', 'GATT Error: prepare queue full.']],
  [0x0a, ['InvalidStateError', 'GATT Error: attribute not found.']],
  [0x0b, ['InvalidModificationError', 'GATT Error: attribute not long.']],
  [0x0c, ['SecurityError', 'GATT operation not authorized.']],
  [0x0d, ['InvalidModificationError', 'GATT Error: invalid attribute length.']],
  [0x0e, ['NotSupportedError', 'GATT Error Unknown.']],
  [0x0f, ['SecurityError', 'GATT operation not authorized.']],
  [0x10, ['NotSupportedError', 'GATT Error: Not supported.']],
  [0x11, ['NotSupportedError', 'GATT Error: insufficient resources.']],
]);

/** Any failure of a GATT operation as the DOMException the page should see. */
export function gattError(error: unknown): DOMException {
  if (error instanceof DOMException) return error;
  if (error instanceof AttError) {
    const [name, message] = ATT_ERRORS.get(error.attCode) ?? ['NotSupportedError', 'GATT Error Unknown.'];
    return domError(name, message);
  }
  if (error instanceof SimulatorError && error.code === 'SIM_DISCONNECTED')
    return domError('NetworkError', DISCONNECTED_MESSAGE);
  if (error instanceof SimulatorError && error.code === 'SIM_TIMEOUT')
    return domError('NetworkError', 'GATT operation failed for unknown reason.');
  return domError('NetworkError', error instanceof Error ? error.message : String(error));
}
