/**
 * Web Bluetooth backed by virtual devices (issue #5 item 1): the `navigator.bluetooth` shim, the
 * Node-side hub and chooser, and a static server for pages. The Playwright bridge for real Chromium
 * is its own entry, `./playwright.js`, so that importing this one does not load playwright-core
 * (about 0.5 s).
 */
export { type ScanRecord, scanRecordOf } from './filters.js';
export { WebBluetoothHub, type WebBluetoothHubOptions } from './hub.js';
export type { ChooserOption, ChooserPolicy } from './hub-chooser.js';
export { installWebBluetooth, webBluetoothInitScript } from './install.js';
export { type ChooserCandidate, HubSession } from './session.js';
export { type StaticServer, serveStatic } from './static-server.js';
export type {
  AdapterState,
  Bluetooth,
  BluetoothCharacteristicProperties,
  BluetoothDevice,
  BluetoothRemoteGATTCharacteristic,
  BluetoothRemoteGATTServer,
  BluetoothRemoteGATTService,
  BluetoothUUIDStatic,
  BridgeCall,
  BridgeReply,
  ChannelCall,
  ChannelReply,
  DispatchItem,
  DispatchMessage,
  InstalledWebBluetooth,
  InstallOptions,
  PermittedDeviceJson,
  RequestDeviceOptions,
  RequestDeviceOptionsJson,
  ServiceJson,
  WebBluetoothBackend,
  WebBluetoothEvent,
} from './types.js';
