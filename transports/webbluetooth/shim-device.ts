/**
 * Shim part: `Bluetooth` (`navigator.bluetooth`), `BluetoothDevice`, and the dispatch of backend
 * events: a device-side disconnect is a task that cleans up if still connected (§"Responding to
 * Disconnection"); a notification goes to the GATT part (§"Responding to Notifications").
 * Self-contained (no run-time imports, no module-level references): `install.ts` serialises it.
 */
import type { ShimBase, ShimBridge, ShimGatt, ShimSlots } from './shim-types.js';
import type {
  DispatchItem,
  DispatchMessage,
  PermittedDeviceJson,
  RequestDeviceOptionsJson,
  WebBluetoothEvent,
} from './types.js';

export interface ShimDevices {
  readonly Bluetooth: abstract new (...args: never[]) => object;
  readonly BluetoothDevice: abstract new (...args: never[]) => object;
  readonly bluetooth: EventTarget;
  dispatch(message: DispatchMessage): void;
}

export function createShimDevices(
  base: ShimBase,
  bridge: ShimBridge,
  gatt: ShimGatt,
  slots: ShimSlots,
  canonicalOptions: (raw: unknown) => RequestDeviceOptionsJson,
  userActivation: { readonly isActive: boolean } | undefined,
  /** Dispatch is called as a task of its own (a page: CDP evaluates each event), not from a microtask. */
  dispatchIsTask: boolean,
): ShimDevices {
  const { domError, key, illegal, slot, queueTask, defineHandler } = base;
  const { invoke } = bridge;
  const devices = new Map<string, BluetoothDevice>();

  const deviceFor = (json: PermittedDeviceJson): BluetoothDevice => {
    let device = devices.get(json.id);
    if (!device) {
      device = new BluetoothDevice(key, json.id);
      devices.set(json.id, device);
    }
    const state = slot(slots.devices, device);
    state.name = json.name;
    const allowed = new Set(json.allowedServices);
    // A wider grant: the backend lists more services now, so discover again.
    if (allowed.size !== state.allowed.size || [...allowed].some((uuid) => !state.allowed.has(uuid)))
      state.discovery = undefined;
    state.allowed = allowed;
    return device;
  };

  class Bluetooth extends EventTarget {
    constructor(given?: unknown) {
      illegal(given);
      super();
    }
    getAvailability(): Promise<boolean> {
      return invoke<boolean>('getAvailability');
    }
    requestDevice(rawOptions?: unknown): Promise<BluetoothDevice> {
      // Transient activation is tested when the call is made (§4.1 step 1), before any await.
      if (userActivation && !userActivation.isActive)
        return Promise.reject(
          domError('SecurityError', 'Must be handling a user gesture to show a permission request.'),
        );
      return (async () => {
        const canonical = canonicalOptions(rawOptions);
        return deviceFor(await invoke<PermittedDeviceJson>('requestDevice', canonical));
      })();
    }
    async getDevices(): Promise<BluetoothDevice[]> {
      const permitted = await invoke<PermittedDeviceJson[]>('getDevices');
      return permitted.map(deviceFor);
    }
  }
  defineHandler(Bluetooth.prototype, 'availabilitychanged');

  class BluetoothDevice extends EventTarget {
    constructor(given?: unknown, id?: string) {
      illegal(given);
      super();
      slots.devices.set(this, {
        id: String(id),
        device: this,
        server: gatt.createServer(this),
        name: null,
        allowed: new Set(),
        connected: false,
        generation: 0,
        activeAlgorithms: new Set(),
        discovery: undefined,
        services: new Map(),
        characteristics: new Map(),
      });
    }
    get id(): string {
      return slot(slots.devices, this).id;
    }
    get name(): string | null {
      return slot(slots.devices, this).name;
    }
    get gatt(): object {
      return slot(slots.devices, this).server;
    }
    get watchingAdvertisements(): boolean {
      return false;
    }
    watchAdvertisements(): Promise<void> {
      return Promise.reject(
        domError('NotSupportedError', 'watchAdvertisements() is not implemented by iqsim.'),
      );
    }
    async forget(): Promise<void> {
      const state = slot(slots.devices, this);
      (state.server as { disconnect(): void }).disconnect();
      await invoke('forget', state.id);
      devices.delete(state.id);
    }
  }
  defineHandler(BluetoothDevice.prototype, 'gattserverdisconnected');
  defineHandler(BluetoothDevice.prototype, 'advertisementreceived');

  const handle = (event: WebBluetoothEvent): void => {
    const device = devices.get(event.id);
    const state = device ? slot(slots.devices, device) : undefined;
    if (!state?.connected) return;
    if (event.type === 'disconnected')
      queueTask(() => {
        if (state.connected) gatt.cleanUp(state);
      });
    else gatt.notified(state, event.handle, event.bytes);
  };
  /** A backend event; then the bridge may release replies that waited for it. */
  const event = (message: WebBluetoothEvent): void => {
    handle(message);
    if (message.seq !== undefined) bridge.seen(message.session ?? 0, message.seq);
  };
  /**
   * One event, or a batch from the page channel: events and replies in the order the Node side sent
   * them, all in the one task that CDP's evaluate runs (so only its first queued task runs inline).
   */
  const dispatch = (message: DispatchMessage): void => {
    const run = (): void => {
      if (!Array.isArray(message)) event(message as WebBluetoothEvent);
      else
        for (const item of message as readonly DispatchItem[]) {
          if ('reply' in item) bridge.replied(item.reply);
          else event(item);
        }
    };
    if (dispatchIsTask) base.asTask(run);
    else run();
  };

  return { Bluetooth, BluetoothDevice, bluetooth: new Bluetooth(key), dispatch };
}
