/**
 * Shim part: `BluetoothRemoteGATTServer`, `-Service`, `-Characteristic` and
 * `BluetoothCharacteristicProperties`, with the orderings of the Web Bluetooth spec (W3C CG draft,
 * index.bs; sections named below):
 * - Every GATT call runs as the spec's "connection-checking wrapper" around in-parallel steps: its
 *   promise joins the server's `[[activeAlgorithms]]`, the backend call runs, then a task on the
 *   Bluetooth task source settles it, NetworkError if a disconnect cleared the set meanwhile.
 * - `readValue()`: that task sets `value`, fires `characteristicvaluechanged`, then resolves.
 * - `writeValue*()`: that task sets `value` to the bytes written, then resolves.
 * - `startNotifications()`: the task resolves; notifications are tasks queued after it, so a listener
 *   added in `.then()` gets the value the device sends on subscription.
 * - `stopNotifications()`: leaves the active notification context set at once; resolves in a task
 *   after the CCCD write, so no notification event follows the resolution.
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type {
  CharacteristicSlot,
  DeviceSlot,
  ShimBase,
  ShimBridge,
  ShimGatt,
  ShimSlots,
  ShimUuids,
} from './shim-types.js';
import type { ServiceJson } from './types.js';

export function createShimGatt(
  base: ShimBase,
  uuids: ShimUuids,
  bridge: ShimBridge,
  slots: ShimSlots,
): ShimGatt {
  const { domError, asWebError, notConnected, NOT_PERMITTED, key, illegal, slot, bytesOf, viewOf } = base;
  const { queueTask, fire, defineHandler } = base;
  const { getService, getCharacteristic } = uuids;
  const { invoke } = bridge;
  const SERVICES = 'retrieve services';
  const GATT = 'perform GATT operations';

  /**
   * The spec's gatt-"connection-checking wrapper" around a backend call: settled in a task, and
   * NetworkError when the server disconnected while the call ran (its token left `[[activeAlgorithms]]`).
   */
  const gattOperation = <T, R>(
    device: DeviceSlot,
    what: string,
    request: () => Promise<T>,
    complete: (result: T) => R,
  ): Promise<R> => {
    const token = {};
    device.activeAlgorithms.add(token);
    return new Promise<R>((resolve, reject) => {
      const settle = (run: () => void) => () =>
        queueTask(() => {
          if (!device.activeAlgorithms.delete(token)) reject(notConnected(what));
          else run();
        });
      request().then(
        (result) =>
          settle(() => {
            try {
              resolve(complete(result));
            } catch (error) {
              reject(error);
            }
          })(),
        (error) => settle(() => reject(asWebError(error)))(),
      );
    });
  };

  const serverDevices = new WeakMap<object, EventTarget>();
  const serverState = (server: object): DeviceSlot => slot(slots.devices, slot(serverDevices, server));

  class BluetoothRemoteGATTServer {
    constructor(given?: unknown, device?: EventTarget) {
      illegal(given);
      serverDevices.set(this, device as EventTarget);
    }
    get device(): EventTarget {
      return slot(serverDevices, this);
    }
    get connected(): boolean {
      return serverState(this).connected;
    }
    /** §connect(): resolved at once when connected; otherwise settled in a task, AbortError after disconnect(). */
    connect(): Promise<BluetoothRemoteGATTServer> {
      const state = serverState(this);
      if (state.connected) return Promise.resolve(this);
      const token = {};
      state.activeAlgorithms.add(token);
      return new Promise((resolve, reject) => {
        invoke('connect', state.id).then(
          () =>
            queueTask(() => {
              if (!state.activeAlgorithms.delete(token)) {
                // Garbage-collect the connection this call made.
                if (!state.connected) invoke('disconnect', state.id).catch(() => undefined);
                reject(domError('AbortError', 'Connection is aborted because disconnect() was called.'));
                return;
              }
              if (!state.connected) {
                state.connected = true;
                state.generation++;
              }
              resolve(this);
            }),
          (error) =>
            queueTask(() => {
              state.activeAlgorithms.delete(token);
              reject(asWebError(error));
            }),
        );
      });
    }
    /** §disconnect(): aborts connects in flight; cleans up (firing the event) synchronously. */
    disconnect(): void {
      const state = serverState(this);
      state.activeAlgorithms.clear();
      if (!state.connected) return;
      // The backend hears of it before any listener can reconnect, so calls stay in order.
      invoke('disconnect', state.id).catch(() => undefined);
      cleanUp(state);
    }
    getPrimaryService(service: unknown): Promise<BluetoothRemoteGATTService> {
      return primaryServices(serverState(this), service, true).then(
        (list) => list[0] as BluetoothRemoteGATTService,
      );
    }
    getPrimaryServices(service?: unknown): Promise<BluetoothRemoteGATTService[]> {
      return primaryServices(serverState(this), service, false);
    }
  }

  /** §GetGATTChildren for services: the cache is the first discovery of this connection. */
  const primaryServices = async (
    state: DeviceSlot,
    requested: unknown,
    single: boolean,
  ): Promise<BluetoothRemoteGATTService[]> => {
    const uuid = single || requested !== undefined ? getService(requested) : undefined;
    if (uuid !== undefined && !state.allowed.has(uuid))
      throw domError(
        'SecurityError',
        "Origin is not allowed to access the service. Tip: Add the service UUID to 'optionalServices' in " +
          'requestDevice() options. https://goo.gl/HxfxSQ',
      );
    if (!state.connected) throw notConnected(SERVICES);
    const generation = state.generation;
    state.discovery ??= invoke<ServiceJson[]>('services', state.id);
    const discovery = state.discovery;
    const discovered = await gattOperation(
      state,
      SERVICES,
      () =>
        discovery.catch((error: unknown) => {
          if (state.discovery === discovery) state.discovery = undefined;
          throw error;
        }),
      (list) => list,
    );
    if (state.generation !== generation) throw notConnected(SERVICES);
    const matching = discovered.filter(
      (s) => state.allowed.has(s.uuid) && (uuid === undefined || s.uuid === uuid),
    );
    if (matching.length === 0)
      throw domError(
        'NotFoundError',
        uuid === undefined
          ? 'No Services found in device.'
          : `No Services matching UUID ${uuid} found in Device.`,
      );
    return (single ? matching.slice(0, 1) : matching).map((json) => {
      let service = state.services.get(json.handle) as BluetoothRemoteGATTService | undefined;
      if (!service) {
        service = new BluetoothRemoteGATTService(key);
        slots.services.set(service, { device: state, json, generation });
        state.services.set(json.handle, service);
      }
      return service;
    });
  };

  class BluetoothRemoteGATTService extends EventTarget {
    constructor(given?: unknown) {
      illegal(given);
      super();
    }
    get device(): EventTarget {
      return slot(slots.services, this).device.device;
    }
    get uuid(): string {
      return slot(slots.services, this).json.uuid;
    }
    get isPrimary(): boolean {
      return true;
    }
    getCharacteristic(characteristic: unknown): Promise<BluetoothRemoteGATTCharacteristic> {
      return characteristicsOf(this, characteristic, true).then(
        (list) => list[0] as BluetoothRemoteGATTCharacteristic,
      );
    }
    getCharacteristics(characteristic?: unknown): Promise<BluetoothRemoteGATTCharacteristic[]> {
      return characteristicsOf(this, characteristic, false);
    }
    getIncludedService(): Promise<never> {
      return Promise.reject(domError('NotFoundError', 'No Services found in service.'));
    }
    getIncludedServices(): Promise<never> {
      return Promise.reject(domError('NotFoundError', 'No Services found in service.'));
    }
  }

  /** §GetGATTChildren for characteristics, from the discovery of the service's connection. */
  const characteristicsOf = async (
    service: BluetoothRemoteGATTService,
    requested: unknown,
    single: boolean,
  ): Promise<BluetoothRemoteGATTCharacteristic[]> => {
    const state = slot(slots.services, service);
    const uuid = single || requested !== undefined ? getCharacteristic(requested) : undefined;
    const device = state.device;
    if (!device.connected) throw notConnected('retrieve characteristics');
    if (state.generation !== device.generation)
      throw domError('InvalidStateError', 'GATT Service no longer exists.');
    const matching = state.json.characteristics.filter((c) => uuid === undefined || c.uuid === uuid);
    if (matching.length === 0)
      throw domError(
        'NotFoundError',
        uuid === undefined
          ? 'No Characteristics found in service.'
          : `No Characteristics matching UUID ${uuid} found in Service with UUID ${state.json.uuid}.`,
      );
    return (single ? matching.slice(0, 1) : matching).map((json) => {
      let characteristic = device.characteristics.get(json.handle) as
        | BluetoothRemoteGATTCharacteristic
        | undefined;
      if (!characteristic) {
        characteristic = new BluetoothRemoteGATTCharacteristic(key);
        slots.characteristics.set(characteristic, {
          service,
          device,
          json,
          generation: state.generation,
          properties: new BluetoothCharacteristicProperties(key, json.properties),
          value: null,
          notifying: false,
          pending: undefined,
        });
        device.characteristics.set(json.handle, characteristic);
      }
      return characteristic;
    });
  };

  const propertyBits = new WeakMap<object, number>();
  const bit = (target: object, mask: number): boolean => (slot(propertyBits, target) & mask) !== 0;
  /** GATT characteristic properties bits (Core spec Vol 3 Part G §3.3.1.1). */
  class BluetoothCharacteristicProperties {
    constructor(given?: unknown, bits?: number) {
      illegal(given);
      propertyBits.set(this, Number(bits));
    }
    get broadcast(): boolean {
      return bit(this, 0x01);
    }
    get read(): boolean {
      return bit(this, 0x02);
    }
    get writeWithoutResponse(): boolean {
      return bit(this, 0x04);
    }
    get write(): boolean {
      return bit(this, 0x08);
    }
    get notify(): boolean {
      return bit(this, 0x10);
    }
    get indicate(): boolean {
      return bit(this, 0x20);
    }
    get authenticatedSignedWrites(): boolean {
      return bit(this, 0x40);
    }
    /** From the Extended Properties descriptor, which the virtual devices do not have. */
    get reliableWrite(): boolean {
      return false;
    }
    get writableAuxiliaries(): boolean {
      return false;
    }
  }

  /** Connected and of the current connection (NetworkError, then InvalidStateError, as Chromium). */
  const live = (characteristic: object): CharacteristicSlot => {
    const state = slot(slots.characteristics, characteristic);
    if (!state.device.connected) throw notConnected(GATT);
    if (state.generation !== state.device.generation)
      throw domError('InvalidStateError', 'GATT Characteristic no longer exists.');
    return state;
  };
  const WRITE = "Failed to execute 'writeValue' on 'BluetoothRemoteGATTCharacteristic'";

  /** §"Responding to Notifications": the task that sets `value` and fires, if still connected. */
  const deliver = (characteristic: EventTarget, state: CharacteristicSlot, bytes: number[]): void => {
    if (!state.device.connected || state.generation !== state.device.generation) return;
    state.value = viewOf(bytes);
    fire(characteristic, 'characteristicvaluechanged');
  };

  class BluetoothRemoteGATTCharacteristic extends EventTarget {
    constructor(given?: unknown) {
      illegal(given);
      super();
    }
    get service(): EventTarget {
      return slot(slots.characteristics, this).service;
    }
    get uuid(): string {
      return slot(slots.characteristics, this).json.uuid;
    }
    get properties(): BluetoothCharacteristicProperties {
      return slot(slots.characteristics, this).properties as BluetoothCharacteristicProperties;
    }
    get value(): DataView | null {
      return slot(slots.characteristics, this).value;
    }
    async readValue(): Promise<DataView> {
      const state = live(this);
      if (!state.properties.read) throw domError('NotSupportedError', NOT_PERMITTED);
      return gattOperation(
        state.device,
        GATT,
        () => invoke<number[]>('read', state.device.id, state.json.handle),
        (bytes) => {
          // §readValue() final task: value, then characteristicvaluechanged, then resolve.
          state.value = viewOf(bytes);
          fire(this, 'characteristicvaluechanged');
          return state.value;
        },
      );
    }
    writeValue(value: unknown): Promise<void> {
      return this.#write(value, 'default');
    }
    writeValueWithResponse(value: unknown): Promise<void> {
      return this.#write(value, 'with');
    }
    writeValueWithoutResponse(value: unknown): Promise<void> {
      return this.#write(value, 'without');
    }
    /** §WriteCharacteristicValue: copy, 512-byte limit, connected, then the write; `value` set on success. */
    async #write(value: unknown, mode: 'default' | 'with' | 'without'): Promise<void> {
      const bytes = bytesOf(value, WRITE);
      if (bytes.length > 512) throw domError('InvalidModificationError', "Value can't exceed 512 bytes.");
      const state = live(this);
      const p = state.properties;
      const allowed =
        mode === 'with'
          ? p.write
          : mode === 'without'
            ? p.writeWithoutResponse
            : p.write || p.writeWithoutResponse || p.authenticatedSignedWrites;
      if (!allowed) throw domError('NotSupportedError', NOT_PERMITTED);
      // The deprecated writeValue() writes with response when the characteristic allows it (Chromium).
      const withResponse = mode === 'with' || (mode === 'default' && p.write);
      return gattOperation(
        state.device,
        GATT,
        () => invoke('write', state.device.id, state.json.handle, bytes, withResponse),
        () => {
          state.value = viewOf(bytes);
        },
      );
    }
    async startNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
      const state = live(this);
      if (!(state.properties.notify || state.properties.indicate))
        throw domError('NotSupportedError', NOT_PERMITTED);
      // Already in the active notification context set: resolve in a task, no CCCD write.
      if (state.notifying)
        return gattOperation(
          state.device,
          GATT,
          () => Promise.resolve(),
          () => this,
        );
      const buffer = state.pending ?? [];
      state.pending = buffer;
      return gattOperation(
        state.device,
        GATT,
        () =>
          invoke('notify', state.device.id, state.json.handle, true).catch((error: unknown) => {
            if (state.pending === buffer) state.pending = undefined;
            throw error;
          }),
        () => {
          state.notifying = true;
          if (state.pending === buffer) {
            state.pending = undefined;
            // After this task's microtasks (the app's .then): spec note under startNotifications().
            for (const bytes of buffer) queueTask(() => deliver(this, state, bytes));
          }
          return this;
        },
      );
    }
    async stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
      const state = live(this);
      state.notifying = false;
      await invoke('notify', state.device.id, state.json.handle, false).catch(() => undefined);
      return new Promise((resolve) => queueTask(() => resolve(this)));
    }
    getDescriptor(): Promise<never> {
      return Promise.reject(domError('NotSupportedError', 'Descriptors are not implemented by iqsim.'));
    }
    getDescriptors(): Promise<never> {
      return Promise.reject(domError('NotSupportedError', 'Descriptors are not implemented by iqsim.'));
    }
  }
  defineHandler(BluetoothRemoteGATTCharacteristic.prototype, 'characteristicvaluechanged');

  const notified = (device: DeviceSlot, handle: number, bytes: number[]): void => {
    const characteristic = device.characteristics.get(handle);
    if (!characteristic) return;
    const state = slot(slots.characteristics, characteristic);
    if (state.pending) state.pending.push(bytes);
    else if (state.notifying) queueTask(() => deliver(characteristic, state, bytes));
  };

  /** §"clean up the disconnected device": attributes become stale, then `gattserverdisconnected`. */
  const cleanUp = (state: DeviceSlot): void => {
    state.connected = false;
    state.activeAlgorithms.clear();
    state.generation++;
    state.discovery = undefined;
    for (const characteristic of state.characteristics.values()) {
      const c = slot(slots.characteristics, characteristic);
      c.notifying = false;
      c.pending = undefined;
    }
    state.services.clear();
    state.characteristics.clear();
    fire(state.device, 'gattserverdisconnected');
  };

  return {
    BluetoothRemoteGATTServer,
    BluetoothRemoteGATTService,
    BluetoothRemoteGATTCharacteristic,
    BluetoothCharacteristicProperties,
    createServer: (device) => new BluetoothRemoteGATTServer(key, device),
    notified,
    cleanUp,
  };
}
