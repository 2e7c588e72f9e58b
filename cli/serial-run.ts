/**
 * The `--serial <path>` part of `iqsim run` (issue #5 item 3): a socat pty pair whose `<path>` end
 * any serial tool opens, with the running device behind it speaking 64-byte 0x3F reports. Kept out
 * of run.ts so the session loop stays about sessions.
 */
import type { VirtualDevice, WirePacket } from '../simulator/index.js';
import { openSerialDevice, TransportError } from '../transports/index.js';
import { type CliIo, CliUsageError, EXIT_FAILED } from './io.js';

export interface SerialForRun {
  /**
   * Starts serving `device`, stamped with the pump's clock; returns the pump's `onTransmit`. When the
   * pty goes away the error is printed, the exit code set to 1, and `stop` called.
   */
  attach(
    device: VirtualDevice,
    nowMs: () => number,
    speed: number,
    stop: () => void,
  ): (packet: WirePacket) => void;
  close(): void;
}

/**
 * Opens the pty; `serial: <path>` goes to stderr once the session serves it. Failures exit 2. With
 * `json`, a pty lost mid-run also prints `{"ok": false, "error"}` on stdout (exit 1).
 */
export async function openSerialForRun(
  path: string,
  io: CliIo,
  setExit: (code: number) => void,
  json = false,
): Promise<SerialForRun> {
  let port: Awaited<ReturnType<typeof openSerialDevice>>;
  try {
    port = await openSerialDevice(path);
  } catch (e) {
    if (e instanceof TransportError) throw new CliUsageError(e.code, e.message);
    throw e;
  }
  return {
    attach(device, nowMs, speed, stop) {
      // "ready" once the session is fully set up: attach runs in the middle of it, before its signal
      // handlers exist, and a caller that SIGTERMs on this line would otherwise kill it uncleanly.
      setImmediate(() => io.err(`serial: ${port.path}\n`));
      const bridge = port.attach(device, {
        nowMs,
        speed,
        onError(error) {
          const code = error instanceof TransportError ? error.code : 'TRANSPORT_LOST';
          const message = error instanceof Error ? error.message : String(error);
          io.err(`error ${code}: ${message}\n`);
          if (json) io.out(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
          setExit(EXIT_FAILED);
          stop();
        },
      });
      return bridge.transmit;
    },
    close() {
      void port.close();
    },
  };
}
