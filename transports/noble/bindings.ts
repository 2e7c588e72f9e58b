/**
 * A bindings object for `@stoprocent/noble` 2.8 backed by virtual devices: noble used through its
 * public API (state, scanning, 'discover', connect, discovery, read, write, subscribe, 'data',
 * descriptors, disconnect) sees and talks to `VirtualDevice`s, with no Bluetooth adapter.
 *
 * It is what noble's `Noble` class expects of `lib/hci-socket/bindings.js` or `lib/dbus/bindings.js`:
 * an EventEmitter with the same methods, emitting the same events with the same arguments
 * (`lib/noble.js` `_registerListeners`). Errors ride in the event's error argument where noble has
 * one (the D-Bus bindings' convention), so a `…Async` call rejects instead of hanging. GATT answers
 * come from the discovery done at connect (connection.ts); reads, writes and CCCD writes go to the
 * device as ATT PDUs. This file is the GATT half; adapter.ts has state, scanning and connections.
 */
import { VirtualNobleAdapter, type VirtualNobleBindingsOptions } from './adapter.js';
import type { FoundCharacteristic, VirtualConnection } from './connection.js';
import { nobleUuid, propertyNames } from './format.js';

const CCCD = '2902';

function need(
  connection: VirtualConnection,
  serviceUuid: string,
  characteristicUuid: string,
): FoundCharacteristic {
  const found = connection.characteristic(serviceUuid, characteristicUuid);
  if (!found) throw new Error(`characteristic ${characteristicUuid} not found in service ${serviceUuid}`);
  return found;
}

/** The CCCD's handle: the only descriptor the discovery at connect records. */
function cccdOf(found: FoundCharacteristic, descriptorUuid = CCCD): number {
  const handle = found.characteristic.cccdHandle;
  if (nobleUuid(descriptorUuid) !== CCCD || handle === undefined)
    throw new Error(`descriptor ${descriptorUuid} not found on characteristic ${found.characteristic.uuid}`);
  return handle;
}

