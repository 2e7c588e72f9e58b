/** noble bindings backed by virtual devices (issue #5 item 2); see docs/noble.md. */

export {
  type AdapterState,
  VirtualNobleAdapter,
  type VirtualNobleBindingsOptions,
} from './adapter.js';
export { createVirtualNobleBindings, VirtualNobleBindings } from './bindings.js';
export {
  HCI_CONNECTION_TIMEOUT,
  HCI_HARDWARE_FAILURE,
  HCI_LOCAL_HOST_TERMINATED,
  HCI_REMOTE_POWER_OFF,
  HCI_REMOTE_USER_TERMINATED,
} from './connection.js';
export { type NobleAdvertisement, nobleAdvertisement, nobleUuid, propertyNames } from './format.js';
export { createVirtualNoble, nobleWithBindings } from './noble.js';
