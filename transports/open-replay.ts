/**
 * `replay:<capture>`: the device a capture file recorded, served in process (docs/captures.md
 * "Replay"). The file is read whole; a bad one is its SIM_CAPTURE_* error, a capture with nothing to
 * replay SIM_REPLAY_EMPTY, one that does not say its model (and no `model=`) SIM_REPLAY_MODEL.
 */
import {
  type CaptureSink,
  createReplayDevice,
  type RecordedDevice,
  recordedDeviceOf,
} from '../simulator/index.js';
import { readCaptureFile } from './capture-file.js';
import { openDevice } from './open-sim.js';
import type { RawOpen } from './opened.js';
import type { ReplaySpec } from './spec.js';

/** Reads a capture file into a recorded device; throws the reader's or the replay's SimulatorError. */
export async function loadRecordedDevice(path: string, model?: string): Promise<RecordedDevice> {
  const read = await readCaptureFile(path);
  if (!read.ok) throw read.error;
  return recordedDeviceOf(read.value.events, model);
}

export async function openReplay(spec: ReplaySpec, capture?: CaptureSink): Promise<RawOpen> {
  const recorded = await loadRecordedDevice(spec.path, spec.model);
  return { ...openDevice(createReplayDevice(recorded), spec.channel, capture), recorded };
}
