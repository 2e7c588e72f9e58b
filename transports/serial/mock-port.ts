/**
 * The device end of a `@serialport/binding-mock` port (serialport's shipped fake, the way
 * node-serialport tests its own parsers): what the client writes reaches the listeners, and what the
 * device writes arrives at the client as if read from the line. With `UsbDeviceBridge` it puts a
 * virtual device behind `serial:` without a pty.
 */
import type { SerialPortMock } from 'serialport';
import { ListenerSet } from '../../simulator/index.js';
import { TransportError } from '../errors.js';
import type { ByteEndpoint } from './port.js';

/** The port object of `MockBinding` (`MockPortBinding`), named through serialport's own types. */
export type MockPort = NonNullable<SerialPortMock['port']>;

/**
 * Taps an open mock port: `stream.port` of a `SerialPortStream` opened with `MockBinding`
 * (`SerialPortMock.binding`), or of a `SerialPortMock`.
 */
export function mockPortEndpoint(port: MockPort): ByteEndpoint {
  const dataListeners = new ListenerSet<Uint8Array>();
  const closeListeners = new ListenerSet<TransportError | undefined>();
  let open = port.isOpen;
  const ended = (lost: TransportError | undefined): void => {
    if (!open) return;
    open = false;
    closeListeners.emit(lost);
  };
  const write = port.write.bind(port);
  port.write = async (buffer: Buffer) => {
    await write(buffer);
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).slice();
    dataListeners.emit(bytes);
  };
  // The client closing its side is the line going away, as far as the device end can tell.
  const close = port.close.bind(port);
  port.close = async () => {
    await close();
    ended(new TransportError('TRANSPORT_LOST', `${port.openOptions.path} was closed by the client`));
  };
  return {
    write(bytes) {
      if (!open || !port.isOpen) throw new TransportError('TRANSPORT_LOST', 'the mock port is closed');
      port.emitData(Buffer.from(bytes));
    },
    onData: (listener) => dataListeners.add(listener),
    onClose: (listener) => closeListeners.add(listener),
    async close() {
      ended(undefined);
    },
    get open() {
      return open;
    },
  };
}
