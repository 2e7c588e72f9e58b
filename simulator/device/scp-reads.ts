/**
 * What the virtual device answers to SCP reads (docs/protocol.md §7.1, §8, §9, §10, value sources
 * docs/protocol.md §12.1): payload bytes per (unit, register S, selector) and per long table, computed from
 * the firmware model's state, the device identity and the register store. `undefined` means the device does
 * not know the register or selector, which the responder answers with silence (D-3).
 *
 * Payloads are built by the protocol layer's reply codecs from fields, so every reply decodes to the
 * same command the catalogue names for it.
 */
import type { Firmware } from '../../firmware-model/index.js';
import {
  BRIGHTNESS_HIGH,
  BRIGHTNESS_LOW,
  type Capability,
  commandByName,
  DEVICE_EPOCH_UNIX_S,
  type Fields,
  PAYLOAD_SIZES,
  type Unit,
} from '../../protocol/index.js';
import type { DeviceIdentity } from './identity.js';
import { type RegisterStore, registerKey } from './scp-store.js';

/** What a read or write handler sees of the device at the time of the frame. */
export interface ScpContext {
  readonly fw: Firmware;
  readonly identity: DeviceIdentity;
  readonly store: RegisterStore;
  /** Byte [0] of the vibration reply (D-30: 0x10, 0x03 also seen). */
  readonly vibrationRecordByte: number;
}

/** The 8 trailing bytes of the captured ILUMA i firmware replies (docs/protocol.md §7.7; meaning unknown). */
const CHARGER_FW_TRAILER = 'A0 C0 01 14 01 01 06 06';
const HOLDER_FW_TRAILER = 'B2 C0 01 14 02 01 0A 06';
/** S 0x01 default: the ILUMA i charger record of vectors.json (D-26), used for both nodes. */
const DEVICE_INFO_DEFAULT = [51, 106, 2, 21962, 6, 5, 0];
/** Key of the Smart Gesture record in S 0x14 (docs/protocol.md §7.3). */
export const SMART_GESTURE_KEY = [0x05, 0x01, 0x00, 0x00] as const;
/**
 * One-piece C0 S 0x84 "thermal" value at rest and its rise after use (docs/protocol.md §12.1; the rise is a
 * guess).
 */
const THERMAL_REST = 1480;
const THERMAL_AFTER_USE = 50;

/** Payload of the reply of catalogue command `name` from fields (the codec fills the rest with zeros). */
export function replyPayload(name: string, fields: Fields): Uint8Array {
  const cmd = commandByName(name);
  if (!cmd) throw new Error(`the protocol catalogue has no command '${name}'`);
  return cmd.reply.encode({ ...cmd.defaults, ...fields });
}

function has(ctx: ScpContext, capability: Capability): boolean {
  return ctx.fw.profile.capabilities.includes(capability);
}

export function onePiece(ctx: ScpContext): boolean {
  return ctx.fw.profile.parts === 'one-piece';
}

/**
 * D-15: written bytes are kept as-is and read back while they still mean what the firmware holds
 * (e.g. brightness 0x50 reads back 0x50 while the firmware says "low"); once the setting changed by
 * other means, the canonical bytes of the new value are answered.
 */
function preferStored(
  ctx: ScpContext,
  key: string,
  canonical: Uint8Array,
  meaning: (payload: Uint8Array) => unknown,
): Uint8Array {
  const stored = ctx.store.get(key);
  return stored && stored.length === canonical.length && meaning(stored) === meaning(canonical)
    ? stored
    : canonical;
}

/** D-26: an opaque register, as configured in the store, else zeros with the selector echoed in [0]. */
function opaque(ctx: ScpContext, key: string, size: number, selector?: number): Uint8Array {
  const stored = ctx.store.get(key);
  if (stored && PAYLOAD_SIZES.includes(stored.length)) return stored;
  const out = new Uint8Array(size);
  if (selector !== undefined) out[0] = selector;
  return out;
}

function firmwareRecord(version: string, prefix: number, trailingHex: string): Uint8Array {
  const [major = 0, minor = 0, patch = 0, build = 0] = version.split('.').map((p) => Number(p) & 0xff);
  return replyPayload('get-firmware', { prefix, major, minor, patch, build, trailingHex });
}

/** Exactly `size` characters: cut, or padded with NULs (docs/protocol.md §3.3 notes NUL-padded strings). */
function fixedText(text: string, size: number): string {
  return text.slice(0, size).padEnd(size, '\0');
}

function u16(n: number): number {
  return Math.max(0, Math.min(0xffff, Math.round(n)));
}

