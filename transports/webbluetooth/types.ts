/**
 * Shapes shared by the Web Bluetooth shim (`install.ts`, which runs in a page or in Node) and the
 * Node side that backs it (`hub.ts`). Everything crossing the bridge is JSON: UUIDs are lower-case
 * 128-bit strings, byte strings are `number[]`.
 *
 * The second half declares the standard Web Bluetooth interfaces (as in the W3C draft and
 * `@types/web-bluetooth`) for the subset the shim implements, so a Node test can type an app
 * routine without the DOM library.
 */

/**
 * The adapter, in the spec's states of a simulated adapter (docs/webbluetooth.md "Situations and
 * errors"): off keeps `getAvailability()` true, absent makes it false; both drop every link.
 */
export type AdapterState = 'powered-on' | 'powered-off' | 'absent';

/** One filter after canonicalisation (Web Bluetooth §4.1 "canonicalizing the filter"). */
export interface ScanFilterJson {
  readonly services?: readonly string[];
  readonly name?: string;
  readonly namePrefix?: string;
  readonly manufacturerData?: readonly ManufacturerDataFilterJson[];
  readonly serviceData?: readonly ServiceDataFilterJson[];
}

export interface ManufacturerDataFilterJson {
  readonly companyIdentifier: number;
  /** Bytes the data must start with, after masking; empty matches any data. */
  readonly dataPrefix: readonly number[];
  /** Same length as `dataPrefix`; 0xFF per byte when the page gave no mask. */
  readonly mask: readonly number[];
}

export interface ServiceDataFilterJson {
  readonly service: string;
  readonly dataPrefix: readonly number[];
  readonly mask: readonly number[];
}

/** `requestDevice` options as the shim sends them to the backend (already validated). */
export interface RequestDeviceOptionsJson {
  readonly filters?: readonly ScanFilterJson[];
  readonly exclusionFilters?: readonly ScanFilterJson[];
  readonly acceptAllDevices: boolean;
  readonly optionalServices: readonly string[];
  readonly optionalManufacturerData: readonly number[];
}

/** A device the page may use, with the services it may access (§4.1 "allowed services"). */
export interface PermittedDeviceJson {
  readonly id: string;
  readonly name: string | null;
  readonly allowedServices: readonly string[];
}

export interface CharacteristicJson {
  readonly uuid: string;
  /** Value handle; the shim's key for reads, writes and notifications. */
  readonly handle: number;
  /** GATT characteristic properties bit field (Core spec Vol 3 Part G §3.3.1.1). */
  readonly properties: number;
}

export interface ServiceJson {
  readonly uuid: string;
  /** Start handle (distinguishes two instances of one service UUID). */
  readonly handle: number;
  readonly characteristics: readonly CharacteristicJson[];
}

/**
 * Pushed from the backend to the shim. `seq` numbers a session's events from 1 and `session` names
 * the backend session (the browser bridge sets it; a frame's session may be replaced), so the shim
 * can order replies after the events sent before them (`shim-bridge.ts`).
 */
export type WebBluetoothEvent = (
  | { readonly type: 'notification'; readonly id: string; readonly handle: number; readonly bytes: number[] }
  | { readonly type: 'disconnected'; readonly id: string }
) & { readonly seq?: number; readonly session?: number };

/**
 * What the shim needs from the Node side. Every method may reject with a `DOMException` (or any
 * error whose `name` is a DOMException name), which the shim rethrows as a DOMException of that name.
 */
