/**
 * What `openTransport` hands back: the link, its channel and scheduler, and close bookkeeping that
 * tells a close we asked for from a lost link. Each opener (open-sim.ts, open-ble.ts, serial) returns
 * a `RawOpen`; `finishOpen` adds the recorder and the bookkeeping.
 */
import type { Writable } from 'node:stream';
import type { CaptureSink, RecordedDevice, Scheduler, Transport, VirtualDevice } from '../simulator/index.js';
import { TransportError } from './errors.js';
import { recordTransport } from './recorder.js';
import type { SerialBinding } from './serial/port.js';
import type { TransportSpec } from './spec.js';

export interface OpenTransportOptions {
  /** Record every packet as JSON lines to this stream or file (see `recordTransport`). */
  record?: Writable | string;
  /**
   * Send the link's capture stream here (docs/captures.md "Recording a link"): everything a `sim:` or
   * `replay:` device does from before the connection, the raw bytes of a `serial:` line both ways,
   * the ATT traffic of a `ble:` unit as the unit gave it.
   */
  capture?: CaptureSink;
  /** serial: a serialport binding instead of the native one (`MockBinding` in tests). */
  serialBinding?: SerialBinding;
  /**
   * ble: a noble bindings object instead of noble's HCI default (`createVirtualNobleBindings` in
   * tests: a `ble:` link to a virtual device without an adapter).
   */
  nobleBindings?: object;
  /** ble: how long to wait for the adapter to be powered on, ms (default 3000). */
  adapterTimeoutMs?: number;
  /** ble: how long to wait for the connection, ms (default 10000). */
  connectTimeoutMs?: number;
}

export interface OpenedTransport {
  readonly spec: TransportSpec;
  readonly transport: Transport;
  /**
   * The transport underneath, without the recorder and close bookkeeping: a `SerialTransport` for
   * `serial:` (raw byte writes, resync stats). Closing it directly counts as a lost link.
   */
  readonly underlying: Transport;
  /** What to pass as `IqosClient.connect(transport, { channel })`. */
  readonly channel: 'ble' | 'usb';
  /** Real time for `IqosClient.connect(…, { scheduler })`: the pumped virtual clock for `sim:`. */
  readonly scheduler: Scheduler;
  /** `sim:` and `replay:`: the virtual device on the other end. */
  readonly device?: VirtualDevice;
  /** `replay:` only: the recording it answers from (its `script.unanswered` lists requests it never saw). */
  readonly recorded?: RecordedDevice;
  /** Set once the link went away without `close` (a TRANSPORT_LOST error). */
  readonly lost: TransportError | undefined;
  /** Closes the link, stops its pump, ends the recording; resolves when all is done. Idempotent. */
  close(): Promise<void>;
}

export interface RawOpen {
  transport: Transport;
  channel: 'ble' | 'usb';
  scheduler: Scheduler;
  device?: VirtualDevice;
  recorded?: RecordedDevice;
  /** Resolves when the link is fully closed (port closed, pump stopped). */
  closed(): Promise<void>;
}

export function finishOpen(
  spec: TransportSpec,
  raw: RawOpen,
  options: OpenTransportOptions,
  lostOf: () => TransportError | undefined = () => undefined,
): OpenedTransport {
  // Set before any close starts: a close fires the close listeners synchronously.
  let closedByUs = false;
  let closing: Promise<void> | undefined;
  let lost: TransportError | undefined;
  raw.transport.onClose((reason) => {
    if (!closedByUs) lost = lostOf() ?? new TransportError('TRANSPORT_LOST', reason);
  });
  let recorded: ReturnType<typeof recordTransport> | undefined;
  try {
    recorded = options.record === undefined ? undefined : recordTransport(raw.transport, options.record);
  } catch (error) {
    closedByUs = true;
    void raw.closed();
    throw error;
  }
  const inner = recorded ?? raw.transport;
  const transport: Transport = {
    write: (packet) => inner.write(packet),
    onData: (listener) => inner.onData(listener),
    onClose: (listener) => inner.onClose(listener),
    close() {
      closedByUs = true;
      inner.close();
    },
    get open() {
      return inner.open;
    },
  };
  return {
    spec,
    transport,
    underlying: raw.transport,
    channel: raw.channel,
    scheduler: raw.scheduler,
    device: raw.device,
    ...(raw.recorded ? { recorded: raw.recorded } : {}),
    get lost() {
      return lost;
    },
    close() {
      closedByUs = true;
      closing ??= (async () => {
        await raw.closed();
        await recorded?.finish();
      })();
      return closing;
    },
  };
}
