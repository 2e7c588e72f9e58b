/**
 * The error class of the transports layer (docs/architecture.md house rule 7): a stable `code`, message text
 * for humans only. Every transport (sim, serial, ble, webbluetooth) and the CLI use this one class.
 */
export type TransportErrorCode =
  /** A transport spec that does not parse (`iqsim probe foo:bar`), or a bad option in it. */
  | 'TRANSPORT_BAD_SPEC'
  /** A transport that exists but cannot work from here (`webbluetooth` outside the browser bridge). */
  | 'TRANSPORT_UNSUPPORTED'
  /** The port or device could not be opened (no such path, permission denied, device not found). */
  | 'TRANSPORT_OPEN_FAILED'
  /** An open link went away: the port closed under us, the peer disconnected, a write failed. */
  | 'TRANSPORT_LOST'
  /** No usable Bluetooth adapter: noble never reached `poweredOn`. */
  | 'TRANSPORT_NO_ADAPTER'
  /** `socat` (Debian package `socat`) is not installed, so no pty pair can be made. */
  | 'TRANSPORT_SOCAT_MISSING'
  /** An optional npm package (noble, serialport, playwright-core, the registry's) is not installed. */
  | 'TRANSPORT_PACKAGE_MISSING'
  /** No Chromium at `$IQSIM_CHROMIUM` or `/usr/bin/chromium` (webbluetooth/chromium.ts). */
  | 'TRANSPORT_BROWSER_MISSING';

export class TransportError extends Error {
  readonly code: TransportErrorCode;

  constructor(code: TransportErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}

/** The message of any thrown value, for wrapping a library error into a `TransportError`. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