export interface WebBluetoothBackend {
  requestDevice(options: RequestDeviceOptionsJson): Promise<PermittedDeviceJson>;
  getDevices(): Promise<PermittedDeviceJson[]>;
  getAvailability(): Promise<boolean>;
  connect(id: string): Promise<void>;
  disconnect(id: string): Promise<void>;
  /** Primary services the page may access, with their characteristics. */
  services(id: string): Promise<ServiceJson[]>;
  /** The characteristics of the service at `serviceHandle` (a round trip, as Chromium's). */
  characteristics(id: string, serviceHandle: number): Promise<CharacteristicJson[]>;
  read(id: string, handle: number): Promise<number[]>;
  write(id: string, handle: number, bytes: number[], withResponse: boolean): Promise<void>;
  notify(id: string, handle: number, enable: boolean): Promise<void>;
  /** Revokes the page's permission for the device (`BluetoothDevice.forget()`). */
  forget(id: string): Promise<void>;
  /** Node only: how events reach the shim (in a page they come through the dispatch function). */
  subscribe?(listener: (event: WebBluetoothEvent) => void): () => void;
  /** How many events this backend has pushed so far (the `seq` of the last one; 0 before any). */
  eventSequence?(): number;
}

export type BackendMethod = Exclude<keyof WebBluetoothBackend, 'subscribe' | 'eventSequence'>;

/** One call through the Playwright binding. */
export interface BridgeCall {
  /** `reset`: a new document in the frame; its connections go (the shim sends it when it installs). */
  readonly method: BackendMethod | 'reset';
  readonly args: readonly unknown[];
  /**
   * On `reset`: the document's channel token, which names the frame to the Node side when later
   * calls come through the page channel (`ChannelCall`) rather than this binding.
   */
  readonly token?: string;
}

/** One call through the page channel (a CDP binding, `playwright-channel.ts`): a JSON string of this. */
export interface ChannelCall extends BridgeCall {
  readonly token: string;
  /** Numbers the document's calls; its reply carries it back. */
  readonly call: number;
}

/**
 * The binding's answer: errors travel as data because a binding's thrown error loses its name.
 * `session` and `seq`: the answering session and how many events it had pushed by then.
 */
export type BridgeReply = (
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly name: string; readonly message: string }
) & { readonly session?: number; readonly seq?: number };

/** A reply on the page channel, delivered through the dispatch function with the events. */
export type ChannelReply = BridgeReply & { readonly call: number };

/** One item of a page-channel batch: an event or a reply. */
export type DispatchItem = WebBluetoothEvent | { readonly reply: ChannelReply };

/** What the dispatch function takes: one event, or (page channel) events and replies in order. */
export type DispatchMessage = WebBluetoothEvent | readonly DispatchItem[];

export interface InstallOptions {
  /** Node: the backend object. Without it the shim calls the page binding `bindingName`. */
  readonly backend?: WebBluetoothBackend;
  /** Page binding the shim calls (default `__iqsimBluetooth`). */
  readonly bindingName?: string;
  /**
   * Page channel (a CDP binding taking a JSON `ChannelCall`, default `__iqsimBluetoothChannel`): used
   * instead of `bindingName` for calls when the frame has it; replies come back through dispatch.
   */
  readonly channelName?: string;
  /** Global function the shim defines for pushed events (default `__iqsimBluetoothDispatch`). */
  readonly dispatchName?: string;
  /**
   * Define `navigator.bluetooth` and the `Bluetooth*` interface globals on the scope (default: when
   * the scope has a `navigator`).
   */
  readonly define?: boolean;
  /**
   * Reject `requestDevice` without transient user activation, as Chromium does (default: when the
   * scope has `navigator.userActivation`, i.e. in a browser).
   */
  readonly requireUserActivation?: boolean;
}

// ---- The standard interfaces (W3C Web Bluetooth) for the implemented subset. ----

export type BluetoothServiceUUID = number | string;
export type BluetoothCharacteristicUUID = number | string;
export type BufferSourceLike = ArrayBuffer | ArrayBufferView;

export interface BluetoothDataFilterInit {
  dataPrefix?: BufferSourceLike;
  mask?: BufferSourceLike;
}

export interface BluetoothManufacturerDataFilterInit extends BluetoothDataFilterInit {
  companyIdentifier: number;
}

export interface BluetoothServiceDataFilterInit extends BluetoothDataFilterInit {
  service: BluetoothServiceUUID;
}

