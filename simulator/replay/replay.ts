/**
 * Replay a recorded device (docs/captures.md "Replay"): a capture's transcript becomes a
 * `DeviceScript` that answers each SCP request the recording saw with the replies the recorded device
 * gave (matched by the request's bytes, in the recorded order, the last answer repeating) and each
 * characteristic read with the recorded values. A virtual device of the recorded model serves it on
 * any transport. Requests the recording never saw get silence and are listed in `unanswered`.
 */
import { decodeDisString, hexBytes, MODELS, modelFromAdvertisedName, toHex } from '../../protocol/index.js';
import { transcriptOf } from '../capture/transcript.js';
import type { CaptureEvent } from '../capture-event.js';
import { createVirtualDevice, type VirtualDevice, type VirtualDeviceOptions } from '../device/device.js';
import { HANDLES } from '../device/gatt-values.js';
import type { DeviceScript, ScriptAnswer } from '../device/script.js';
import { SimulatorError } from '../errors.js';

export interface UnansweredRequest {
  readonly hex: string;
  /** How many times it was asked. */
  readonly count: number;
}

/** What a recording holds, ready to serve. */
export class RecordedScript implements DeviceScript {
  private readonly asked = new Map<string, number>();
  private readonly reads = new Map<number, number>();
  private readonly missing = new Map<string, number>();

  constructor(
    /** Request frame (hex) → its recorded answers, in recorded order. */
    readonly answers: ReadonlyMap<string, readonly ScriptAnswer[]>,
    /** Characteristic value handle → its recorded values, in recorded order. */
    readonly values: ReadonlyMap<number, readonly Uint8Array[]>,
  ) {}

  answer(frame: Uint8Array): ScriptAnswer | undefined {
    const hex = toHex(frame);
    const recorded = this.answers.get(hex);
    if (!recorded) {
      this.missing.set(hex, (this.missing.get(hex) ?? 0) + 1);
      return undefined;
    }
    const n = this.asked.get(hex) ?? 0;
    this.asked.set(hex, n + 1);
    return recorded[Math.min(n, recorded.length - 1)];
  }

  value(handle: number): Uint8Array | undefined {
    const recorded = this.values.get(handle);
    if (!recorded) return undefined;
    const n = this.reads.get(handle) ?? 0;
    this.reads.set(handle, n + 1);
    return recorded[Math.min(n, recorded.length - 1)];
  }

  /** Requests the recording has no answer for, in the order first asked. */
  get unanswered(): UnansweredRequest[] {
    return [...this.missing].map(([hex, count]) => ({ hex, count }));
  }

  /** How many distinct requests the recording answers. */
  get size(): number {
    return this.answers.size;
  }
}

export interface RecordedDevice {
  /** The model served: the one asked for, else what the recording says. */
  readonly model: string;
  /** The address the recorded device used, when the capture shows it. */
  readonly address?: string;
  readonly script: RecordedScript;
}

/**
 * Reads a recording. The model comes from `model`, else the device name or DIS model number the
 * capture read; neither: SIM_REPLAY_MODEL. A capture without one SCP request: SIM_REPLAY_EMPTY.
 */
export function recordedDeviceOf(events: readonly CaptureEvent[], model?: string): RecordedDevice {
  const entries = transcriptOf(events);
  const answers = new Map<string, ScriptAnswer[]>();
  const values = new Map<number, Uint8Array[]>();
  const open: {
    hex: string;
    tUs: number;
    target: string;
    write: boolean;
    answer?: { frames: Uint8Array[]; delayMs: number };
  }[] = [];
  const silent = new Set<string>();
  let lastRead: number | undefined;
  let address: string | undefined;
  let modelCode: string | undefined;
  for (const entry of entries) {
    if (entry.kind === 'link' && typeof entry.fields.address === 'string') address ??= entry.fields.address;
    if (entry.kind === 'att') {
      if (entry.command === 'readRequest') lastRead = entry.handle;
      const value = entry.fields.value;
      if (typeof value !== 'string') continue;
      const handle =
        entry.command === 'readResponse'
          ? lastRead
          : entry.command === 'handleValueNotification'
            ? entry.handle
            : undefined;
      if (handle !== undefined) push(values, handle, hexBytes(value));
      continue;
    }
    // A request that does not decode (a bad CRC) was met with silence: the script says so.
    if (entry.kind === 'bad-frame' && entry.dir === 'toDevice' && entry.raw) silent.add(toHex(entry.raw));
    if (entry.kind !== 'scp' || !entry.frame || entry.target === undefined) continue;
    if (
      entry.command === 'get-model-code' &&
      entry.dir === 'toHost' &&
      typeof entry.fields.modelCode === 'string'
    )
      modelCode ??= entry.fields.modelCode.replace(/\0+$/, '');
    const { target, write = false } = entry;
    if (entry.dir === 'toDevice') {
      open.push({ hex: toHex(entry.frame), tUs: entry.tUs, target, write });
      continue;
    }
    // The first request of its register and kind (read or write) still unanswered; else the last one
    // answered (a reply of several frames). Requests met with silence stay unanswered.
    const mine = (r: (typeof open)[number]) => r.target === target && r.write === write;
    const owner = open.find((r) => mine(r) && !r.answer) ?? open.filter(mine).at(-1);
    if (!owner) continue;
    owner.answer ??= { frames: [], delayMs: Math.max(0, (entry.tUs - owner.tUs) / 1000) };
    owner.answer.frames.push(entry.frame);
  }
  for (const request of open) push(answers, request.hex, request.answer ?? { frames: [], delayMs: 0 });
  for (const hex of silent) if (!answers.has(hex)) answers.set(hex, [{ frames: [], delayMs: 0 }]);
  if (answers.size === 0)
    throw new SimulatorError('SIM_REPLAY_EMPTY', 'the capture holds no SCP request to replay');
  const served = model ?? modelOfRecording(values, modelCode);
  return { model: served, ...(address ? { address } : {}), script: new RecordedScript(answers, values) };
}

/** A virtual device of the recording's model that answers from it (options as `createVirtualDevice`'s). */
export function createReplayDevice(
  recorded: RecordedDevice,
  options: Omit<VirtualDeviceOptions, 'model' | 'script'> = {},
): VirtualDevice {
  const identity = recorded.address
    ? { address: recorded.address.toUpperCase(), ...options.identity }
    : options.identity;
  return createVirtualDevice({
    ...options,
    model: recorded.model,
    script: recorded.script,
    ...(identity ? { identity } : {}),
  });
}

/**
 * The model a recording shows: by the device name (2A00) it read, else by a model number that only one
 * model has, from DIS 2A24 or the holder's S 0x88 reply (docs/protocol.md §3.3, §7.1).
 */
function modelOfRecording(
  values: ReadonlyMap<number, readonly Uint8Array[]>,
  modelCode: string | undefined,
): string {
  const name = values.get(HANDLES.deviceName)?.[0];
  const byName = name ? modelFromAdvertisedName(decodeDisString(name).text) : undefined;
  if (byName) return byName.id;
  const number = values.get(HANDLES.modelNumber)?.[0];
  const text = number ? decodeDisString(number).text : modelCode;
  const byNumber = MODELS.filter((m) => m.disModelNumber === text);
  if (byNumber.length === 1) return (byNumber[0] as (typeof MODELS)[number]).id;
  throw new SimulatorError(
    'SIM_REPLAY_MODEL',
    'the capture does not say which model it recorded (no device name read, no model number that only one model has); name one',
  );
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