function brightnessPayload(ctx: ScpContext, key: string, value: number): Uint8Array {
  // D-15 / docs/protocol.md §7.1: the firmware keeps 100 or 30; the wire shows 0x64 or 0x1E.
  const level = value >= 100 ? BRIGHTNESS_HIGH : BRIGHTNESS_LOW;
  const canonical = replyPayload('get-brightness', { level });
  return preferStored(ctx, key, canonical, (p) => (p[0] ?? 0) >= BRIGHTNESS_HIGH);
}

/** `[selector] [value] 00 00` of S 0x93 and S 0x89 sel 03 (docs/protocol.md §7.1). */
function selectorFlag(ctx: ScpContext, key: string, command: string, selector: number, on: boolean) {
  const canonical = replyPayload(command, { selector, value: on ? 1 : 0 });
  return preferStored(ctx, key, canonical, (p) => p[0] === selector && (p[1] ?? 0) !== 0);
}

/**
 * The 14-byte read-back of a keyed record (docs/protocol.md §7.3): `FF` bytes of the write read back as `00`.
 */
function configRecord(selector: number, value: number): Uint8Array {
  return replyPayload('get-config-record', { selector, value });
}

/** C9 S 0x13 sel 04/05 (docs/protocol.md §7.3, §12.1): the charge-start records, value `00` on / `09` off. */
function chargeStartRecord(ctx: ScpContext, selector: number): Uint8Array | undefined {
  const on = has(ctx, 'chargeStartVibration') && ctx.fw.state.settings.vibration.chargeStart;
  const written = ctx.store.get(registerKey('holder', 0x13, selector));
  if (selector === 0x04) return configRecord(selector, on ? 0x00 : 0x09);
  // Key 05 has no known meaning of its own: clients write it with key 04's value, so it mirrors
  // the firmware until a record for it is written; other keys answer only once written.
  if (written && written.length === 24) return configRecord(selector, written[6] ?? 0);
  return selector === 0x05 ? configRecord(selector, on ? 0x00 : 0x09) : undefined;
}

/**
 * S 0x14 with argument `05 01 00 00` (docs/protocol.md §7.1, §12.1): the Smart Gesture record, [4] = enabled.
 */
function smartGestureRecord(ctx: ScpContext, argument: Uint8Array): Uint8Array | undefined {
  if (argument.length < 4 || SMART_GESTURE_KEY.some((b, i) => argument[i] !== b)) return undefined;
  const on = has(ctx, 'smartGesture') && ctx.fw.state.settings.smartGesture;
  return replyPayload('get-smart-gesture-record', { keyHex: '05 01 00 00', value: on ? 1 : 0 });
}

function errorLogDate(ctx: ScpContext): Uint8Array {
  // docs/protocol.md §8.2, §12.1: the epoch date 2010-01-01 until an error is logged.
  const rtc = Math.max(0, ctx.fw.state.lastErrorRtc);
  const date = new Date((rtc + DEVICE_EPOCH_UNIX_S) * 1000);
  return replyPayload('get-error-log-date', {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  });
}

/**
 * A unit's RTC as the wire carries it, u32 (docs/protocol.md §8.1): C9 reads the two-piece holder's own
 * clock.
 */
export function rtc(ctx: ScpContext, unit: Unit): number {
  return ctx.fw.rtcSeconds(unit === 'holder' ? 'holder' : 'charger') >>> 0;
}

/**
 * Tag counters of the heating unit: the holder on two-piece, the main unit on one-piece
 * (docs/protocol.md §9.2).
 */
function heatingUnitCounters(ctx: ScpContext): Record<string, number> {
  const c = ctx.fw.counters();
  return onePiece(ctx) ? c.charger : c.holder;
}

function lastSession(ctx: ScpContext): Uint8Array {
  return replyPayload('get-last-session', {
    durationQuarterSeconds: u16(ctx.fw.state.counters.lastSessionQuarterSeconds),
  });
}

function usageTotals(ctx: ScpContext): Uint8Array {
  const c = ctx.fw.state.counters;
  const usage = Math.max(0, Math.min(0xffffffff, Math.round(c.lifetimeUsageQuarterSeconds)));
  return replyPayload('get-usage-totals', {
    sticks: u16(heatingUnitCounters(ctx)['8E'] ?? 0),
    usageLow: usage % 0x10000,
    usageHigh: Math.floor(usage / 0x10000),
    puffs: u16(c.lifetimePuffs),
  });
}

