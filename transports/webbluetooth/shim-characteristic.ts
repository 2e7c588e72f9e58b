/**
 * Shim part: `BluetoothRemoteGATTCharacteristic` and `BluetoothCharacteristicProperties`, with the
 * orderings of the Web Bluetooth spec (W3C CG draft, index.bs):
 * - `readValue()`: one task sets `value`, fires `characteristicvaluechanged`, then resolves.
 * - `writeValue*()`: one task sets `value` to the bytes written, then resolves.
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
  ShimCharacteristics,
  ShimSlots,
} from './shim-types.js';
import type { CharacteristicJson } from './types.js';

export function createShimCharacteristics(
  base: ShimBase,
  bridge: ShimBridge,
  slots: ShimSlots,
): ShimCharacteristics {
  const { domError, notConnected, NOT_PERMITTED, key, illegal, slot, bytesOf, viewOf } = base;
  const { queueTask, gattOperation, fire, defineHandler } = base;
  const { invoke } = bridge;
  const GATT = 'perform GATT operations';

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
      throw domError(
        'InvalidStateError',
        `Characteristic with UUID ${state.json.uuid} is no longer valid. Remember to retrieve the characteristic again after reconnecting.`,
      );
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
    /**
     * Leaves the active notification context set at once; the CCCD write runs in the
     * connection-checking wrapper (Chromium's stop joins `activeAlgorithms`: a drop meanwhile
     * rejects), and its outcome is otherwise ignored, as Chromium reports success regardless.
     */
    async stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
      const state = live(this);
      state.notifying = false;
      return gattOperation(
        state.device,
        GATT,
        () => invoke('notify', state.device.id, state.json.handle, false).catch(() => undefined),
        () => this,
      );
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

  const create = (
    service: EventTarget,
    device: DeviceSlot,
    json: CharacteristicJson,
    generation: number,
  ): EventTarget => {
    const characteristic = new BluetoothRemoteGATTCharacteristic(key);
    slots.characteristics.set(characteristic, {
      service,
      device,
      json,
      generation,
      properties: new BluetoothCharacteristicProperties(key, json.properties),
      value: null,
      notifying: false,
      pending: undefined,
    });
    return characteristic;
  };

  return { BluetoothRemoteGATTCharacteristic, BluetoothCharacteristicProperties, create, notified };
}