/** noble's write accepts a Buffer, Uint8Array, Uint16Array or Uint32Array: its bytes, copied. */
function bytesOf(data: ArrayBufferView): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class VirtualNobleBindings extends VirtualNobleAdapter {
  // ---- GATT -------------------------------------------------------------------------------------

  discoverServices(peripheralUuid: string, uuids?: readonly string[]): void {
    const id = this.addressToId(peripheralUuid);
    const wanted = (uuids ?? []).map(nobleUuid);
    this.run(
      id,
      async (connection) => connection.services,
      (services) => {
        const all = services.map((s) => ({
          uuid: nobleUuid(s.uuid),
          startHandle: s.startHandle,
          endHandle: s.endHandle,
        }));
        this.emit('servicesDiscovered', id, all);
        const found = all.map((s) => s.uuid).filter((uuid) => wanted.length === 0 || wanted.includes(uuid));
        this.emit('servicesDiscover', id, found);
      },
      (error) => this.emit('servicesDiscover', id, [], error),
    );
  }

  discoverIncludedServices(
    peripheralUuid: string,
    serviceUuid: string,
    _serviceUuids?: readonly string[],
  ): void {
    const id = this.addressToId(peripheralUuid);
    // The IQOS table has no included services (docs/protocol.md §3.2).
    this.run(
      id,
      async () => [],
      (included: string[]) => this.emit('includedServicesDiscover', id, serviceUuid, included),
      (error) => this.emit('includedServicesDiscover', id, serviceUuid, [], error),
    );
  }

  discoverCharacteristics(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuids?: readonly string[],
  ): void {
    const id = this.addressToId(peripheralUuid);
    const wanted = (characteristicUuids ?? []).map(nobleUuid);
    this.run(
      id,
      async (connection) => {
        const service = connection.service(serviceUuid);
        if (!service) throw new Error(`service ${serviceUuid} not found`);
        return service.characteristics;
      },
      (characteristics) => {
        const raw = characteristics.map((c) => ({
          startHandle: c.declarationHandle,
          properties: c.properties,
          valueHandle: c.valueHandle,
          uuid: nobleUuid(c.uuid),
          propsDecoded: propertyNames(c.properties),
          rawProps: c.properties,
        }));
        this.emit('characteristicsDiscovered', id, serviceUuid, raw);
        const found = raw
          .filter((c) => wanted.length === 0 || wanted.includes(c.uuid))
          .map((c) => ({ uuid: c.uuid, properties: c.propsDecoded }));
        this.emit('characteristicsDiscover', id, serviceUuid, found);
      },
      (error) => this.emit('characteristicsDiscover', id, serviceUuid, [], error),
    );
  }

  read(peripheralUuid: string, serviceUuid: string, characteristicUuid: string): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      (c) => c.client.read(need(c, serviceUuid, characteristicUuid).characteristic.valueHandle),
      (value) => this.emit('read', id, serviceUuid, characteristicUuid, Buffer.from(value), false),
      (error) => this.emit('read', id, serviceUuid, characteristicUuid, Buffer.alloc(0), false, error),
    );
  }

  write(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    data: ArrayBufferView,
    withoutResponse: boolean,
  ): void {
    const id = this.addressToId(peripheralUuid);
    const bytes = bytesOf(data);
    this.run(
      id,
      (c) =>
        c.client.write(
          need(c, serviceUuid, characteristicUuid).characteristic.valueHandle,
          bytes,
          !withoutResponse,
        ),
      () => this.emit('write', id, serviceUuid, characteristicUuid),
      (error) => this.emit('write', id, serviceUuid, characteristicUuid, error),
    );
  }

  broadcast(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    _broadcast: boolean,
  ): void {
    // No IQOS characteristic has the broadcast property (docs/protocol.md §3.2); report it off, as the D-Bus
    // bindings do.
    setImmediate(() =>
      this.emit('broadcast', this.addressToId(peripheralUuid), serviceUuid, characteristicUuid, false),
    );
  }

  /** Writes the CCCD: 0x0001 (notify) or 0x0002 (indicate-only characteristics) to enable, 0 to disable. */
  notify(peripheralUuid: string, serviceUuid: string, characteristicUuid: string, notify: boolean): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      async (c) => {
        const found = need(c, serviceUuid, characteristicUuid);
        const properties = found.characteristic.properties;
        const value = !notify ? 0 : properties & 0x10 ? 1 : properties & 0x20 ? 2 : 0;
        await c.client.write(cccdOf(found), Uint8Array.of(value, 0));
      },
      () => this.emit('notify', id, serviceUuid, characteristicUuid, notify),
      (error) => this.emit('notify', id, serviceUuid, characteristicUuid, false, error),
    );
  }

  /** Only the CCCD is known (the discovery at connect looks for nothing else); the IQOS table has no other. */
  discoverDescriptors(peripheralUuid: string, serviceUuid: string, characteristicUuid: string): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      async (c) => need(c, serviceUuid, characteristicUuid),
      (found) =>
        this.emit(
          'descriptorsDiscover',
          id,
          serviceUuid,
          characteristicUuid,
          found.characteristic.cccdHandle === undefined ? [] : [CCCD],
        ),
      (error) => this.emit('descriptorsDiscover', id, serviceUuid, characteristicUuid, [], error),
    );
  }

  readValue(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
  ): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      (c) => c.client.read(cccdOf(need(c, serviceUuid, characteristicUuid), descriptorUuid)),
      (value) =>
        this.emit('valueRead', id, serviceUuid, characteristicUuid, descriptorUuid, Buffer.from(value)),
      (error) =>
        this.emit('valueRead', id, serviceUuid, characteristicUuid, descriptorUuid, Buffer.alloc(0), error),
    );
  }

  writeValue(
    peripheralUuid: string,
    serviceUuid: string,
    characteristicUuid: string,
    descriptorUuid: string,
    data: ArrayBufferView,
  ): void {
    const id = this.addressToId(peripheralUuid);
    const bytes = bytesOf(data);
    this.run(
      id,
      (c) => c.client.write(cccdOf(need(c, serviceUuid, characteristicUuid), descriptorUuid), bytes),
      () => this.emit('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid),
      (error) => this.emit('valueWrite', id, serviceUuid, characteristicUuid, descriptorUuid, error),
    );
  }

  readHandle(peripheralUuid: string, handle: number): void {
    const id = this.addressToId(peripheralUuid);
    this.run(
      id,
      (c) => c.client.read(handle),
      (value) => this.emit('handleRead', id, handle, Buffer.from(value)),
      (error) => this.emit('handleRead', id, handle, Buffer.alloc(0), error),
    );
  }

  writeHandle(peripheralUuid: string, handle: number, data: ArrayBufferView, withoutResponse: boolean): void {
    const id = this.addressToId(peripheralUuid);
    const bytes = bytesOf(data);
    this.run(
      id,
      (c) => c.client.write(handle, bytes, !withoutResponse),
      () => this.emit('handleWrite', id, handle),
      (error) => this.emit('handleWrite', id, handle, error),
    );
  }
}

export function createVirtualNobleBindings(options: VirtualNobleBindingsOptions): VirtualNobleBindings {
  return new VirtualNobleBindings(options);
}
