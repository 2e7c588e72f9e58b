/**
 * The SCP responder of the virtual device (issue #4): one logical SCP frame in, the device's reply
 * frames out, answered from the firmware model's state and applied to it (docs/protocol.md §4, §6, §7, §12).
 * Frames carry no BLE transport byte and no USB header; fragmentation, queueing and latency
 * (D-8…D-11) belong to the transports.
 *
 * Acceptance, in order (each drop is silent and counted in `diag`):
 * bad CRC (D-5) → malformed (D-6) → unknown node (D-4) → node not served by the model (D-12) →
 * holder out of the case (D-13) → unknown register or selector (D-3) / read-only write (D-14).
 */
import type { Firmware } from '../../firmware-model/index.js';
import {
  type CrcPosition,
  type DecodedFrame,
  decodeFrame,
  encodeLongFrame,
  encodeShortFrame,
  PAYLOAD_SIZES,
  REPLY_NODE,
} from '../../protocol/index.js';
import type { DeviceIdentity } from './identity.js';
import { checkOverrides } from './overrides.js';
import { ScpIntake, type ScpIntakeOptions } from './scp-intake.js';
import { readRegister, type ScpContext } from './scp-reads.js';
import { RegisterStore, type RegisterStoreJson, registerKey, tableKey } from './scp-store.js';
import { readTable } from './scp-tables.js';
import { applyShortWrite, applyTableWrite, type WriteOutcome } from './scp-writes.js';

export { RegisterStore, type RegisterStoreJson, registerKey, tableKey } from './scp-store.js';

/** Counters of what the responder did with each frame (D-3…D-16). */
export interface ScpDiagnostics {
  /** Dropped: CRC-8 / CRC-16 mismatch (D-5). */
  badCrc: number;
  /** Dropped: too short, payload shorter than the length code, long length mismatch, bad type bits, or a response frame sent to the device (D-6). */
  malformed: number;
  /** Silent: register, selector or table the model does not have (D-3). */
  unknownRegister: number;
  /** Silent: node byte unknown (D-4) or not served by the model (D-12; every node on a non-SCP model). */
  unknownNode: number;
  /** Silent: write to a read-only register or table (D-14). */
  readOnlyWrite: number;
  /** Accepted with bytes between payload and CRC (D-7). */
  oversize: number;
  /** Record writes whose inner check byte is wrong (D-16); dropped only with `validateInnerCheck`. */
  innerCheckMismatch: number;
  /** Frames acted on: answered, or applied with `writeReply: 'none'`. */
  accepted: number;
  /** Silent: C9 frames while the holder of a two-piece device is out of the case (D-13). */
  holderUnreachable: number;
  /** Partial BLE frames discarded at their reassembly deadline (D-9; also counted in `malformed`). */
  staleFrames: number;
  /** Requests dropped because `scp.queueDepth` replies were already owed on their transport (D-11). */
  queueOverflow: number;
}

export interface ScpOptions {
  /** D-1 `scp.writeReply`: echo the stored value (default), send nothing, or the header with a zero payload. */
  readonly writeReply?: 'echo' | 'none' | 'ack';
  /** D-13: whether C9 reaches the holder of a two-piece device (default: while it is docked). */
  readonly holderReachable?: () => boolean;
  /** D-7 `scp.shortCrcPosition` (default `last`). */
  readonly shortCrcPosition?: CrcPosition;
  /** D-3 `scp.unknownRegister`: silence (default) or a zero payload of length code 1. */
  readonly unknownRegister?: 'silent' | 'zeros';
  /** D-16 `scp.validateInnerCheck` (default false: mismatches are only counted). */
  readonly validateInnerCheck?: boolean;
  /** D-30 `vibration.recordByte` (default 0x10). */
  readonly vibrationRecordByte?: number;
  /** D-9 reassembly and D-11 queue limits (scp-intake.ts). */
  readonly intake?: ScpIntakeOptions;
}

export interface ScpResponderInit {
  /** The firmware answered from now (a function: a factory reset replaces the device's firmware). */
  readonly firmware: () => Firmware;
  /** The device identity now (a function: a factory reset or an override may replace it). */
  readonly identity: () => DeviceIdentity;
  readonly options?: ScpOptions;
  /** Initial register store contents (`RegisterStore.toJSON()` of a snapshot, or configuration). */
  readonly registers?: RegisterStoreJson;
  /** Register overrides (overrides.ts): reply payloads that win over every computed value. */
  readonly overrides?: RegisterStoreJson;
}

