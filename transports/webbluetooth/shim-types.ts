/**
 * Types shared by the parts of the Web Bluetooth shim (`shim-*.ts`, composed by `install.ts`).
 * Type-only: the parts run in a page as serialised source, so nothing here may exist at run time.
 */
import type { BackendMethod, ChannelReply, CharacteristicJson, ServiceJson } from './types.js';

/** A class the shim defines (its constructor takes the private key first). */
export type ShimClass = abstract new (...args: never[]) => object;

/** Errors, bytes, the Bluetooth task source and event helpers (`shim-base.ts`). */
export interface ShimBase {
  /** A DOMException of that name (TypeError for 'TypeError'). */
  domError(name: string, message: string): Error;
  /** Any failure as the web error a page expects (unknown names become NetworkError). */
  asWebError(error: unknown): Error;
  /** Chromium's NetworkError for a GATT call on a disconnected server ("Cannot <what>."). */
  notConnected(what: string): Error;
  readonly NOT_PERMITTED: string;
  /** Guards the constructors: only the shim, holding the key, creates its objects. */
  readonly key: symbol;
  illegal(given: unknown): void;
  /** An object's internal state, or TypeError "Illegal invocation" (a method called on a stranger). */
  slot<T>(map: WeakMap<object, T>, target: object): T;
  /** A copy of a BufferSource's bytes (TypeError for anything else). */
  bytesOf(value: unknown, where: string): number[];
  /** A DataView over an ArrayBuffer of exactly the value's length. */
  viewOf(bytes: readonly number[]): DataView;
  /**
   * Queues a task on the shim's Bluetooth task source (spec "queue a global task on the Bluetooth
   * task source"): tasks run in order, each in its own macrotask, so the promise reactions of one
   * (an app's `.then`) run before the next begins.
   */
  queueTask(task: () => void): void;
  /** Runs `fn` at the start of a task of its own: its first queued task may run inline. */
  asTask(fn: () => void): void;
  /**
   * The spec's gatt-"connection-checking wrapper" around a backend call: `complete` runs in a task,
   * or the call rejects with NetworkError when a disconnect cleared `[[activeAlgorithms]]` meanwhile.
   */
  gattOperation<T, R>(
    device: DeviceSlot,
    what: string,
    request: () => Promise<T>,
    complete: (result: T) => R,
  ): Promise<R>;
  /** Fires a bubbling event of that type at the target, synchronously (spec "fire an event"). */
  fire(target: EventTarget, type: string): void;
  /** Defines the `on<type>` event handler IDL attribute on a prototype. */
  defineHandler(proto: object, type: string): void;
}

/** `BluetoothUUID` and the UUID canonicalisers (`shim-uuid.ts`). */
export interface ShimUuids {
  readonly BluetoothUUID: ShimClass;
  getService(name: unknown): string;
  getCharacteristic(name: unknown): string;
  getDescriptor(name: unknown): string;
}

/** The backend call, ordered after every event the backend sent before its reply (`shim-bridge.ts`). */
export interface ShimBridge {
  invoke<T>(method: BackendMethod, ...args: unknown[]): Promise<T>;
  /** Records that the events up to `seq` of backend session `session` have been dispatched. */
  seen(session: number, seq: number): void;
  /** A reply that came back on the page channel (`ChannelReply`), for the call it answers. */
  replied(reply: ChannelReply): void;
  /** Names this document to the Node side on the page channel (sent with `reset`). */
  readonly token: string;
}

/** The internal state of a `BluetoothDevice` and its `BluetoothRemoteGATTServer`. */
export interface DeviceSlot {
  readonly id: string;
  readonly device: EventTarget;
  readonly server: object;
  name: string | null;
  allowed: Set<string>;
  connected: boolean;
  /** Bumped on every connect and disconnect: attributes of an older connection are stale. */
  generation: number;
  /** The server's `[[activeAlgorithms]]` (spec §"BluetoothRemoteGATTServer"): a token per call in flight. */
  readonly activeAlgorithms: Set<object>;
  discovery: Promise<ServiceJson[]> | undefined;
  readonly services: Map<number, EventTarget>;
  readonly characteristics: Map<number, EventTarget>;
}

export interface ServiceSlot {
  readonly device: DeviceSlot;
  readonly json: ServiceJson;
  readonly generation: number;
}

export interface PropertiesView {
  readonly read: boolean;
  readonly write: boolean;
  readonly writeWithoutResponse: boolean;
  readonly authenticatedSignedWrites: boolean;
  readonly notify: boolean;
  readonly indicate: boolean;
}

export interface CharacteristicSlot {
  readonly service: EventTarget;
  readonly device: DeviceSlot;
  readonly json: CharacteristicJson;
  readonly generation: number;
  readonly properties: PropertiesView;
  value: DataView | null;
  /** This realm is in the characteristic's active notification context set. */
  notifying: boolean;
  /**
   * Notifications received while a `startNotifications()` waits for its CCCD write: the device sends
   * them after the write response (D-18), so they are delivered after the promise resolves.
   */
  pending: number[][] | undefined;
}

/** The internal-state maps, shared by the parts that create and use the objects. */
export interface ShimSlots {
  readonly devices: WeakMap<object, DeviceSlot>;
  readonly services: WeakMap<object, ServiceSlot>;
  readonly characteristics: WeakMap<object, CharacteristicSlot>;
}

/** Characteristics (`shim-characteristic.ts`). */
export interface ShimCharacteristics {
  readonly BluetoothRemoteGATTCharacteristic: ShimClass;
  readonly BluetoothCharacteristicProperties: ShimClass;
  /** The object for a characteristic of a service of the current connection. */
  create(service: EventTarget, device: DeviceSlot, json: CharacteristicJson, generation: number): EventTarget;
  /** A notification or indication from the backend (spec §"Responding to Notifications"). */
  notified(device: DeviceSlot, handle: number, bytes: number[]): void;
}

/** The GATT half (`shim-gatt.ts`). */
export interface ShimGatt {
  readonly BluetoothRemoteGATTServer: ShimClass;
  readonly BluetoothRemoteGATTService: ShimClass;
  readonly BluetoothRemoteGATTCharacteristic: ShimClass;
  readonly BluetoothCharacteristicProperties: ShimClass;
  /** A new server object for a device (the device slot is registered right after). */
  createServer(device: EventTarget): object;
  /** A notification or indication from the backend (spec §"Responding to Notifications"). */
  notified(device: DeviceSlot, handle: number, bytes: number[]): void;
  /** Spec §"clean up the disconnected device"; fires `gattserverdisconnected` synchronously. */
  cleanUp(device: DeviceSlot): void;
}
