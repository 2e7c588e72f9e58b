/**
 * The fleet format (docs/fleet.md "The fleet file"), one TypeBox source for the TypeScript types, the
 * validator (`createFleet` and `parseFleet`, through Ajv) and `schema/fleet.schema.json`, which
 * `npm run schema` writes for editors. A fleet is how many devices, of which models in which shares,
 * with which usage habits, from which seed, and optionally which slice of it (shard) to run.
 */
import { type Static, Type } from 'typebox';
import { FAULT_NAMES } from '../../firmware-model/index.js';
import { MODELS } from '../../protocol/index.js';
import { oneOfStrings, ranged } from '../schema/shapes.js';

/** The bounds of every number of the format (docs/fleet.md "The fleet file"). */
export const FLEET_LIMITS = {
  /** Devices in one fleet: the determinism rules hold for any count; one process runs far fewer. */
  count: 1_000_000,
  /** Identity seed (`SeededRandom` keeps 32 bits). */
  seed: 0xffff_ffff,
  /** Slices a fleet may be cut into. */
  shards: 10_000,
  /** Mean heating sessions per device per day. */
  sessionsPerDay: 100,
  /** Mean puffs per session (a session allows 14, docs/device.md §2.2; more end by the puff limit). */
  puffsPerSession: 20,
  /** Longest virtual run a file may ask for, ms: 400 days. */
  durationMs: 400 * 86_400_000,
} as const;

const strict = { additionalProperties: false } as const;
const share = (description: string) => ranged({ min: 0, max: 1 }, description);
const MODEL_ID = oneOfStrings(
  MODELS.map((m) => m.id),
  'model id as `iqsim models` lists it',
);

const MODEL_SHARE = Type.Object(
  { model: MODEL_ID, share: share('share of the fleet of this model; the shares sum to 1') },
  { ...strict, title: 'model with its share' },
);

/** How one group of users uses its devices (docs/fleet.md "Behaviour scripts"). */
const BEHAVIOUR = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'shown in reports' })),
    share: share('share of the fleet with these habits; the shares sum to 1'),
    sessionsPerDay: ranged(
      { min: 0, max: FLEET_LIMITS.sessionsPerDay },
      'mean heating sessions per day (gaps drawn around 24 h / sessionsPerDay)',
    ),
    puffsPerSession: ranged(
      { min: 1, max: FLEET_LIMITS.puffsPerSession, integer: true },
      'mean puffs per session (each session draws ±3 around it)',
    ),
    dockAfterSession: Type.Optional(
      share('chance the holder goes back into its charger after a session (two-piece; default 0.9)'),
    ),
    charging: Type.Optional(
      oneOfStrings(
        ['daily', 'whenLow'] as const,
        'when the charger goes on USB: once a day, or when it falls under 20 % (default whenLow)',
      ),
    ),
  },
  { ...strict, title: 'usage pattern' },
);

const FAULTS = Type.Object(
  {
    share: share('share of the devices that develop a fault during the run'),
    kinds: Type.Optional(
      Type.Array(oneOfStrings(FAULT_NAMES, 'device fault (docs/faults.md §15.1)'), {
        minItems: 1,
        uniqueItems: true,
        description: 'faults drawn from (default holderError and chargerError)',
      }),
    ),
    withinMs: Type.Optional(
      ranged(
        { min: 1, max: FLEET_LIMITS.durationMs, integer: true },
        'a faulty device faults at a time drawn in [0, withinMs) of virtual time (default one day)',
      ),
    ),
  },
  { ...strict, title: 'faults' },
);

const SHARD = Type.Object(
  {
    index: ranged({ min: 0, max: FLEET_LIMITS.shards - 1, integer: true }, 'which slice, from 0'),
    count: ranged({ min: 1, max: FLEET_LIMITS.shards, integer: true }, 'how many slices'),
  },
  {
    ...strict,
    title: 'shard',
    description: 'run the index-th of count disjoint slices (docs/fleet.md "Shards")',
  },
);

/** Everything that says which devices a fleet has and what they do: the file and `createFleet` share it. */
const SPEC_PROPERTIES = {
  count: ranged({ min: 0, max: FLEET_LIMITS.count, integer: true }, 'devices in the whole fleet'),
  seed: Type.Optional(
    ranged(
      { min: 0, max: FLEET_LIMITS.seed, integer: true },
      'fleet seed: identities and habits (default 1)',
    ),
  ),
  models: Type.Array(Type.Union([MODEL_ID, MODEL_SHARE]), {
    minItems: 1,
    description: 'model ids (equal shares) or {model, share} objects',
  }),
  behaviours: Type.Optional(
    Type.Array(BEHAVIOUR, {
      minItems: 1,
      description: 'usage patterns (default: the daily mix of docs/fleet.md)',
    }),
  ),
  faults: Type.Optional(FAULTS),
  shard: Type.Optional(SHARD),
};

const FILE = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.Optional(Type.String({ description: 'shown in reports' })),
    description: Type.Optional(Type.String()),
    ...SPEC_PROPERTIES,
    durationMs: Type.Optional(
      ranged(
        { min: 1, max: FLEET_LIMITS.durationMs, integer: true },
        'virtual time `iqsim fleet` runs it for unless --virtual or --speed says otherwise',
      ),
    ),
  },
  strict,
);

export const FLEET_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'iqsim fleet',
  description: 'A fleet of virtual IQOS devices and how they are used (docs/fleet.md).',
  ...FILE,
};

/** What `createFleet` checks its options against: the file without its file-only fields. */
export const FLEET_SPEC_SCHEMA = Type.Object(SPEC_PROPERTIES);

export type FleetFile = Static<typeof FILE>;
/** The spec as `createFleet` takes it: model ids as plain strings (checked at run time, SIM_UNKNOWN_MODEL). */
export type FleetSpec = Omit<Static<typeof FLEET_SPEC_SCHEMA>, 'models'> & {
  models: readonly (string | { readonly model: string; readonly share: number })[];
};
export type BehaviourSpec = Static<typeof BEHAVIOUR>;
export type FaultsSpec = Static<typeof FAULTS>;
export type ShardSpec = Static<typeof SHARD>;