export function emptyScpDiagnostics(): ScpDiagnostics {
  return {
    badCrc: 0,
    malformed: 0,
    unknownRegister: 0,
    unknownNode: 0,
    readOnlyWrite: 0,
    oversize: 0,
    innerCheckMismatch: 0,
    accepted: 0,
    holderUnreachable: 0,
    staleFrames: 0,
    queueOverflow: 0,
  };
}

const NONE: Uint8Array[] = [];

export class ScpResponder {
  private readonly firmwareNow: () => Firmware;
  /** Opaque and written register values (D-15, D-25, D-26); snapshot it with `toJSON()` / `load()`. */
  readonly registers = new RegisterStore();
  /**
   * Overrides (overrides.ts): a read of a key here answers these bytes, whatever the firmware
   * computes or a client wrote. Checked keys only: set them through `setOverrides`.
   */
  readonly overrides = new RegisterStore();
  readonly diag: ScpDiagnostics = emptyScpDiagnostics();
  /** D-9 reassembly deadline and D-11 queue slots in front of `handleFrame`. */
  readonly intake: ScpIntake;
  private readonly identity: () => DeviceIdentity;
  private readonly writeReply: 'echo' | 'none' | 'ack';
  private readonly holderReachable: () => boolean;
  private readonly crcPosition: CrcPosition;
  private readonly unknownMode: 'silent' | 'zeros';
  private readonly validateInnerCheck: boolean;
  private readonly vibrationRecordByte: number;

  constructor(init: ScpResponderInit) {
    const o = init.options ?? {};
    this.firmwareNow = init.firmware;
    this.identity = init.identity;
    this.writeReply = o.writeReply ?? 'echo';
    this.holderReachable = o.holderReachable ?? (() => this.firmware.state.holder.docked);
    this.crcPosition = o.shortCrcPosition ?? 'last';
    this.unknownMode = o.unknownRegister ?? 'silent';
    this.validateInnerCheck = o.validateInnerCheck ?? false;
    this.vibrationRecordByte = o.vibrationRecordByte ?? 0x10;
    this.intake = new ScpIntake(this.diag, o.intake);
    if (init.registers) this.registers.load(init.registers);
    if (init.overrides) this.setOverrides(init.overrides);
  }

  /** The firmware answered from. */
  get firmware(): Firmware {
    return this.firmwareNow();
  }

  /** Replaces every override with `registers` (key → hex), checked first: SIM_OVERRIDES changes nothing. */
  setOverrides(registers: RegisterStoreJson): void {
    this.overrides.load(checkOverrides(registers));
  }

  /** The override of a short read: the selector-keyed one first (argument byte 0), then the register's. */
  private overriddenRegister(f: DecodedFrame, address: number, argument: Uint8Array): Uint8Array | undefined {
    if (this.overrides.size === 0) return undefined; // the common case: no key strings to build
    const selector = argument[0];
    return (
      (selector === undefined ? undefined : this.overrides.get(registerKey(f.unit, address, selector))) ??
      this.overrides.get(registerKey(f.unit, address))
    );
  }

  /**
   * Handles one logical request frame at virtual time `nowMs` and returns the reply frames (one, or
   * none when the frame is dropped or the write reply is off). The firmware is advanced to `nowMs`
   * only once a frame is accepted, so a dropped frame changes nothing.
   */
  handleFrame(frame: Uint8Array, nowMs: number): Uint8Array[] {
    const info = this.firmware.profile.info;
    if (!info.scp) {
      this.diag.unknownNode++; // docs/protocol.md §1.1: no SCP traffic to pre-ILUMA devices is known
      return NONE;
    }
    const result = decodeFrame(frame, { crcPosition: this.crcPosition });
    if (!result.ok) {
      const code = result.error.code;
      if (code === 'PROTOCOL_CRC') this.diag.badCrc++;
      else if (code === 'PROTOCOL_UNKNOWN_NODE') this.diag.unknownNode++;
      else this.diag.malformed++;
      return NONE;
    }
    const f = result.value;
    if (f.kind === 'response') {
      this.diag.malformed++;
      return NONE;
    }
    if (!info.units.includes(f.unit)) {
      this.diag.unknownNode++;
      return NONE;
    }
    if (f.unit === 'holder' && this.firmware.profile.parts !== 'one-piece' && !this.holderReachable()) {
      this.diag.holderUnreachable++;
      return NONE;
    }
    if (f.extraHex !== undefined) this.diag.oversize++;
    if (nowMs > this.firmware.nowMs) this.firmware.advanceTo(nowMs);
    const ctx: ScpContext = {
      fw: this.firmware,
      identity: this.identity(),
      store: this.registers,
      vibrationRecordByte: this.vibrationRecordByte,
    };
    return f.frame === 'long' ? this.long(ctx, f) : this.short(ctx, f, frame);
  }

