/**
 * Shape checks on inputs and parameters from outside (scenario files, JSON lines, tests). A malformed
 * input is programmer misuse, so it throws FIRMWARE_INPUT before any state changes; a device
 * condition (a refused start, an unsupported setting) is never an error but a `rejected` event.
 */
import { FirmwareError } from './errors.js';
import type { FirmwareParams } from './params.js';
import { FAULT_NAMES, type FirmwareInput } from './types.js';

const UNITS = ['charger', 'holder'];
const ONE_OF: Record<string, Record<string, readonly string[]>> = {
  button: { unit: UNITS, action: ['press', 'release'] },
  stick: { action: ['insert', 'remove'] },
  usb: { power: ['none', 'normal', 'weak'] },
  level: { unit: UNITS },
  counter: { unit: UNITS },
  fault: { fault: FAULT_NAMES },
  clearFault: { fault: FAULT_NAMES },
};
const FINITE: Record<string, readonly string[]> = {
  puff: ['durationMs', 'flowMlS'],
  ambient: ['tempC'],
  level: ['percent'],
  counter: ['value'],
  connection: ['value'],
  clock: ['seconds'],
  fault: ['bits'],
  clearFault: ['bits'],
};
const REQUIRED_NUMBERS: Record<string, readonly string[]> = {
  ambient: ['tempC'],
  level: ['percent'],
  counter: ['value'],
  connection: ['value'],
  clock: ['seconds'],
};

export function checkInput(input: FirmwareInput): void {
  const record = input as unknown as Record<string, unknown>;
  const fail = (why: string): never => {
    throw new FirmwareError('FIRMWARE_INPUT', `${input.type} input: ${why}`);
  };
  for (const [key, allowed] of Object.entries(ONE_OF[input.type] ?? {}))
    if (!allowed.includes(record[key] as string)) fail(`${key} must be one of ${allowed.join(', ')}`);
  for (const key of REQUIRED_NUMBERS[input.type] ?? [])
    if (record[key] === undefined) fail(`${key} is required`);
  for (const key of FINITE[input.type] ?? []) {
    const value = record[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
      fail(`${key} must be a finite number`);
  }
  if (input.type === 'puff' && (input.durationMs ?? 1) <= 0) fail('durationMs must be above 0');
  if (input.type === 'counter' && typeof input.tag !== 'string') fail('tag must be a hex string such as 8E');
}

/** Parameters that must be above zero, or the loop would never advance (FIRMWARE_PARAM). */
export function checkParams(params: FirmwareParams): void {
  const positive: [string, number][] = [
    ['heater.tickHz', params.heater.tickHz],
    ['heater.reportEveryMs', params.heater.reportEveryMs],
    ['heater.heatCapacityJPerK', params.heater.heatCapacityJPerK],
    ['heater.maxPowerW', params.heater.maxPowerW],
    ['session.maxSeconds', params.session.maxSeconds],
    ['session.energyFractionPerUse', params.session.energyFractionPerUse],
    ['charger.holderChargesPerFull', params.charger.holderChargesPerFull],
    ['usb.weakSourceFactor', params.usb.weakSourceFactor],
  ];
  for (const [name, value] of positive)
    if (!(value > 0))
      throw new FirmwareError('FIRMWARE_PARAM', `parameter '${name}' must be above 0, got ${value}`);
}
