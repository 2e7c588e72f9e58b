/**
 * The only layer with real I/O and real time (architecture.md): the real-time pump that drives a
 * virtual device from the process clock, and snapshot files written atomically.
 */
export { type JsonPosition, jsonErrorPosition } from './json-position.js';
export {
  createSnapshotWriter,
  isSnapshotTempFile,
  loadSnapshot,
  type SnapshotWriter,
  type SnapshotWriterOptions,
  saveSnapshotAtomic,
} from './persistence.js';
export { type PumpedDevice, type RealTimePump, type RealTimePumpOptions, startRealTimePump } from './pump.js';
