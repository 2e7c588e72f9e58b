/**
 * The one error class of the protocol layer (docs/architecture.md house rule 7). The `code` is the API; the
 * message text is for humans and may change.
 */
export type ProtocolErrorCode =
  /** A frame's CRC-8 or CRC-16 does not match its bytes (docs/protocol.md §4.5, §4.6, §4.8). */
  | 'PROTOCOL_CRC'
  /** Fewer bytes than the smallest valid unit (frame header, report, record). */
  | 'PROTOCOL_TRUNCATED'
  /** A length field or length code disagrees with the bytes present (docs/protocol.md §4.7, D-6). */
  | 'PROTOCOL_LENGTH'
  /** The node byte is none of C0, C9, D2 (requests) or C0, 08, 90 (replies) (docs/protocol.md §1.2). */
  | 'PROTOCOL_UNKNOWN_NODE'
  /**
   * A type byte with the never-seen bit 0x20 set, or bits that no frame layout allows
   * (docs/protocol.md §4.3).
   */
  | 'PROTOCOL_BAD_TYPE'
  /**
   * A BLE transport byte other than 00/01, or a USB report id other than 0x3F (docs/protocol.md §4.1, §5.2).
   */
  | 'PROTOCOL_FRAMING'
  /** Text that is not hexadecimal bytes. */
  | 'PROTOCOL_BAD_HEX'
  /** A value that does not fit its field when encoding (programmer or user input error). */
  | 'PROTOCOL_RANGE'
  /** An encoder was asked for a command or register it does not know. */
  | 'PROTOCOL_UNKNOWN_COMMAND'
  /** A command that takes arguments got none (and no fields): nothing is defaulted silently. */
  | 'PROTOCOL_MISSING_ARGUMENT'
  /** More positional arguments than the command takes. */
  | 'PROTOCOL_EXCESS_ARGUMENTS'
  /** A field name the command's payload does not have (encoding from fields). */
  | 'PROTOCOL_UNKNOWN_FIELD';

export interface ProtocolErrorDetails {
  /** The CRC the frame should carry, for PROTOCOL_CRC. */
  readonly expectedCrc?: number;
  /** The CRC the frame carries, for PROTOCOL_CRC. */
  readonly actualCrc?: number;
  /** Byte offset of the problem, where one exists. */
  readonly offset?: number;
}

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly details: ProtocolErrorDetails;

  constructor(code: ProtocolErrorCode, message: string, details: ProtocolErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  /** Plain JSON form used by the CLI (`{code, message, ...details}`). */
  toJSON(): { code: ProtocolErrorCode; message: string } & ProtocolErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** Decoders return results; they throw only on programmer misuse (docs/architecture.md house rule 7). */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ProtocolError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(code: ProtocolErrorCode, message: string, details?: ProtocolErrorDetails): Result<T> {
  return { ok: false, error: new ProtocolError(code, message, details) };
}
