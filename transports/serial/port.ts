/**
 * Byte endpoints: the one small interface both serial ends (client transport and device bridge) are
 * written against, so either can sit on a real port (serialport's native binding, a pty), on any
 * other serialport binding such as `@serialport/binding-mock`, or on a test double.
 */
import type { OpenOptions, SerialPortStream } from '@serialport/stream';
import type { SerialPort } from 'serialport';
import { ListenerSet } from '../../simulator/index.js';
import { messageOf, TransportError } from '../errors.js';
import { importOptional } from '../optional-package.js';

/** Raw bytes in both directions over one open port. */
export interface ByteEndpoint {
  /** Queues bytes for the port; throws TRANSPORT_LOST once the port is closed. */
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the port closes: with a TRANSPORT_LOST error when it went away, else undefined. */
  onClose(listener: (lost: TransportError | undefined) => void): () => void;
  /** Closes the port; resolves when it is closed. Idempotent. */
  close(): Promise<void>;
  readonly open: boolean;
}

/**
 * Any serialport binding (`BindingInterface`). Named through `@serialport/stream`, whose types resolve
 * from ESM; those of `@serialport/bindings-interface` and `@serialport/binding-mock` do not.
 */
export type SerialBinding = OpenOptions['binding'];

export interface SerialOpenOptions {
  /** Baud rate, default 115200 (a pty ignores it; a USB CDC bridge may not). */
  baudRate?: number;
  /** A serialport binding (`MockBinding` in tests); default: serialport's native binding. */
  binding?: SerialBinding;
}

export const DEFAULT_BAUD_RATE = 115_200;

/** Opens `path` and resolves once it is open; TRANSPORT_OPEN_FAILED when it cannot be. */
export async function openSerialPort(path: string, options: SerialOpenOptions = {}): Promise<ByteEndpoint> {
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  // Loaded here, not at import: serialport is an optional peer (./optional-package.ts).
  const stream: SerialPortStream =
    options.binding === undefined
      ? new (await importOptional<{ SerialPort: typeof SerialPort }>('serialport', 'serial:')).SerialPort({
          path,
          baudRate,
          autoOpen: false,
        })
      : new (
          await importOptional<{ SerialPortStream: typeof SerialPortStream }>('@serialport/stream', 'serial:')
        ).SerialPortStream({ binding: options.binding, path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => {
    stream.open((error) => {
      if (error) reject(new TransportError('TRANSPORT_OPEN_FAILED', `cannot open ${path}: ${error.message}`));
      else resolve();
    });
  });
  // Bytes queued before we opened belong to an earlier session (a late reply to another client);
  // read now, they would pair with our first request. tcflush(TCIOFLUSH) drops them.
  await new Promise<void>((resolve) => stream.flush(() => resolve()));
  return streamEndpoint(stream);
}

/** A `ByteEndpoint` over an open serialport stream; closing the endpoint closes the stream. */
export function streamEndpoint(stream: SerialPortStream): ByteEndpoint {
  const dataListeners = new ListenerSet<Uint8Array>();
  const closeListeners = new ListenerSet<TransportError | undefined>();
  let open = true;
  let closing: Promise<void> | undefined;

  const ended = (lost: TransportError | undefined): void => {
    if (!open) return;
    open = false;
    closeListeners.emit(lost);
  };
  stream.on('data', (chunk: Buffer) => {
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    dataListeners.emit(bytes);
  });
  // A read error (EIO when the pty's other side is gone, ENXIO on unplug) closes the stream with an
  // error; a write error arrives as 'error'. Either way the link is lost unless we were closing it.
  stream.on('close', (error?: Error | null) => {
    ended(
      closing || !error
        ? undefined
        : new TransportError('TRANSPORT_LOST', `${stream.path}: ${error.message}`),
    );
  });
  stream.on('error', (error: Error) => {
    if (closing) return;
    ended(new TransportError('TRANSPORT_LOST', `${stream.path}: ${messageOf(error)}`));
    closing = closeStream(stream);
  });

  return {
    write(bytes) {
      if (!open) throw new TransportError('TRANSPORT_LOST', `${stream.path} is closed`);
      stream.write(Buffer.from(bytes));
    },
    onData: (listener) => dataListeners.add(listener),
    onClose: (listener) => closeListeners.add(listener),
    close() {
      closing ??= closeStream(stream);
      return closing.then(() => ended(undefined));
    },
    get open() {
      return open;
    },
  };
}

function closeStream(stream: SerialPortStream): Promise<void> {
  return new Promise((resolve) => {
    if (!stream.isOpen) {
      resolve();
      return;
    }
    // A close that fails (already closed underneath) leaves nothing open either way.
    stream.close(() => resolve());
  });
}
