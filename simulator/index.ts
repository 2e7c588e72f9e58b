/** The simulator core: virtual clock, virtual devices, the in-memory link and the client API. */
export {
  ATT_ERROR_INSUFFICIENT_AUTHENTICATION,
  ATT_ERROR_INVALID_ATTRIBUTE_VALUE_LENGTH,
  ATT_ERROR_INVALID_HANDLE,
  ATT_ERROR_WRITE_NOT_PERMITTED,
  type AttPdu,
  decodeAttPdu,
  encodeAttPdu,
} from './att.js';
export { type ClientOptions, type DeviceInformation, IqosClient } from './client.js';
export { type DeadlineSource, type TimerHandle, VirtualClock } from './clock.js';
export {
  createVirtualDevice,
  type DeviceEvent,
  type DeviceSnapshot,
  HANDLES,
  VirtualDevice,
  type VirtualDeviceOptions,
} from './device.js';
export { SimulatorError, type SimulatorErrorCode } from './errors.js';
export { decodeReply, type Exchange, type ExchangeOptions, requestFrame, runExchange } from './exchange.js';
export {
  DEVICE_FAULTS,
  type DeviceFault,
  FaultInjector,
  type FaultInjectorOptions,
  type FaultLogEntry,
  type FaultOptions,
  type FaultTrigger,
  LINK_FAULTS,
  type LinkFault,
  type ScheduledFault,
} from './faults.js';
export {
  AttError,
  type DiscoveredCharacteristic,
  type DiscoveredService,
  GattClient,
  type Scheduler,
} from './gatt-client.js';
export { GattServer, type GattValueSource } from './gatt-server.js';
export { type DeviceIdentity, generateIdentity, softwareRevisionString } from './identity.js';
export { InMemoryLink, type LinkOptions, type LinkTap, runUntilSettled, type Transport } from './link.js';
export { SeededRandom } from './random.js';
export { batteryValue, statusValue } from './records.js';
export {
  type Expectation,
  formatScenarioError,
  parseScenario,
  type RunScenarioOptions,
  runScenario,
  SCENARIO_SCHEMA,
  type Scenario,
  type ScenarioError,
  type ScenarioFailure,
  type ScenarioReport,
  type ScenarioResult,
  type ScenarioStep,
  STEP_KINDS,
  type StepKind,
  type StepReport,
} from './scenario.js';
export { type ScpDiagnostics, ScpResponder } from './scp.js';
export type { Channel, Endpoint, WirePacket } from './wire.js';