function chargerSensor(ctx: ScpContext): Uint8Array {
  const key = registerKey('charger', 0x84);
  if (!onePiece(ctx)) return opaque(ctx, key, 14); // docs/protocol.md §12.1: two-piece C0 S 0x84 is 14 zero bytes
  const stored = ctx.store.get(key);
  if (stored && stored.length === 4) return stored;
  // docs/protocol.md §12.1: raw thermal value, higher right after a session. The firmware keeps no session
  // end time, so the rise lasts while heating and cooling down rather than decaying over 600 s.
  const hot = ['PREHEAT', 'SESSION_ACTIVE', 'SESSION_WARNING', 'PAUSED', 'SESSION_END', 'COOLDOWN'];
  const raw = THERMAL_REST + (hot.includes(ctx.fw.state.holder.state) ? THERMAL_AFTER_USE : 0);
  return replyPayload('get-sensor', { raw });
}

function batteryIndicator(ctx: ScpContext): Uint8Array {
  // docs/protocol.md §12.1: [0] battery level % (guess), [1] 0, [2..3] u16 configurable through the store.
  const stored = ctx.store.get(registerKey('charger', 0x181));
  const usageValue = stored && stored.length >= 4 ? (stored[2] ?? 0) | ((stored[3] ?? 0) << 8) : 0;
  return replyPayload('get-battery-indicator', { levelPct: ctx.fw.battery().chargerPercent, usageValue });
}

function readCharger(ctx: ScpContext, address: number, argument: Uint8Array): Uint8Array | undefined {
  const sel = argument[0];
  const key = registerKey('charger', address, sel);
  switch (address) {
    case 0x00:
      return firmwareRecord(ctx.identity.chargerFirmware, 0x10, CHARGER_FW_TRAILER);
    case 0x01:
      return deviceInfo(ctx, 'charger');
    case 0x03:
      return errorLogDate(ctx);
    case 0x04:
      return replyPayload('get-rtc', { seconds: rtc(ctx, 'charger') });
    case 0x05: // D-26: selectors 00, 01, 02 seen; length code 1 where docs/protocol.md §7.1 says "unknown"
      return sel !== undefined && sel <= 0x02 ? opaque(ctx, key, 4, sel) : undefined;
    case 0x07:
    case 0x10:
    case 0x11:
      return opaque(ctx, registerKey('charger', address), 4);
    case 0x0c:
      return replyPayload('get-product-number', {
        productNumber: fixedText(ctx.identity.chargerProductNumber, 14),
      });
    case 0x13: // heating-profile records sel 0B–0F (D-26)
      return sel !== undefined && sel >= 0x0b && sel <= 0x0f ? opaque(ctx, key, 14, sel) : undefined;
    case 0x14:
      return smartGestureRecord(ctx, argument);
    case 0x17:
      return opaque(ctx, registerKey('charger', address), 24);
    case 0x18: // argument 01 is the only one seen (docs/protocol.md §11 #6)
      return sel === 0x01 ? opaque(ctx, key, 24, sel) : undefined;
    case 0x80: // docs/protocol.md §7.8: 24 bytes on the one-piece unit, a u16 (4 bytes) on ILUMA i
      return opaque(ctx, registerKey('charger', address), onePiece(ctx) ? 24 : 4);
    case 0x81:
      return replyPayload('get-stick-state', { state: ctx.fw.state.holder.stickInserted ? 0x16 : 0x01 });
    case 0x82:
      return replyPayload('get-error-state', { errorCode: u16(ctx.fw.state.errorCode) });
    case 0x84:
      return chargerSensor(ctx);
    case 0x85:
      // Not in docs/protocol.md §7.1 for C0, but the official app reads it on an ILUMA i (vectors.json
      // req-appflow-read-s85) and docs/protocol.md §11 says every register it reads must be answered: the
      // last-session record of the heating unit, as on C9.
      return lastSession(ctx);
    case 0x8e:
      return brightnessPayload(ctx, registerKey('charger', address), ctx.fw.state.settings.chargerBrightness);
    case 0x90: // docs/protocol.md §13 item 6: charger battery %, u16
      return replyPayload('get-battery-percent', { percent: ctx.fw.battery().chargerPercent });
    case 0x93: // "lock check" / "feature flag 2" on ILUMA i ONE (D-26, length code 1)
      return sel === 0x01 || sel === 0x02 ? opaque(ctx, key, 4, sel) : undefined;
    case 0x181: // docs/protocol.md §7.1: one-piece only, absent on ILUMA i
      return onePiece(ctx) ? batteryIndicator(ctx) : undefined;
    default:
      return undefined;
  }
}

/** S 0x01 (D-26): the configured record, else the published ILUMA i record. */
function deviceInfo(ctx: ScpContext, unit: Unit): Uint8Array {
  const stored = ctx.store.get(registerKey(unit, 0x01));
  if (stored && stored.length === 14) return stored;
  return replyPayload(
    'get-device-info',
    Object.fromEntries(DEVICE_INFO_DEFAULT.map((word, i) => [`word${i}`, word])),
  );
}

