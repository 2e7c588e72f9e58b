/**
 * The only layer with real I/O and real time (architecture.md): the real-time pump that drives a
 * virtual device from the process clock, and snapshot files written atomically; transports chosen
 * by a spec string (`openTransport`), the recorder, and serial links over ptys (docs/transports.md).
 */

export {
  type CaptureFile,
  captureFormatOfPath,
  openCaptureFile,
  readCaptureFile,
  wallClockUs,
} from './capture-file.js';
export {
  type ClockPump,
  type ClockPumpOptions,
  hostRtcSeconds,
  realTimeScheduler,
  startClockPump,
} from './clock-pump.js';
export { TransportError, type TransportErrorCode } from './errors.js';
export {
  createVirtualNoble,
  createVirtualNobleBindings,
  nobleWithBindings,
  VirtualNobleBindings,
  type VirtualNobleBindingsOptions,
} from './noble/index.js';
export { loadRecordedDevice } from './open-replay.js';
export { simDevice } from './open-sim.js';
export type { OpenedTransport, OpenTransportOptions } from './opened.js';
export { importWithOptional, REGISTRY_PACKAGES } from './optional-package.js';
export { loadOverridesFile } from './overrides-file.js';
export {
  createSnapshotWriter,
  isSnapshotTempFile,
  loadSnapshot,
  type SnapshotWriter,
  type SnapshotWriterOptions,
  saveSnapshotAtomic,
  sweepStaleTempFiles,
  type WriteBytes,
} from './persistence.js';
export {
  type BarStream,
  barLine,
  createProgressBar,
  type ProgressBar,
  type ProgressBarOptions,
} from './progress-bar.js';
export { type PumpedDevice, type RealTimePump, type RealTimePumpOptions, startRealTimePump } from './pump.js';
export {
  type RecordedTransport,
  type RecorderOptions,
  type RecordLine,
  recordTransport,
} from './recorder.js';
export { openTransport } from './select.js';
export { openSerialTransport, SerialTransport, type SerialTransportStats } from './serial/client.js';
export {
  type BridgedDevice,
  type DeviceBridgeOptions,
  type DeviceBridgeStats,
  openSerialDevice,
  type SerialDevicePort,
  UsbDeviceBridge,
} from './serial/device-bridge.js';
export { type MockPort, mockPortEndpoint } from './serial/mock-port.js';
export {
  type ByteEndpoint,
  DEFAULT_BAUD_RATE,
  openSerialPort,
  type SerialBinding,
  type SerialOpenOptions,
  streamEndpoint,
} from './serial/port.js';
export { DEVICE_END_SUFFIX, type PtyOptions, type PtyPair, startPtyPair } from './serial/pty.js';
export { type ReportChunk, UsbReportStream } from './serial/report-stream.js';
export { MAX_SEED, parseTransportSpec, type ReplaySpec, type SimSpec, type TransportSpec } from './spec.js';
export { openTraceFile, type TraceFile } from './trace-file.js';
export { PLOT_PACKAGES, renderTraceSvg } from './trace-plot.js';
export { svgToPng } from './trace-png.js';
export {
  type Bluetooth,
  type BluetoothDevice,
  type BluetoothRemoteGATTCharacteristic,
  type BluetoothRemoteGATTServer,
  type BluetoothRemoteGATTService,
  type ChooserOption,
  type ChooserPolicy,
  HubSession,
  type InstallOptions,
  installWebBluetooth,
  type StaticServer,
  serveStatic,
  type WebBluetoothBackend,
  type WebBluetoothEvent,
  WebBluetoothHub,
  type WebBluetoothHubOptions,
} from './webbluetooth/index.js';
