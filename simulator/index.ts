/** The simulator core: virtual clock, virtual devices, the in-memory link and the client API. */

export {
  BTSNOOP_DATALINK_H4,
  BTSNOOP_EPOCH_DELTA_US,
  btsnoopHeader,
  btsnoopRecord,
  encodeBtsnoop,
  type ReadCapture,
  readBtsnoop,
} from './capture/btsnoop.js';
export type { CaptureResult } from './capture/bytes.js';
export {
  DEFAULT_IGNORES,
  DEFAULT_TIMING_BANDS_MS,
  type Difference,
  type DiffOptions,
  type DiffResult,
  diffTranscripts,
  type FieldDifference,
  type IgnoreRule,
} from './capture/diff.js';
export { CAPTURE_FORMAT, CAPTURE_SCHEMA, CAPTURE_VERSION, type CaptureLine } from './capture/format.js';
export { encodeJsonl, jsonlHeader, jsonlLine, readJsonl } from './capture/jsonl.js';
export { readPcapng } from './capture/pcapng-read.js';
export {
  encodePcapng,
  LINKTYPE_BLUETOOTH_HCI_H4_WITH_PHDR,
  LINKTYPE_USB_LINUX_MMAPPED,
  LINKTYPE_USER0,
  PcapngPackets,
  pcapngHeader,
} from './capture/pcapng-write.js';
export { type CaptureFormat, captureFormatOf, readCapture, scpFrameOf } from './capture/read.js';
export {
  type FieldValue,
  type TranscriptChannel,
  type TranscriptEntry,
  type TranscriptKind,
  transcriptOf,
} from './capture/transcript.js';
export {
  type AdvertisingCapture,
  type AttCapture,
  type BondCapture,
  type CaptureChannel,
  type CaptureDirection,
  type CaptureEvent,
  type CaptureKind,
  CaptureList,
  type CapturePacket,
  type CaptureSink,
  type ConnectCapture,
  type DisconnectCapture,
  type MtuCapture,
  REMOTE_USER_TERMINATED,
  RSSI_UNAVAILABLE,
  type SerialCapture,
  type UsbCapture,
  usOf,
} from './capture-event.js';
export { type ClientOptions, type DeviceInformation, IqosClient } from './client/client.js';
export {
  decodeReply,
  type Exchange,
  type ExchangeOptions,
  requestFrame,
  runExchange,
} from './client/exchange.js';
export {
  AttError,
  type DiscoveredCharacteristic,
  type DiscoveredService,
  GattClient,
  type Scheduler,
} from './client/gatt-client.js';
export {
  type DeadlineSource,
  type HostTurn,
  QUIET_TURNS,
  type TimerHandle,
  VirtualClock,
  type VirtualClockOptions,
} from './clock.js';
export { formatResult, formatSummary, toJunit } from './conformance/report.js';
export { CHECKS, type RunOptions, runConformance } from './conformance/runner.js';
export type {
  Check,
  CheckOutcome,
  CheckResult,
  ConformanceReport,
  ConformanceTarget,
  Mismatch,
} from './conformance/types.js';
export { type VirtualTargetOptions, virtualTarget } from './conformance/virtual-target.js';
export {
  Crowd,
  type CrowdMember,
  type CrowdOptions,
  type CrowdRssiOptions,
  type CrowdSighting,
  createCrowd,
} from './crowd/crowd.js';
export {
  type Advertising,
  type BatteryEvent,
  createVirtualDevice,
  DEFAULT_CENTRAL,
  type DeviceEvent,
  type DeviceSnapshot,
  HANDLES,
  type HeaterEvent,
  type NotifyEvent,
  type PuffEvent,
  VirtualDevice,
  type VirtualDeviceOptions,
  type WatchedEvent,
} from './device/device.js';
export { GattServer, type GattValueSource } from './device/gatt-server.js';
export { type DeviceIdentity, generateIdentity, softwareRevisionString } from './device/identity.js';
export {
  canonicalOverrideKey,
  checkOverrides,
  MAX_TABLE_OVERRIDE_BYTES,
  OVERRIDES_FORMAT,
  parseOverrides,
  type RegisterOverridesFile,
} from './device/overrides.js';
export { batteryValue, statusValue } from './device/records.js';
export {
  type RegisterStoreJson,
  registerKey,
  type ScpDiagnostics,
  ScpResponder,
  tableKey,
} from './device/scp.js';
export type { DeviceScript, ScriptAnswer } from './device/script.js';
export { SimulatorError, type SimulatorErrorCode, type SimulatorErrorDetails } from './errors.js';
export {
  DEVICE_FAULTS,
  type DeviceFault,
  FAULT_GUIDE,
  type FaultAlias,
  type FaultId,
  FaultInjector,
  type FaultInjectorOptions,
  type FaultLogEntry,
  type FaultOptions,
  type FaultRef,
  type FaultTrigger,
  faultIdOf,
  LINK_FAULTS,
  type LinkFault,
  type ScheduledFault,
} from './faults/faults.js';
export {
  createFleet,
  type Fleet,
  type FleetDevice,
  type FleetEvent,
  type FleetOptions,
} from './fleet/fleet.js';
export {
  type BehaviourSpec,
  FLEET_LIMITS,
  FLEET_SCHEMA,
  type FleetFile,
  type FleetSpec,
} from './fleet/format.js';
export { shardRange } from './fleet/identity.js';
export {
  DEFAULT_BEHAVIOURS,
  type FleetError,
  type FleetResult,
  formatFleetError,
  parseFleet,
  resolveFleetSpec,
} from './fleet/spec.js';
export type { FleetStats, IsolatedDevice } from './fleet/stats.js';
export { InMemoryLink, type LinkOptions, type LinkTap, runUntilSettled, type Transport } from './link.js';
export { ListenerSet } from './listeners.js';
export { SeededRandom } from './random.js';
export {
  createReplayDevice,
  type RecordedDevice,
  RecordedScript,
  recordedDeviceOf,
  type UnansweredRequest,
} from './replay/replay.js';
export {
  type Expectation,
  FIRMWARE_INPUT_SCHEMA,
  LIMITS as SCENARIO_LIMITS,
  SCENARIO_SCHEMA,
  type Scenario,
  type ScenarioStep,
  STEP_KINDS,
  type StepKind,
} from './scenario/format.js';
export {
  checkFirmwareInputValue,
  formatScenarioError,
  parseScenario,
  type ScenarioError,
  type ScenarioResult,
} from './scenario/scenario.js';
export type { ScenarioFailure } from './scenario/scenario-expect.js';
export {
  type RunScenarioOptions,
  runScenario,
  type ScenarioProgress,
  type ScenarioReport,
  type StepReport,
} from './scenario/scenario-run.js';
export { checkDocument, type DocumentResult, type PlacedIssue } from './schema/document.js';
export { checkSnapshot, checkSnapshotText } from './schema/snapshot-check.js';
export { DEVICE_SNAPSHOT_SCHEMA, MAX_VIRTUAL_MS } from './schema/snapshot-format.js';
export { type SchemaIssue, schemaChecker } from './schema/validator.js';
export {
  type ChartData,
  chartData,
  type LedSpan,
  type PhaseSpan,
  type SessionEnd,
} from './trace/chart-data.js';
export {
  CSV_COLUMNS,
  TraceBatch,
  type TraceFormat,
  type TraceLines,
  traceFormatOfPath,
  traceLines,
} from './trace/format.js';
export { readTrace, type Trace, TraceCollector } from './trace/read.js';
export { checkTraceRate, TraceSampler, type TraceSamplerOptions } from './trace/sampler.js';
export {
  TRACE_COLUMNS,
  TRACE_DEFAULT_RATE_HZ,
  TRACE_FORMAT,
  TRACE_RATE_MAX_HZ,
  TRACE_RATE_MIN_HZ,
  TRACE_VERSION,
  type TraceEnd,
  type TraceEvent,
  type TraceFaultEvent,
  type TraceHeader,
  type TraceSample,
  type TraceSink,
} from './trace/types.js';
export type { Channel, Endpoint, WirePacket } from './wire.js';
