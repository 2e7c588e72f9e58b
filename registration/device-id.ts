/**
 * Device IDs and their QR labels (R-9, R-10, D-R4).
 *
 * D-R4: the device ID is the product number of the main unit (the charger's on two-piece models) as
 * the virtual device reports it: `get-product-number` on C0 and the Device Information serial
 * (docs/protocol.md §7.6): `T` followed by 13 upper-case letters or digits, 14 characters.
 * Typed input is forgiving: case, spaces and dashes are ignored (`t1ab-c2d3 …`).
 *
 * QR label (our format, docs/registration.md): `IQOS1:<DEVICE ID>:<CHECK>` where CHECK is one
 * character of ISO 7064 MOD 37,36 over the ID, so a misread label is refused rather than registering
 * someone else's number. Scanners may deliver lower case; the prefix and check are case-insensitive.
 */
import { allow, type Decision, refuse } from './errors.js';

export const DEVICE_ID_PATTERN = '^T[0-9A-Z]{13}$';
const DEVICE_ID = new RegExp(DEVICE_ID_PATTERN);
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const QR_PREFIX = 'IQOS1';

/** `t1ab c2d3-…` → `T1ABC2D3…` (no validation). */
export function normaliseDeviceId(input: string): string {
  return input.replace(/[\s-]+/g, '').toUpperCase();
}

/** D-R4: a typed or read device ID, normalised, or REGISTRY_BAD_DEVICE_ID. */
export function parseDeviceId(input: string): Decision<string> {
  const id = normaliseDeviceId(input);
  return DEVICE_ID.test(id)
    ? allow(id)
    : refuse('REGISTRY_BAD_DEVICE_ID', 'a device ID is T followed by 13 letters or digits');
}

/** ISO 7064 MOD 37,36 check character over an alphanumeric string. */
export function checkCharacter(id: string): string {
  let p = 36;
  for (const ch of id) {
    const v = ALPHABET.indexOf(ch);
    let s = (p + v) % 36;
    if (s === 0) s = 36;
    p = (s * 2) % 37;
  }
  return ALPHABET[(37 - p) % 36] as string;
}

/** The QR label text of a device ID. */
export function qrPayload(deviceId: string): string {
  const id = normaliseDeviceId(deviceId);
  return `${QR_PREFIX}:${id}:${checkCharacter(id)}`;
}

/** the device ID in a scanned QR label, or REGISTRY_BAD_QR. */
export function parseQrPayload(payload: string): Decision<string> {
  const parts = payload.trim().toUpperCase().split(':');
  if (parts.length !== 3 || parts[0] !== QR_PREFIX)
    return refuse('REGISTRY_BAD_QR', `a device QR label reads ${QR_PREFIX}:<device ID>:<check>`);
  const id = parseDeviceId(parts[1] as string);
  if (!id.ok) return refuse('REGISTRY_BAD_QR', 'the QR label holds no valid device ID');
  if (checkCharacter(id.value) !== parts[2])
    return refuse('REGISTRY_BAD_QR', 'the QR label check character does not match (misread label?)');
  return id;
}
