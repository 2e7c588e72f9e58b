/**
 * SCP writes applied to the firmware model (docs/protocol.md §6.3, §7.1–§7.3, §8.2, D-14…D-16, D-29): each
 * catalogue write command turns into firmware inputs, and its payload is kept in the register store
 * as written (D-15). Writes the model has no feature for are unknown to it (D-3); writes to
 * registers that exist but only read are refused (D-14).
 */
import type { SettingName } from '../../firmware-model/index.js';
import { BRIGHTNESS_HIGH, type Capability, type DecodedFrame, TABLE_CLOCK } from '../../protocol/index.js';
import { readRegister, type ScpContext, SMART_GESTURE_KEY } from './scp-reads.js';
import { registerKey } from './scp-store.js';
import { readTable } from './scp-tables.js';

export type WriteOutcome =
  /** Applied; `echo` is the stored value the D-1 echo carries. */
  | { readonly kind: 'applied'; readonly echo: Uint8Array }
  /** No such register or selector on this model (D-3). */
  | { readonly kind: 'unknown' }
  /** The register or table exists but is read-only (D-14). */
  | { readonly kind: 'readOnly' }
  /** Dropped by a validation the caller enabled (D-16 `scp.validateInnerCheck`). */
  | { readonly kind: 'dropped' };

export interface WriteOptions {
  readonly validateInnerCheck: boolean;
  /** Called for every record write whose inner check byte is wrong (D-16 diagnostics). */
  readonly onInnerCheckMismatch: () => void;
}

/**
 * The model feature each write needs (docs/protocol.md §1.3); without it the device does not know the write.
 */
const NEEDS: Readonly<Record<string, Capability>> = {
  'set-brightness': 'brightness',
  'set-holder-brightness': 'brightness',
  'set-vibration': 'vibration',
  'set-lock': 'lock',
  'set-auto-start': 'autoStart',
  'set-pause-mode': 'pauseMode',
  'set-smart-gesture': 'smartGesture',
  'set-flexpuff': 'flexPuff',
  'set-flexbattery': 'flexBattery',
  'find-my': 'findMy',
  'write-charge-start-record': 'chargeStartVibration',
  'apply-config-record': 'chargeStartVibration',
  'write-smart-gesture-record': 'smartGesture',
  'apply-smart-gesture-record': 'smartGesture',
};

/** Sets a firmware setting if it differs (an unchanged write is a no-op for the model). */
function setting(ctx: ScpContext, name: SettingName, value: boolean | number | string): void {
  const s = ctx.fw.state.settings;
  const current = name.startsWith('vibration.')
    ? s.vibration[name.slice('vibration.'.length) as keyof typeof s.vibration]
    : s[name as Exclude<keyof typeof s, 'vibration'>];
  if (current !== value) ctx.fw.input({ type: 'setting', name, value }, ctx.fw.nowMs);
}

