/**
 * The Web Bluetooth shim: a faithful `navigator.bluetooth` (W3C Web Bluetooth draft, with
 * Chromium's error names and messages) for the part of the API companion apps use, talking to a
 * JSON backend (`types.ts`). Chromium 156's own emulation (CDP `BluetoothEmulation`) cannot push
 * notifications, hence this.
 *
 * `installWebBluetooth` is ONE self-contained function: every class and helper is defined inside
 * its body and nothing imported is used at run time, because Playwright serialises it with
 * `Function.prototype.toString` into an init script that runs in the page before any page script
 * (`playwright.ts`). Node calls it directly with `options.backend`. Consequently this file is long
 * (house rule 11 exception): it cannot be split without breaking the serialisation.
 *
 * Implemented: requestDevice (filters: services, name, namePrefix, manufacturerData, serviceData;
 * exclusionFilters; acceptAllDevices; optionalServices), getDevices, getAvailability, BluetoothDevice
 * (id, name, gatt, forget, gattserverdisconnected), BluetoothRemoteGATTServer, -Service, -Characteristic
 * (value, readValue, writeValue*, start/stopNotifications, characteristicvaluechanged), BluetoothUUID.
 * Not implemented: descriptors, included services, watchAdvertisements/requestLEScan, the blocklist,
 * event bubbling through the Bluetooth tree (Chromium does not bubble either).
 */
import type {
  BackendMethod,
  BridgeReply,
  CharacteristicJson,
  InstalledWebBluetooth,
  InstallOptions,
  ManufacturerDataFilterJson,
  PermittedDeviceJson,
  RequestDeviceOptionsJson,
  ScanFilterJson,
  ServiceDataFilterJson,
  ServiceJson,
  WebBluetoothEvent,
} from './types.js';

