/**
 * The firmware layer's error class (docs/architecture.md house rule 7). Machines never throw for device
 * conditions — those are states — so these codes are only for programmer misuse: an unknown model, a bad
 * parameter override, a malformed snapshot, or time going backwards.
 */
export type FirmwareErrorCode =
  | 'FIRMWARE_UNKNOWN_MODEL'
  | 'FIRMWARE_PARAM'
  | 'FIRMWARE_SNAPSHOT'
  | 'FIRMWARE_TIME'
  | 'FIRMWARE_INPUT';

export class FirmwareError extends Error {
  readonly code: FirmwareErrorCode;
  constructor(code: FirmwareErrorCode, message: string) {
    super(message);
    this.name = 'FirmwareError';
    this.code = code;
  }
}