/** Applies one short write frame. `payload` is the frame's payload at its length code. */
export function applyShortWrite(
  ctx: ScpContext,
  frame: DecodedFrame,
  payload: Uint8Array,
  options: WriteOptions,
): WriteOutcome {
  const unit = frame.unit;
  const address = frame.register ?? 0;
  const need = NEEDS[frame.command];
  if (need && !ctx.fw.profile.capabilities.includes(need)) return { kind: 'unknown' };
  const store = (selector?: number): WriteOutcome => {
    ctx.store.set(registerKey(unit, address, selector), payload);
    return { kind: 'applied', echo: payload };
  };
  const b0 = payload[0] ?? 0;
  const b1 = payload[1] ?? 0;
  switch (frame.command) {
    case 'set-brightness':
    case 'set-holder-brightness':
      // D-15: ≥ 0x64 is high (100), anything else low (30); the byte itself is stored as written.
      setting(
        ctx,
        unit === 'charger' ? 'chargerBrightness' : 'holderBrightness',
        b0 >= BRIGHTNESS_HIGH ? 100 : 30,
      );
      return store();
    case 'set-vibration': {
      // docs/protocol.md §7.1 S 0x8C: [2] bit 0 heating start, bit 4 starting to use; [3] bit 0 puff end, bit
      // 4 manual end.
      const flags = payload[2] ?? 0;
      const end = payload[3] ?? 0;
      setting(ctx, 'vibration.heatingStart', (flags & 0x01) !== 0);
      setting(ctx, 'vibration.startingToUse', (flags & 0x10) !== 0);
      setting(ctx, 'vibration.puffEnd', (end & 0x01) !== 0);
      setting(ctx, 'vibration.manuallyTerminated', (end & 0x10) !== 0);
      return store();
    }
    case 'set-lock': // docs/protocol.md §7.1 S 0x10: `02 FF` locks, `00 00` unlocks
      setting(ctx, 'lock', b0 === 0x02);
      return store();
    case 'set-auto-start':
      setting(ctx, 'autoStart', b1 !== 0);
      return store(b0);
    case 'set-pause-mode':
      setting(ctx, 'pauseMode', b1 !== 0);
      return store(b0);
    case 'set-smart-gesture': // docs/protocol.md §13 item 12: the correct-CRC selector-04 write works too
      setting(ctx, 'smartGesture', b1 !== 0);
      return store(b0);
    case 'set-flexpuff':
      setting(ctx, 'flexPuff', b1 !== 0);
      return store(b0);
    case 'set-flexbattery': // D-15: 1 is eco; every other value is stored but means performance
      setting(ctx, 'flexBattery', b0 === 1 ? 'eco' : 'performance');
      return store();
    case 'find-my':
      // D-29: [0] start/stop. Ignored (but echoed) where the model ignores Find My (ILUMA i ONE).
      // The firmware's own findMy.maxSeconds bounds the vibration, not payload byte [1].
      if (ctx.fw.profile.findMy) ctx.fw.input({ type: 'findMy', on: b0 !== 0 }, ctx.fw.nowMs);
      return store();
    case 'write-charge-start-record': {
      // docs/protocol.md §7.3: `[chk] [key] 00 FF FF FF [value] …`; value 00 on, 09 off. Key 04 carries the
      // setting.
      if (!innerCheckOk(frame, options)) return { kind: 'dropped' };
      const key = b1;
      if (key === 0x04) setting(ctx, 'vibration.chargeStart', (payload[6] ?? 0) === 0x00);
      ctx.store.set(registerKey(unit, address, key), payload);
      return { kind: 'applied', echo: payload };
    }
    case 'write-smart-gesture-record': {
      // docs/protocol.md §7.3: `[chk] 05 01 00 00 [value] …`; applied at once (the "apply" write changes
      // nothing more).
      if (!innerCheckOk(frame, options)) return { kind: 'dropped' };
      const keyed = SMART_GESTURE_KEY.every((b, i) => payload[1 + i] === b);
      if (keyed) setting(ctx, 'smartGesture', (payload[5] ?? 0) !== 0);
      ctx.store.set(registerKey(unit, address, b1), payload);
      return { kind: 'applied', echo: payload };
    }
    case 'apply-config-record':
    case 'apply-smart-gesture-record':
      return store();
    case 'set-stick-state':
      // docs/protocol.md §7.1 S 0x81 (ILUMA i ONE): a write adds one to the lifetime stick counter. The
      // vibration it also causes has no firmware input.
      if (ctx.fw.profile.parts !== 'one-piece') return { kind: 'readOnly' };
      ctx.fw.input(
        {
          type: 'counter',
          unit: 'charger',
          tag: '8E',
          value: (ctx.fw.state.counters.charger['8E'] ?? 0) + 1,
        },
        ctx.fw.nowMs,
      );
      return store();
    default:
      // A generic write: refused as read-only where the register reads, unknown otherwise.
      return readRegister(ctx, unit, address, payload) ? { kind: 'readOnly' } : { kind: 'unknown' };
  }
}

function innerCheckOk(frame: DecodedFrame, options: WriteOptions): boolean {
  if (frame.fields.checkValid !== false) return true;
  options.onInnerCheckMismatch();
  return !options.validateInnerCheck;
}

/**
 * Applies one long write: only the charger clock is writable (docs/protocol.md §8.2, D-2); other tables are
 * D-14.
 */
export function applyTableWrite(ctx: ScpContext, frame: DecodedFrame): WriteOutcome {
  const table = frame.table ?? -1;
  if (frame.command === 'set-clock' && frame.unit === 'charger' && table === TABLE_CLOCK) {
    const seconds = Number(frame.fields.seconds);
    ctx.fw.input({ type: 'clock', seconds }, ctx.fw.nowMs);
    return { kind: 'applied', echo: new Uint8Array(0) };
  }
  return readTable(ctx, frame.unit, table) ? { kind: 'readOnly' } : { kind: 'unknown' };
}