export interface BluetoothLEScanFilterInit {
  services?: BluetoothServiceUUID[];
  name?: string;
  namePrefix?: string;
  manufacturerData?: BluetoothManufacturerDataFilterInit[];
  serviceData?: BluetoothServiceDataFilterInit[];
}

export interface RequestDeviceOptions {
  filters?: BluetoothLEScanFilterInit[];
  exclusionFilters?: BluetoothLEScanFilterInit[];
  optionalServices?: BluetoothServiceUUID[];
  optionalManufacturerData?: number[];
  acceptAllDevices?: boolean;
}

export interface Bluetooth extends EventTarget {
  getAvailability(): Promise<boolean>;
  requestDevice(options?: RequestDeviceOptions): Promise<BluetoothDevice>;
  getDevices(): Promise<BluetoothDevice[]>;
}

export interface BluetoothDevice extends EventTarget {
  readonly id: string;
  /** Null when the device advertised no name (IDL `DOMString?`). */
  readonly name: string | null;
  /** Never null here: every permitted device has a GATT server. */
  readonly gatt: BluetoothRemoteGATTServer;
  ongattserverdisconnected: ((this: BluetoothDevice, event: Event) => unknown) | null;
  forget(): Promise<void>;
}

export interface BluetoothRemoteGATTServer {
  readonly device: BluetoothDevice;
  readonly connected: boolean;
  connect(): Promise<BluetoothRemoteGATTServer>;
  disconnect(): void;
  getPrimaryService(service: BluetoothServiceUUID): Promise<BluetoothRemoteGATTService>;
  getPrimaryServices(service?: BluetoothServiceUUID): Promise<BluetoothRemoteGATTService[]>;
}

export interface BluetoothRemoteGATTService extends EventTarget {
  readonly device: BluetoothDevice;
  readonly uuid: string;
  readonly isPrimary: boolean;
  getCharacteristic(characteristic: BluetoothCharacteristicUUID): Promise<BluetoothRemoteGATTCharacteristic>;
  getCharacteristics(
    characteristic?: BluetoothCharacteristicUUID,
  ): Promise<BluetoothRemoteGATTCharacteristic[]>;
}

export interface BluetoothCharacteristicProperties {
  readonly broadcast: boolean;
  readonly read: boolean;
  readonly writeWithoutResponse: boolean;
  readonly write: boolean;
  readonly notify: boolean;
  readonly indicate: boolean;
  readonly authenticatedSignedWrites: boolean;
  readonly reliableWrite: boolean;
  readonly writableAuxiliaries: boolean;
}

export interface BluetoothRemoteGATTCharacteristic extends EventTarget {
  readonly service: BluetoothRemoteGATTService;
  readonly uuid: string;
  readonly properties: BluetoothCharacteristicProperties;
  readonly value: DataView | null;
  oncharacteristicvaluechanged: ((this: BluetoothRemoteGATTCharacteristic, event: Event) => unknown) | null;
  readValue(): Promise<DataView>;
  writeValue(value: BufferSourceLike): Promise<void>;
  writeValueWithResponse(value: BufferSourceLike): Promise<void>;
  writeValueWithoutResponse(value: BufferSourceLike): Promise<void>;
  startNotifications(): Promise<BluetoothRemoteGATTCharacteristic>;
  stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic>;
}

export interface BluetoothUUIDStatic {
  getService(name: BluetoothServiceUUID): string;
  getCharacteristic(name: BluetoothCharacteristicUUID): string;
  getDescriptor(name: number | string): string;
  canonicalUUID(alias: number): string;
}

/** What `installWebBluetooth` returns. */
export interface InstalledWebBluetooth {
  readonly bluetooth: Bluetooth;
  readonly BluetoothUUID: BluetoothUUIDStatic;
  /** Feeds a backend event to the shim (what the page's dispatch global calls). */
  dispatch(event: WebBluetoothEvent): void;
}
