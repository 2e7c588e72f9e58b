/**
 * The options of a fault injection (`FaultOptions`, faults-catalogue.ts) as a TypeBox schema, so the
 * injector refuses a bad one with the same tooling and messages as scenarios and state files, before
 * anything is scheduled. Ranges: the firmware's own where the option becomes a firmware input
 * (bits u8, ambient −40…85 °C, levels %, counter values u24), otherwise what the fault can mean.
 */
import { type TSchema, Type } from 'typebox';
import { AMBIENT_RANGE_C } from '../../firmware-model/index.js';
import { oneOfStrings, partial, ranged } from '../schema/shapes.js';
import { schemaChecker } from '../schema/validator.js';
import type { FaultOptions } from './faults-catalogue.js';

export const FAULT_OPTIONS_SCHEMA = partial(
  {
    bits: ranged({ min: 0, max: 0xff, integer: true }, 'error or warning bits (docs/protocol.md §3.5)'),
    tempC: ranged(AMBIENT_RANGE_C, 'ambient, °C'),
    cold: Type.Boolean(),
    percent: ranged({ min: 0, max: 100 }, 'level, %'),
    value: ranged({ min: 0, max: 0xff_ffff, integer: true }, 'contact value (F-11) or counter value (F-26)'),
    unit: oneOfStrings(['holder', 'charger'] as const),
    tag: Type.String({ pattern: '^[0-9A-Fa-f]{1,2}$' }),
    count: ranged(
      { min: 1, max: 1000, integer: true },
      'puffs (F-07), replies to drop or delay (F-43, F-44)',
    ),
    intervalMs: ranged({ min: 0, max: 3_600_000 }, 'gap between puffs, ms (F-07)'),
    delayMs: ranged({ min: 0, max: 60_000 }, 'extra reply latency, ms (F-44)'),
    index: ranged({ min: 0, max: 255, integer: true }, 'fragment to drop, 0-based (F-46)'),
    keepBytes: ranged({ min: 1, max: 4096, integer: true }, 'frame bytes a request keeps (F-41)'),
    variant: oneOfStrings(['removeStick', 'press', 'undock', 'dock', 'register', 'node'] as const),
    failAt: ranged({ min: 0, max: 1 }, 'how far the update got, 0…1 (F-25)'),
    uuid: Type.String({ minLength: 1 }),
  } satisfies Record<keyof FaultOptions, TSchema>,
  'options of one fault injection',
);

/** The problems of a fault's options, [] when they conform. */
export const checkFaultOptions = schemaChecker(FAULT_OPTIONS_SCHEMA);
