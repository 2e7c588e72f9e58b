/**
 * Shim part: `BluetoothRemoteGATTServer` and `BluetoothRemoteGATTService` (characteristics are
 * `shim-characteristic.ts`), with the orderings of the Web Bluetooth spec (W3C CG draft, index.bs;
 * sections named below):
 * - Every GATT call runs as the spec's "connection-checking wrapper" around in-parallel steps: its
 *   promise joins the server's `[[activeAlgorithms]]`, the backend call runs, then a task on the
 *   Bluetooth task source settles it, NetworkError if a disconnect cleared the set meanwhile.
 *   (`ShimBase.gattOperation`; `getPrimaryService(s)` uses it for discovery.)
 * - `connect()` resolves at once when connected, else in a task, AbortError after `disconnect()`.
 * - `disconnect()` cleans up and fires `gattserverdisconnected` before it returns.
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type {
  DeviceSlot,
  ShimBase,
  ShimBridge,
  ShimCharacteristics,
  ShimGatt,
  ShimSlots,
  ShimUuids,
} from './shim-types.js';
import type { CharacteristicJson, ServiceJson } from './types.js';

export function createShimGatt(
  base: ShimBase,
  uuids: ShimUuids,
  bridge: ShimBridge,
  slots: ShimSlots,
  characteristics: ShimCharacteristics,
): ShimGatt {
  const { domError, asWebError, notConnected, key, illegal, slot, queueTask, gattOperation, fire } = base;
  const { getService, getCharacteristic } = uuids;
  const { invoke } = bridge;
  const SERVICES = 'retrieve services';

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
    getCharacteristic(characteristic: unknown): Promise<EventTarget> {
      return characteristicsOf(this, characteristic, true).then((list) => list[0] as EventTarget);
    }
    getCharacteristics(characteristic?: unknown): Promise<EventTarget[]> {
      return characteristicsOf(this, characteristic, false);
    }
    getIncludedService(): Promise<never> {
      return Promise.reject(domError('NotFoundError', 'No Services found in service.'));
    }
    getIncludedServices(): Promise<never> {
      return Promise.reject(domError('NotFoundError', 'No Services found in service.'));
    }
  }

  /**
   * §GetGATTChildren for characteristics: a backend round trip in the connection-checking wrapper,
   * as Chromium asks its browser process, so a drop meanwhile rejects it (docs/webbluetooth.md
   * "Situations and errors").
   */
  const characteristicsOf = async (
    service: BluetoothRemoteGATTService,
    requested: unknown,
    single: boolean,
  ): Promise<EventTarget[]> => {
    const state = slot(slots.services, service);
    const uuid = single || requested !== undefined ? getCharacteristic(requested) : undefined;
    const device = state.device;
    const what = 'retrieve characteristics';
    if (!device.connected) throw notConnected(what);
    if (state.generation !== device.generation)
      throw domError(
        'InvalidStateError',
        `Service with UUID ${state.json.uuid} is no longer valid. Remember to retrieve the service again after reconnecting.`,
      );
    const listed = await gattOperation(
      device,
      what,
      () => invoke<CharacteristicJson[]>('characteristics', device.id, state.json.handle),
      (list) => list,
    );
    const matching = listed.filter((c) => uuid === undefined || c.uuid === uuid);
    if (matching.length === 0)
      throw domError(
        'NotFoundError',
        uuid === undefined
          ? 'No Characteristics found in service.'
          : `No Characteristics matching UUID ${uuid} found in Service with UUID ${state.json.uuid}.`,
      );
    return (single ? matching.slice(0, 1) : matching).map((json) => {
      let characteristic = device.characteristics.get(json.handle);
      if (!characteristic) {
        characteristic = characteristics.create(service, device, json, state.generation);
        device.characteristics.set(json.handle, characteristic);
      }
      return characteristic;
    });
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
    BluetoothRemoteGATTCharacteristic: characteristics.BluetoothRemoteGATTCharacteristic,
    BluetoothCharacteristicProperties: characteristics.BluetoothCharacteristicProperties,
    createServer: (device) => new BluetoothRemoteGATTServer(key, device),
    notified: characteristics.notified,
    cleanUp,
  };
}