function readHolder(ctx: ScpContext, address: number, argument: Uint8Array): Uint8Array | undefined {
  const s = ctx.fw.state.settings;
  const sel = argument[0];
  const key = registerKey('holder', address, sel);
  switch (address) {
    case 0x00:
      return firmwareRecord(ctx.identity.holderFirmware, 0x0e, HOLDER_FW_TRAILER);
    case 0x01:
      return deviceInfo(ctx, 'holder');
    case 0x04: // docs/protocol.md §8.1: the holder answers its own clock reads (the main unit's on one-piece)
      return replyPayload('get-rtc', { seconds: rtc(ctx, 'holder') });
    case 0x0c:
      return replyPayload('get-product-number', {
        productNumber: fixedText(ctx.identity.holderProductNumber, 14),
      });
    case 0x10: {
      const canonical = replyPayload(
        'get-lock',
        s.lock ? { state: 0x02, mask: 0xff } : { state: 0, mask: 0 },
      );
      return preferStored(ctx, registerKey('holder', address), canonical, (p) => p[0] === 0x02);
    }
    case 0x13:
      return sel === undefined ? undefined : chargeStartRecord(ctx, sel);
    case 0x14:
      return smartGestureRecord(ctx, argument);
    case 0x83:
      return replyPayload('get-voltage', { voltageMv: u16(ctx.fw.battery().holderMv) });
    case 0x84: // docs/protocol.md §12.1: holder battery voltage, mV
      return replyPayload('get-sensor', { raw: u16(ctx.fw.battery().holderMv) });
    case 0x85:
      return lastSession(ctx);
    case 0x86:
      return usageTotals(ctx);
    case 0x88: // docs/protocol.md §12.1: model code = DIS model number
      return replyPayload('get-model-code', { modelCode: fixedText(ctx.identity.modelNumber, 14) });
    case 0x89:
      if (sel === 0x03)
        return selectorFlag(ctx, key, 'get-flexpuff', 0x03, has(ctx, 'flexPuff') && s.flexPuff);
      return sel === 0x04 ? opaque(ctx, key, 4, sel) : undefined; // docs/protocol.md §12.1: stored byte, default 0
    case 0x8c: {
      const v = s.vibration;
      const canonical = replyPayload('get-vibration', {
        recordByte: ctx.vibrationRecordByte,
        startFlags: (v.heatingStart ? 0x01 : 0) | (v.startingToUse ? 0x10 : 0),
        endFlags: (v.puffEnd ? 0x01 : 0) | (v.manuallyTerminated ? 0x10 : 0),
      });
      const flags = (p: Uint8Array) => (((p[2] ?? 0) & 0x11) << 8) | ((p[3] ?? 0) & 0x11);
      return preferStored(ctx, registerKey('holder', address), canonical, flags);
    }
    case 0x90:
      return brightnessPayload(ctx, registerKey('holder', address), s.holderBrightness);
    case 0x93: // docs/protocol.md §1.3: each selector only on models with the feature
      if (sel === 0x01 && has(ctx, 'autoStart'))
        return selectorFlag(ctx, key, 'get-auto-start', sel, s.autoStart);
      if (sel === 0x02 && has(ctx, 'pauseMode'))
        return selectorFlag(ctx, key, 'get-pause-mode', sel, s.pauseMode);
      if (sel === 0x04 && has(ctx, 'smartGesture'))
        return selectorFlag(ctx, key, 'get-smart-gesture', sel, s.smartGesture);
      return undefined;
    case 0x94: {
      if (!has(ctx, 'flexBattery')) return undefined;
      const canonical = replyPayload('get-flexbattery', { mode: s.flexBattery === 'eco' ? 1 : 0 });
      // D-15: values other than 0 / 1 are stored but mean performance.
      return preferStored(ctx, registerKey('holder', address), canonical, (p) => p[0] === 1);
    }
    default:
      return undefined;
  }
}

/** Payload of a short read of `address` on `unit` with the request's argument (selector) bytes. */
export function readRegister(
  ctx: ScpContext,
  unit: Unit,
  address: number,
  argument: Uint8Array,
): Uint8Array | undefined {
  if (unit === 'charger') return readCharger(ctx, address, argument);
  if (unit === 'holder') return readHolder(ctx, address, argument);
  // docs/protocol.md §7.4: the D2 node serves FlexPuff only.
  if (address !== 0x89 || argument[0] !== 0x03) return undefined;
  const on = has(ctx, 'flexPuff') && ctx.fw.state.settings.flexPuff;
  return selectorFlag(ctx, registerKey('flexpuff', address, 0x03), 'get-flexpuff', 0x03, on);
}
