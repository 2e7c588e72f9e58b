/**
 * Scenario assertions: an `Expectation` against the device now (state, lights, records, counters)
 * and against the events it has raised (vibrations, notifications, refused inputs). Objects match
 * partially and deeply (only the keys given are compared); a number may be a `{ $min, $max }` range.
 */
import type { Firmware } from '../../firmware-model/index.js';
import { toHex } from '../../protocol/index.js';
import type { DeviceEvent } from '../device/device.js';
import type { EventCount, Expectation, Since } from './format.js';

export interface ScenarioFailure {
  /** Where in the step, e.g. `expect.holderLight.colour` or `expectReply.fields.percent`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  /** More context when the values alone do not tell (what was seen instead, an error). */
  readonly message?: string;
}

export interface ExpectContext {
  readonly firmware: Firmware;
  readonly events: readonly DeviceEvent[];
  /** Index into `events` where `since` starts counting. */
  sinceIndex(since: Since | undefined): number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function isRange(v: unknown): v is { $min?: number; $max?: number } {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === '$min' || k === '$max');
}

/** Values as JSON can carry them (bytes as hex), for reports. */
export function jsonSafe(v: unknown): unknown {
  if (v instanceof Uint8Array) return toHex(v);
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v;
}

/** Partial deep match of `expected` in `actual`; pushes one failure per differing leaf. */
export function matchPartial(expected: unknown, actual: unknown, path: string, out: ScenarioFailure[]): void {
  const fail = () => out.push({ path, expected, actual: jsonSafe(actual) });
  if (isRange(expected)) {
    const { $min, $max } = expected;
    if (
      typeof actual !== 'number' ||
      ($min !== undefined && actual < $min) ||
      ($max !== undefined && actual > $max)
    )
      fail();
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      fail();
      return;
    }
    expected.forEach((e, i) => {
      matchPartial(e, actual[i], `${path}[${i}]`, out);
    });
    return;
  }
  if (isObject(expected)) {
    if (!isObject(actual)) {
      fail();
      return;
    }
    for (const [key, e] of Object.entries(expected)) matchPartial(e, actual[key], `${path}.${key}`, out);
    return;
  }
  // Byte fields compare as hex, whatever the spacing and case.
  const same =
    actual instanceof Uint8Array && typeof expected === 'string'
      ? expected.replace(/[\s:]+/g, '').toUpperCase() === toHex(actual, '')
      : Object.is(expected, actual);
  if (!same) fail();
}

/** Counter tags are hex: "8e" and "8E" name the same block. */
function upperKeys(v: unknown): unknown {
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toUpperCase(), x])) : v;
}

/** Every failure of `expectation` now; `base` prefixes the paths (`expect` or `waitUntil`). */
export function evaluate(expectation: Expectation, ctx: ExpectContext, base: string): ScenarioFailure[] {
  const out: ScenarioFailure[] = [];
  const fw = ctx.firmware;
  const s = fw.state;
  const at = (key: string) => `${base}.${key}`;
  for (const [key, expected] of Object.entries(expectation)) {
    switch (key) {
      case 'holder':
      case 'charger':
        if (s[key].state !== expected) out.push({ path: at(key), expected, actual: s[key].state });
        break;
      case 'holderLight':
        matchPartial(expected, s.holder.light, at(key), out);
        break;
      case 'chargerLight':
        matchPartial(expected, s.charger.light, at(key), out);
        break;
      case 'usesLeft':
        matchPartial(expected, s.holder.usesLeft, at(key), out);
        break;
      case 'lastExperience':
        matchPartial(expected, s.holder.lastExperience, at(key), out);
        break;
      case 'counters': {
        const c = { ...(expected as Json) };
        if (c.holder) c.holder = upperKeys(c.holder);
        if (c.charger) c.charger = upperKeys(c.charger);
        matchPartial(c, fw.counters(), at(key), out);
        break;
      }
      case 'status':
        matchPartial(expected, fw.status(), at(key), out);
        break;
      case 'battery':
        matchPartial(expected, fw.battery(), at(key), out);
        break;
      case 'settings':
        matchPartial(expected, s.settings, at(key), out);
        break;
      case 'firmware':
        matchPartial(expected, s, at(key), out);
        break;
      case 'vibrations':
      case 'notifications':
      case 'rejected':
        countEvents(key, expected as EventCount & Json, ctx, at(key), out);
        break;
    }
  }
  return out;
}

const EVENT_TYPE = { vibrations: 'vibration', notifications: 'notify', rejected: 'rejected' } as const;

function countEvents(
  key: keyof typeof EVENT_TYPE,
  spec: EventCount & Json,
  ctx: ExpectContext,
  path: string,
  out: ScenarioFailure[],
): void {
  const from = ctx.sinceIndex(spec.since);
  const type = EVENT_TYPE[key];
  const seen: DeviceEvent[] = [];
  for (let i = from; i < ctx.events.length; i++) {
    const e = ctx.events[i] as DeviceEvent;
    if (e.type === type) seen.push(e);
  }
  const matching = seen.filter((e) => {
    if (e.type === 'vibration')
      return (
        (spec.reason === undefined || e.reason === spec.reason) &&
        (spec.unit === undefined || e.unit === spec.unit)
      );
    if (e.type === 'notify')
      return spec.characteristic === undefined || e.characteristic === spec.characteristic;
    if (e.type === 'rejected') return spec.input === undefined || e.input === spec.input;
    return false;
  });
  const n = matching.length;
  const listed = seen.slice(0, MAX_LISTED).map(describeEvent);
  if (seen.length > MAX_LISTED) listed.push(`… ${seen.length - MAX_LISTED} more`);
  const message = `seen since ${spec.since ?? 'start'}: ${listed.length === 0 ? 'none' : listed.join(', ')}`;
  const check = (what: string, expected: unknown, ok: boolean) => {
    if (!ok) out.push({ path: `${path}.${what}`, expected, actual: n, message });
  };
  if (spec.count !== undefined) check('count', spec.count, n === spec.count);
  if (spec.min !== undefined) check('min', { $min: spec.min }, n >= spec.min);
  if (spec.max !== undefined) check('max', { $max: spec.max }, n <= spec.max);
  if (spec.count === undefined && spec.min === undefined && spec.max === undefined)
    check('min', { $min: 1 }, n >= 1);
}

const MAX_LISTED = 12;

function describeEvent(e: DeviceEvent): string {
  const t = `@${e.atMs}ms`;
  if (e.type === 'vibration') return `${e.unit} ${e.reason}${t}`;
  if (e.type === 'notify') return `${e.characteristic}${t}`;
  if (e.type === 'rejected') return `${e.input} (${e.reason})${t}`;
  return `${e.type}${t}`;
}