  /** The same counters as `diag` (docs/protocol.md §12 names them `diag.*`). */
  get diagnostics(): ScpDiagnostics {
    return this.diag;
  }

  /** Zeroes every diagnostics counter. */
  resetDiagnostics(): void {
    Object.assign(this.diag, emptyScpDiagnostics());
  }

  private short(ctx: ScpContext, f: DecodedFrame, frame: Uint8Array): Uint8Array[] {
    const address = f.register ?? 0;
    const node = REPLY_NODE[f.unit];
    const payload = frame.subarray(3, 3 + (PAYLOAD_SIZES[f.lengthCode ?? 0] ?? 0));
    if (!f.write) {
      const data =
        this.overriddenRegister(f, address, payload) ?? readRegister(ctx, f.unit, address, payload);
      if (!data)
        return this.unknown(() => encodeShortFrame({ node, address, response: true, payload: zeros(4) }));
      this.diag.accepted++;
      // docs/protocol.md §6.1: reply node, type with 0x80, length code = the register's size (not the
      // request's).
      return [encodeShortFrame({ node, address, response: true, payload: data })];
    }
    const outcome = applyShortWrite(ctx, f, payload, {
      validateInnerCheck: this.validateInnerCheck,
      onInnerCheckMismatch: () => {
        this.diag.innerCheckMismatch++;
      },
    });
    if (outcome.kind === 'unknown' && this.overriddenRegister(f, address, payload))
      return this.refused({ kind: 'readOnly' }); // an override makes the register exist (D-14)
    if (outcome.kind !== 'applied') return this.refused(outcome);
    this.diag.accepted++;
    // D-1: one frame, request type | 0x80 with the write bit kept, at the request's length code.
    if (this.writeReply === 'none') return NONE;
    const echo = this.writeReply === 'ack' ? zeros(payload.length) : resize(outcome.echo, payload.length);
    return [encodeShortFrame({ node, address, response: true, write: true, payload: echo })];
  }

  private long(ctx: ScpContext, f: DecodedFrame): Uint8Array[] {
    const table = f.table ?? 0;
    const node = REPLY_NODE[f.unit];
    if (f.write) {
      const outcome = applyTableWrite(ctx, f);
      if (outcome.kind !== 'applied') return this.refused(outcome);
      this.diag.accepted++;
      // D-2: the captured ACK `[node] D0 02 [table]` — sent whatever `writeReply` says.
      return [encodeLongFrame({ node, table, response: true, write: true })];
    }
    // Long reads carry no argument the device uses (docs/protocol.md §10): any table data in the request is
    // ignored.
    const pinned = this.overrides.size === 0 ? undefined : this.overrides.get(tableKey(f.unit, table));
    const data = pinned ?? readTable(ctx, f.unit, table);
    if (!data) return this.unknown(() => encodeLongFrame({ node, table, response: true }));
    this.diag.accepted++;
    return [encodeLongFrame({ node, table, response: true, data })];
  }

  /** D-3: silence, or (`zeros`) an empty answer built by `reply`. */
  private unknown(reply: () => Uint8Array): Uint8Array[] {
    this.diag.unknownRegister++;
    return this.unknownMode === 'zeros' ? [reply()] : NONE;
  }

  private refused(outcome: Exclude<WriteOutcome, { kind: 'applied' }>): Uint8Array[] {
    if (outcome.kind === 'unknown') this.diag.unknownRegister++;
    else if (outcome.kind === 'readOnly') this.diag.readOnlyWrite++;
    return NONE;
  }
}

function zeros(size: number): Uint8Array {
  return new Uint8Array(size);
}

/** `bytes` cut or zero-padded to `size`. */
function resize(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length === size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, size));
  return out;
}