export function installWebBluetooth(scope: object, options: InstallOptions = {}): InstalledWebBluetooth {
  const globals = scope as Record<string, unknown>;
  const bindingName = options.bindingName ?? '__iqsimBluetooth';
  const dispatchName = options.dispatchName ?? '__iqsimBluetoothDispatch';
  const navigatorObject = globals.navigator as object | undefined;
  const define = options.define ?? navigatorObject !== undefined;
  const userActivation = (navigatorObject as { userActivation?: { readonly isActive: boolean } } | undefined)
    ?.userActivation;
  const requireUserActivation = options.requireUserActivation ?? userActivation !== undefined;
  const backend = options.backend;

  // ---- Errors: DOMException names as the spec and Chromium use them. ----
  const DOM_ERROR_NAMES = new Set([
    'NotFoundError',
    'SecurityError',
    'NetworkError',
    'NotSupportedError',
    'InvalidStateError',
    'InvalidModificationError',
    'AbortError',
    'NotAllowedError',
    'OperationError',
    'TimeoutError',
  ]);
  const domError = (name: string, message: string): Error =>
    name === 'TypeError' ? new TypeError(message) : new DOMException(message, name);
  const asWebError = (error: unknown): Error => {
    if (error instanceof DOMException || error instanceof TypeError) return error;
    const named = error as { name?: unknown; message?: unknown } | null;
    const name = typeof named?.name === 'string' ? named.name : '';
    const message = typeof named?.message === 'string' ? named.message : String(error);
    return DOM_ERROR_NAMES.has(name) || name === 'TypeError'
      ? domError(name, message)
      : domError('NetworkError', message);
  };
  const notConnected = (what: string): Error =>
    domError(
      'NetworkError',
      `GATT Server is disconnected. Cannot ${what}. (Re)connect first with \`device.gatt.connect\`.`,
    );
  const NOT_PERMITTED = 'GATT operation not permitted.';

  // ---- UUIDs (§6.1 BluetoothUUID): numbers are aliases, strings are lower-case UUIDs or names. ----
  const BASE_UUID_SUFFIX = '-0000-1000-8000-00805f9b34fb';
  const VALID_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const SERVICE_NAMES = new Map<string, number>([
    ['generic_access', 0x1800],
    ['generic_attribute', 0x1801],
    ['immediate_alert', 0x1802],
    ['link_loss', 0x1803],
    ['tx_power', 0x1804],
    ['current_time', 0x1805],
    ['device_information', 0x180a],
    ['heart_rate', 0x180d],
    ['battery_service', 0x180f],
    ['human_interface_device', 0x1812],
    ['environmental_sensing', 0x181a],
    ['user_data', 0x181c],
  ]);
  const CHARACTERISTIC_NAMES = new Map<string, number>([
    ['gap.device_name', 0x2a00],
    ['gap.appearance', 0x2a01],
    ['gap.peripheral_preferred_connection_parameters', 0x2a04],
    ['gatt.service_changed', 0x2a05],
    ['tx_power_level', 0x2a07],
    ['battery_level', 0x2a19],
    ['system_id', 0x2a23],
    ['model_number_string', 0x2a24],
    ['serial_number_string', 0x2a25],
    ['firmware_revision_string', 0x2a26],
    ['hardware_revision_string', 0x2a27],
    ['software_revision_string', 0x2a28],
    ['manufacturer_name_string', 0x2a29],
    ['heart_rate_measurement', 0x2a37],
    ['pnp_id', 0x2a50],
  ]);
  const DESCRIPTOR_NAMES = new Map<string, number>([
    ['gatt.characteristic_extended_properties', 0x2900],
    ['gatt.characteristic_user_description', 0x2901],
    ['gatt.client_characteristic_configuration', 0x2902],
    ['gatt.server_characteristic_configuration', 0x2903],
    ['gatt.characteristic_presentation_format', 0x2904],
  ]);
  const canonicalUUID = (alias: number): string =>
    (Number(alias) >>> 0).toString(16).padStart(8, '0') + BASE_UUID_SUFFIX;
  const resolveUuid = (
    name: unknown,
    names: Map<string, number>,
    kind: 'Service' | 'Characteristic' | 'Descriptor',
    example: string,
  ): string => {
    if (typeof name === 'number') return canonicalUUID(name);
    const text = String(name);
    if (VALID_UUID.test(text)) return text;
    const alias = names.get(text);
    if (alias !== undefined) return canonicalUUID(alias);
    throw new TypeError(
      `Failed to execute 'get${kind}' on 'BluetoothUUID': Invalid ${kind} name: '${text}'. It must be a ` +
        "valid UUID alias (e.g. 0x1234), UUID (lowercase hex characters e.g. '00001234-0000-1000-8000-" +
        "00805f9b34fb'), or recognized standard name from https://www.bluetooth.com/specifications/gatt/" +
        `${kind.toLowerCase()}s e.g. '${example}'.`,
    );
  };
  const getService = (name: unknown) => resolveUuid(name, SERVICE_NAMES, 'Service', 'alert_notification');
  const getCharacteristic = (name: unknown) =>
    resolveUuid(name, CHARACTERISTIC_NAMES, 'Characteristic', 'aerobic_heart_rate_lower_limit');
  const getDescriptor = (name: unknown) =>
    resolveUuid(name, DESCRIPTOR_NAMES, 'Descriptor', 'gatt.characteristic_presentation_format');

  const key = Symbol('iqsim.webbluetooth');
  const illegal = (given: unknown): void => {
    if (given !== key) throw new TypeError('Illegal constructor');
  };

  class BluetoothUUID {
    constructor(given?: unknown) {
      illegal(given);
    }
    static getService(name: unknown): string {
      return getService(name);
    }
    static getCharacteristic(name: unknown): string {
      return getCharacteristic(name);
    }
    static getDescriptor(name: unknown): string {
      return getDescriptor(name);
    }
    static canonicalUUID(alias: number): string {
      return canonicalUUID(alias);
    }
  }

  // ---- Bytes: BufferSource in (copied, §"a copy of the bytes held"), DataView out. ----
  const tag = (value: unknown): string => Object.prototype.toString.call(value);
  const bytesOf = (value: unknown, where: string): number[] => {
    if (ArrayBuffer.isView(value) && tag(value.buffer) !== '[object SharedArrayBuffer]')
      return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (tag(value) === '[object ArrayBuffer]') return Array.from(new Uint8Array(value as ArrayBuffer));
    throw new TypeError(`${where}: The provided value is not of type '(ArrayBuffer or ArrayBufferView)'.`);
  };
  /** A DataView over an ArrayBuffer of exactly the value's length (apps read `value.buffer`). */
  const viewOf = (bytes: readonly number[]): DataView => {
    const buffer = new ArrayBuffer(bytes.length);
    new Uint8Array(buffer).set(bytes);
    return new DataView(buffer);
  };

  // ---- requestDevice options (§4.1 "canonicalizing" the options and each filter). ----
  const REQUEST = "Failed to execute 'requestDevice' on 'Bluetooth': ";
  const sequence = (value: unknown, what: string): unknown[] => {
    const iterable = value as { [Symbol.iterator]?: unknown } | null;
    if (iterable === null || typeof iterable !== 'object' || typeof iterable[Symbol.iterator] !== 'function')
      throw new TypeError(`${REQUEST}'${what}' is not iterable.`);
    return Array.from(iterable as Iterable<unknown>);
  };
  const dictionary = (value: unknown, what: string): Record<string, unknown> => {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object')
      throw new TypeError(`${REQUEST}The provided value is not of type '${what}'.`);
    return value as Record<string, unknown>;
  };
  const utf8Length = (text: string): number => new TextEncoder().encode(text).length;
  const dataFilter = (raw: Record<string, unknown>): { dataPrefix: number[]; mask: number[] } => {
    const dataPrefix = raw.dataPrefix === undefined ? [] : bytesOf(raw.dataPrefix, REQUEST.slice(0, -2));
    const mask =
      raw.mask === undefined ? dataPrefix.map(() => 0xff) : bytesOf(raw.mask, REQUEST.slice(0, -2));
    if (mask.length !== dataPrefix.length)
      throw new TypeError(`${REQUEST}'mask' size must be equal to 'dataPrefix' size.`);
    return { dataPrefix, mask };
  };
  const canonicalFilter = (raw: unknown, list: string): ScanFilterJson => {
    const filter = dictionary(raw, 'BluetoothLEScanFilterInit');
    const members = ['services', 'name', 'namePrefix', 'manufacturerData', 'serviceData'];
    if (!members.some((m) => filter[m] !== undefined))
      throw new TypeError(`${REQUEST}A filter must restrict the devices in some way.`);
    const out: {
      services?: string[];
      name?: string;
      namePrefix?: string;
      manufacturerData?: ManufacturerDataFilterJson[];
      serviceData?: ServiceDataFilterJson[];
    } = {};
    if (filter.services !== undefined) {
      const services = sequence(filter.services, `${list}.services`);
      if (services.length === 0)
        throw new TypeError(`${REQUEST}'services', if present, must contain at least one service.`);
      out.services = services.map(getService);
    }
    if (filter.name !== undefined) {
      out.name = String(filter.name);
      if (utf8Length(out.name) > 248)
        throw new TypeError(`${REQUEST}A device name can't be longer than 248 bytes.`);
    }
    if (filter.namePrefix !== undefined) {
      out.namePrefix = String(filter.namePrefix);
      if (out.namePrefix.length === 0)
        throw new TypeError(`${REQUEST}'namePrefix', if present, must be non-empty.`);
      if (utf8Length(out.namePrefix) > 248)
        throw new TypeError(`${REQUEST}A device name can't be longer than 248 bytes.`);
    }
    if (filter.manufacturerData !== undefined) {
      const entries = sequence(filter.manufacturerData, `${list}.manufacturerData`);
      if (entries.length === 0)
        throw new TypeError(`${REQUEST}'manufacturerData', if present, must be non-empty to filter devices.`);
      const seen = new Set<number>();
      out.manufacturerData = entries.map((entry) => {
        const data = dictionary(entry, 'BluetoothManufacturerDataFilterInit');
        if (data.companyIdentifier === undefined)
          throw new TypeError(
            "Failed to read the 'companyIdentifier' property from 'BluetoothManufacturerDataFilterInit': " +
              'Required member is undefined.',
          );
        const companyIdentifier = Number(data.companyIdentifier) & 0xffff;
        if (seen.has(companyIdentifier))
          throw new TypeError(`${REQUEST}'manufacturerData' cannot contain duplicate company identifiers.`);
        seen.add(companyIdentifier);
        return { companyIdentifier, ...dataFilter(data) };
      });
    }
    if (filter.serviceData !== undefined) {
      const entries = sequence(filter.serviceData, `${list}.serviceData`);
      if (entries.length === 0)
        throw new TypeError(`${REQUEST}'serviceData', if present, must be non-empty to filter devices.`);
      out.serviceData = entries.map((entry) => {
        const data = dictionary(entry, 'BluetoothServiceDataFilterInit');
        return { service: getService(data.service), ...dataFilter(data) };
      });
    }
    return out;
  };
  const canonicalOptions = (raw: unknown): RequestDeviceOptionsJson => {
    const o = dictionary(raw, 'RequestDeviceOptions');
    const hasFilters = o.filters !== undefined;
    const acceptAllDevices = Boolean(o.acceptAllDevices);
    if (o.exclusionFilters !== undefined && !hasFilters)
      throw new TypeError(`${REQUEST}'filters' member must be present if 'exclusionFilters' is present.`);
    if (hasFilters === acceptAllDevices)
      throw new TypeError(
        `${REQUEST}Either 'filters' should be present or 'acceptAllDevices' should be true, but not both.`,
      );
    const out: {
      filters?: ScanFilterJson[];
      exclusionFilters?: ScanFilterJson[];
      acceptAllDevices: boolean;
      optionalServices: string[];
      optionalManufacturerData: number[];
    } = { acceptAllDevices, optionalServices: [], optionalManufacturerData: [] };
    if (hasFilters) {
      const filters = sequence(o.filters, 'filters');
      if (filters.length === 0)
        throw new TypeError(`${REQUEST}'filters' member must be non-empty to find any devices.`);
      out.filters = filters.map((f) => canonicalFilter(f, 'filters'));
    }
    if (o.exclusionFilters !== undefined) {
      const exclusions = sequence(o.exclusionFilters, 'exclusionFilters');
      if (exclusions.length === 0)
        throw new TypeError(`${REQUEST}'exclusionFilters' member must be non-empty to exclude any device.`);
      out.exclusionFilters = exclusions.map((f) => canonicalFilter(f, 'exclusionFilters'));
    }
    if (o.optionalServices !== undefined)
      out.optionalServices = sequence(o.optionalServices, 'optionalServices').map(getService);
    if (o.optionalManufacturerData !== undefined)
      out.optionalManufacturerData = sequence(o.optionalManufacturerData, 'optionalManufacturerData').map(
        (id) => Number(id) & 0xffff,
      );
    return out;
  };

  // ---- The backend: an object (Node) or the Playwright binding (page). ----
  const invoke = async <T>(method: BackendMethod, ...args: unknown[]): Promise<T> => {
    try {
      if (backend) {
        const fn = backend[method] as (...a: unknown[]) => Promise<T>;
        return await fn.apply(backend, args);
      }
      const binding = globals[bindingName];
      if (typeof binding !== 'function') throw domError('NotFoundError', 'Bluetooth adapter not available.');
      const reply = (await binding({ method, args })) as BridgeReply;
      if (!reply.ok) throw domError(reply.name, reply.message);
      return reply.value as T;
    } catch (error) {
      throw asWebError(error);
    }
  };

  // ---- Event handler attributes (`ongattserverdisconnected` …), in order of first assignment. ----
  const handlers = new WeakMap<EventTarget, Map<string, { fn: unknown }>>();
  const defineHandler = (proto: object, type: string): void => {
    Object.defineProperty(proto, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: EventTarget) {
        return handlers.get(this)?.get(type)?.fn ?? null;
      },
      set(this: EventTarget, fn: unknown) {
        let byType = handlers.get(this);
        if (!byType) {
          byType = new Map();
          handlers.set(this, byType);
        }
        let entry = byType.get(type);
        if (!entry) {
          const created = { fn: null as unknown };
          entry = created;
          byType.set(type, created);
          this.addEventListener(type, (event) => {
            if (typeof created.fn === 'function') created.fn.call(this, event);
          });
        }
        entry.fn = typeof fn === 'function' ? fn : null;
      },
    });
  };
  const fire = (target: EventTarget, type: string): void => {
    target.dispatchEvent(new Event(type, { bubbles: true }));
  };

  // ---- Internal state of each object, kept out of the page's sight. ----
  interface DeviceSlot {
    readonly id: string;
    readonly device: BluetoothDevice;
    readonly server: BluetoothRemoteGATTServer;
    name: string | null;
    allowed: Set<string>;
    connected: boolean;
    /** Bumped on every connect and disconnect: attributes of an older connection are stale. */
    generation: number;
    /** Bumped by `disconnect()`, which aborts a `connect()` in flight. */
    connectEpoch: number;
    discovery: Promise<ServiceJson[]> | undefined;
    readonly services: Map<number, BluetoothRemoteGATTService>;
    readonly characteristics: Map<number, BluetoothRemoteGATTCharacteristic>;
  }
  interface ServiceSlot {
    readonly device: DeviceSlot;
    readonly json: ServiceJson;
    readonly generation: number;
  }
  interface CharacteristicSlot {
    readonly service: BluetoothRemoteGATTService;
    readonly device: DeviceSlot;
    readonly json: CharacteristicJson;
    readonly generation: number;
    readonly properties: BluetoothCharacteristicProperties;
    value: DataView | null;
    notifying: boolean;
  }
  const deviceSlots = new WeakMap<object, DeviceSlot>();
  const serviceSlots = new WeakMap<object, ServiceSlot>();
  const characteristicSlots = new WeakMap<object, CharacteristicSlot>();
  const slot = <T>(map: WeakMap<object, T>, target: object): T => {
    const found = map.get(target);
    if (!found) throw new TypeError('Illegal invocation');
    return found;
  };
  const devices = new Map<string, BluetoothDevice>();

  const deviceFor = (json: PermittedDeviceJson): BluetoothDevice => {
    let device = devices.get(json.id);
    if (!device) {
      device = new BluetoothDevice(key, json.id);
      devices.set(json.id, device);
    }
    const state = slot(deviceSlots, device);
    state.name = json.name;
    const allowed = new Set(json.allowedServices);
    // A wider grant: the backend lists more services now, so discover again.
    if (allowed.size !== state.allowed.size || [...allowed].some((uuid) => !state.allowed.has(uuid)))
      state.discovery = undefined;
    state.allowed = allowed;
    return device;
  };

  /** §"clean up the disconnected device": attributes become stale, then `gattserverdisconnected`. */
  const cleanUp = (state: DeviceSlot): void => {
    state.connected = false;
    state.generation++;
    state.discovery = undefined;
    for (const characteristic of state.characteristics.values())
      slot(characteristicSlots, characteristic).notifying = false;
    state.services.clear();
    state.characteristics.clear();
    fire(state.device, 'gattserverdisconnected');
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
      if (requireUserActivation && userActivation && !userActivation.isActive)
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
      const server = new BluetoothRemoteGATTServer(key, this);
      deviceSlots.set(this, {
        id: String(id),
        device: this,
        server,
        name: null,
        allowed: new Set(),
        connected: false,
        generation: 0,
        connectEpoch: 0,
        discovery: undefined,
        services: new Map(),
        characteristics: new Map(),
      });
    }
    get id(): string {
      return slot(deviceSlots, this).id;
    }
    get name(): string | null {
      return slot(deviceSlots, this).name;
    }
    get gatt(): BluetoothRemoteGATTServer {
      return slot(deviceSlots, this).server;
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
      const state = slot(deviceSlots, this);
      this.gatt.disconnect();
      await invoke('forget', state.id);
      devices.delete(state.id);
    }
  }
  defineHandler(BluetoothDevice.prototype, 'gattserverdisconnected');
  defineHandler(BluetoothDevice.prototype, 'advertisementreceived');

  const serverDevices = new WeakMap<object, BluetoothDevice>();
  const serverState = (server: object): DeviceSlot => slot(deviceSlots, slot(serverDevices, server));

  class BluetoothRemoteGATTServer {
    constructor(given?: unknown, device?: BluetoothDevice) {
      illegal(given);
      serverDevices.set(this, device as BluetoothDevice);
    }
    get device(): BluetoothDevice {
      return slot(serverDevices, this);
    }
    get connected(): boolean {
      return serverState(this).connected;
    }
    connect(): Promise<BluetoothRemoteGATTServer> {
      const state = serverState(this);
      const epoch = state.connectEpoch;
      return (async () => {
        if (state.connected) return this;
        await invoke('connect', state.id);
        if (epoch !== state.connectEpoch) {
          invoke('disconnect', state.id).catch(() => undefined);
          throw domError('AbortError', 'Connection is aborted because disconnect() was called.');
        }
        if (!state.connected) {
          state.connected = true;
          state.generation++;
        }
        return this;
      })();
    }
    disconnect(): void {
      const state = serverState(this);
      state.connectEpoch++;
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
    if (!state.connected) throw notConnected('retrieve services');
    const generation = state.generation;
    state.discovery ??= invoke<ServiceJson[]>('services', state.id);
    const discovery = state.discovery;
    let discovered: ServiceJson[];
    try {
      discovered = await discovery;
    } catch (error) {
      if (state.discovery === discovery) state.discovery = undefined;
      throw error;
    }
    if (!state.connected || state.generation !== generation) throw notConnected('retrieve services');
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
      let service = state.services.get(json.handle);
      if (!service) {
        service = new BluetoothRemoteGATTService(key, { device: state, json, generation });
        state.services.set(json.handle, service);
      }
      return service;
    });
  };

  class BluetoothRemoteGATTService extends EventTarget {
    constructor(given?: unknown, init?: ServiceSlot) {
      illegal(given);
      super();
      serviceSlots.set(this, init as ServiceSlot);
    }
    get device(): BluetoothDevice {
      return slot(serviceSlots, this).device.device;
    }
    get uuid(): string {
      return slot(serviceSlots, this).json.uuid;
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

  const characteristicsOf = async (
    service: BluetoothRemoteGATTService,
    requested: unknown,
    single: boolean,
  ): Promise<BluetoothRemoteGATTCharacteristic[]> => {
    const state = slot(serviceSlots, service);
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
      let characteristic = device.characteristics.get(json.handle);
      if (!characteristic) {
        characteristic = new BluetoothRemoteGATTCharacteristic(key, {
          service,
          device,
          json,
          generation: state.generation,
          properties: new BluetoothCharacteristicProperties(key, json.properties),
          value: null,
          notifying: false,
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
    const state = slot(characteristicSlots, characteristic);
    if (!state.device.connected) throw notConnected('perform GATT operations');
    if (state.generation !== state.device.generation)
      throw domError('InvalidStateError', 'GATT Characteristic no longer exists.');
    return state;
  };
  const stillLive = (state: CharacteristicSlot): void => {
    if (!state.device.connected || state.generation !== state.device.generation)
      throw notConnected('perform GATT operations');
  };
  const WRITE = "Failed to execute 'writeValue' on 'BluetoothRemoteGATTCharacteristic'";

  class BluetoothRemoteGATTCharacteristic extends EventTarget {
    constructor(given?: unknown, init?: CharacteristicSlot) {
      illegal(given);
      super();
      characteristicSlots.set(this, init as CharacteristicSlot);
    }
    get service(): BluetoothRemoteGATTService {
      return slot(characteristicSlots, this).service;
    }
    get uuid(): string {
      return slot(characteristicSlots, this).json.uuid;
    }
    get properties(): BluetoothCharacteristicProperties {
      return slot(characteristicSlots, this).properties;
    }
    get value(): DataView | null {
      return slot(characteristicSlots, this).value;
    }
    async readValue(): Promise<DataView> {
      const state = live(this);
      if (!state.properties.read) throw domError('NotSupportedError', NOT_PERMITTED);
      const bytes = await invoke<number[]>('read', state.device.id, state.json.handle);
      stillLive(state);
      // A read updates `value` and fires characteristicvaluechanged, as a notification does (§5.6.4).
      state.value = viewOf(bytes);
      fire(this, 'characteristicvaluechanged');
      return state.value;
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
      await invoke('write', state.device.id, state.json.handle, bytes, withResponse);
      stillLive(state);
      state.value = viewOf(bytes);
    }
    async startNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
      const state = live(this);
      if (!(state.properties.notify || state.properties.indicate))
        throw domError('NotSupportedError', NOT_PERMITTED);
      // Active before the CCCD write completes: a device may notify its value right after the response.
      const wasNotifying = state.notifying;
      state.notifying = true;
      try {
        await invoke('notify', state.device.id, state.json.handle, true);
      } catch (error) {
        state.notifying = wasNotifying;
        throw error;
      }
      stillLive(state);
      return this;
    }
    async stopNotifications(): Promise<BluetoothRemoteGATTCharacteristic> {
      const state = slot(characteristicSlots, this);
      state.notifying = false;
      if (state.device.connected && state.generation === state.device.generation)
        await invoke('notify', state.device.id, state.json.handle, false);
      return this;
    }
    getDescriptor(): Promise<never> {
      return Promise.reject(domError('NotSupportedError', 'Descriptors are not implemented by iqsim.'));
    }
    getDescriptors(): Promise<never> {
      return Promise.reject(domError('NotSupportedError', 'Descriptors are not implemented by iqsim.'));
    }
  }
  defineHandler(BluetoothRemoteGATTCharacteristic.prototype, 'characteristicvaluechanged');

  const interfaces = {
    Bluetooth,
    BluetoothDevice,
    BluetoothRemoteGATTServer,
    BluetoothRemoteGATTService,
    BluetoothRemoteGATTCharacteristic,
    BluetoothCharacteristicProperties,
    BluetoothUUID,
  };
  for (const [name, webInterface] of Object.entries(interfaces))
    Object.defineProperty(webInterface.prototype, Symbol.toStringTag, { value: name, configurable: true });

  const bluetooth = new Bluetooth(key);

  /** A backend event: a notification for a characteristic the page listens to, or a dropped link. */
  const dispatch = (event: WebBluetoothEvent): void => {
    const device = devices.get(event.id);
    if (!device) return;
    const state = slot(deviceSlots, device);
    if (!state.connected) return;
    if (event.type === 'disconnected') {
      cleanUp(state);
      return;
    }
    const characteristic = state.characteristics.get(event.handle);
    if (!characteristic) return;
    const c = slot(characteristicSlots, characteristic);
    if (!c.notifying) return;
    c.value = viewOf(event.bytes);
    fire(characteristic, 'characteristicvaluechanged');
  };

  if (backend?.subscribe) backend.subscribe(dispatch);
  if (!backend) {
    Object.defineProperty(globals, dispatchName, { value: dispatch, configurable: true, writable: true });
    // A new document: the frame's connections from the previous one end, as on navigation in Chromium.
    const binding = globals[bindingName];
    if (typeof binding === 'function')
      Promise.resolve(binding({ method: 'reset', args: [] })).catch(() => undefined);
  }
  if (define) {
    if (navigatorObject)
      Object.defineProperty(navigatorObject, 'bluetooth', {
        configurable: true,
        enumerable: true,
        get: () => bluetooth,
      });
    for (const [name, webInterface] of Object.entries(interfaces))
      Object.defineProperty(globals, name, { value: webInterface, configurable: true, writable: true });
  }
  return {
    bluetooth: bluetooth as unknown as InstalledWebBluetooth['bluetooth'],
    BluetoothUUID,
    dispatch,
  };
}
