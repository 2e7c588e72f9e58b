/**
 * The Web Bluetooth shim: a faithful `navigator.bluetooth` (W3C Web Bluetooth CG draft, with
 * Chromium's error names and messages) for the part of the API companion apps use, talking to a
 * JSON backend (`types.ts`). Chromium 156's own emulation (CDP `BluetoothEmulation`) cannot push
 * notifications, hence this.
 *
 * The shim is made of parts (`shim-base.ts`, `shim-uuid.ts`, `shim-options.ts`, `shim-bridge.ts`,
 * `shim-characteristic.ts`, `shim-gatt.ts`, `shim-device.ts`), each ONE self-contained function: everything it uses is
 * defined in its body or passed in, nothing imported is used at run time. `installShim` composes
 * them from a `parts` argument rather than from imports, so that the same source runs in Node
 * (`installWebBluetooth`) and, serialised with `Function.prototype.toString`, as a page init script
 * (`webBluetoothInitScript`, used by `playwright.ts` through `addInitScript`). A bundler would do
 * the same at the cost of a build step and a dependency (docs/decisions.md).
 *
 * Implemented: requestDevice (filters: services, name, namePrefix, manufacturerData, serviceData;
 * exclusionFilters; acceptAllDevices; optionalServices), getDevices, getAvailability, BluetoothDevice
 * (id, name, gatt, forget, gattserverdisconnected), BluetoothRemoteGATTServer, -Service, -Characteristic
 * (value, readValue, writeValue*, start/stopNotifications, characteristicvaluechanged), BluetoothUUID.
 * Not implemented: descriptors, included services, watchAdvertisements/requestLEScan, the blocklist,
 * event bubbling through the Bluetooth tree (Chromium does not bubble either).
 */
import { createShimBase } from './shim-base.js';
import { createShimBridge } from './shim-bridge.js';
import { createShimCharacteristics } from './shim-characteristic.js';
import { createShimDevices } from './shim-device.js';
import { createShimGatt } from './shim-gatt.js';
import { createShimOptions } from './shim-options.js';
import type { ShimSlots } from './shim-types.js';
import { createShimUuids } from './shim-uuid.js';
import type { InstalledWebBluetooth, InstallOptions } from './types.js';

/** The parts, by name; the init script rebuilds this object from their source. */
const SHIM_PARTS = {
  base: createShimBase,
  uuids: createShimUuids,
  options: createShimOptions,
  bridge: createShimBridge,
  characteristics: createShimCharacteristics,
  gatt: createShimGatt,
  devices: createShimDevices,
};
type ShimParts = typeof SHIM_PARTS;

/** Composes the parts and defines the globals. Self-contained: it is serialised too. */
function installShim(scope: object, options: InstallOptions, parts: ShimParts): InstalledWebBluetooth {
  const globals = scope as Record<string, unknown>;
  const navigatorObject = globals.navigator as object | undefined;
  const define = options.define ?? navigatorObject !== undefined;
  const userActivation = (navigatorObject as { userActivation?: { readonly isActive: boolean } } | undefined)
    ?.userActivation;
  const requireUserActivation = options.requireUserActivation ?? userActivation !== undefined;

  const base = parts.base();
  const uuids = parts.uuids(base);
  const { canonicalOptions } = parts.options(base, uuids);
  const bridge = parts.bridge(globals, options, base);
  const slots: ShimSlots = {
    devices: new WeakMap(),
    services: new WeakMap(),
    characteristics: new WeakMap(),
  };
  const gatt = parts.gatt(base, uuids, bridge, slots, parts.characteristics(base, bridge, slots));
  const devices = parts.devices(
    base,
    bridge,
    gatt,
    slots,
    canonicalOptions,
    requireUserActivation ? userActivation : undefined,
    options.backend === undefined,
  );

  const interfaces = {
    Bluetooth: devices.Bluetooth,
    BluetoothDevice: devices.BluetoothDevice,
    BluetoothRemoteGATTServer: gatt.BluetoothRemoteGATTServer,
    BluetoothRemoteGATTService: gatt.BluetoothRemoteGATTService,
    BluetoothRemoteGATTCharacteristic: gatt.BluetoothRemoteGATTCharacteristic,
    BluetoothCharacteristicProperties: gatt.BluetoothCharacteristicProperties,
    BluetoothUUID: uuids.BluetoothUUID,
  };
  for (const [name, webInterface] of Object.entries(interfaces))
    Object.defineProperty(webInterface.prototype, Symbol.toStringTag, { value: name, configurable: true });

  const backend = options.backend;
  if (backend?.subscribe) backend.subscribe(devices.dispatch);
  if (!backend) {
    const dispatchName = options.dispatchName ?? '__iqsimBluetoothDispatch';
    Object.defineProperty(globals, dispatchName, {
      value: devices.dispatch,
      configurable: true,
      writable: true,
    });
    // A new document: the frame's connections from the previous one end, as on navigation in Chromium.
    const binding = globals[options.bindingName ?? '__iqsimBluetooth'];
    if (typeof binding === 'function')
      Promise.resolve(binding({ method: 'reset', args: [], token: bridge.token })).catch(() => undefined);
  }
  if (define) {
    const bluetooth = devices.bluetooth;
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
    bluetooth: devices.bluetooth as unknown as InstalledWebBluetooth['bluetooth'],
    BluetoothUUID: uuids.BluetoothUUID as unknown as InstalledWebBluetooth['BluetoothUUID'],
    dispatch: devices.dispatch,
  };
}

/**
 * Installs the shim on `scope` (Node: pass `options.backend`, e.g. a `HubSession`). Defines
 * `navigator.bluetooth` and the interface globals when the scope has a `navigator` (or `define`).
 */
export function installWebBluetooth(scope: object, options: InstallOptions = {}): InstalledWebBluetooth {
  return installShim(scope, options, SHIM_PARTS);
}

/**
 * The shim as a page init script (for `addInitScript`): the parts' and `installShim`'s own source,
 * called on `globalThis` with `options` (JSON: no backend object in a page). `__name` covers the
 * keepNames helper that esbuild (vitest) inserts into function bodies.
 */
export function webBluetoothInitScript(options: Omit<InstallOptions, 'backend'>): string {
  const parts = Object.entries(SHIM_PARTS)
    .map(([name, part]) => `${name}: (${part.toString()})`)
    .join(',\n');
  return (
    '(() => {\nconst __name = (target) => target;\n' +
    `(${installShim.toString()})(globalThis, ${JSON.stringify(options)}, {\n${parts}\n});\n})();`
  );
}
