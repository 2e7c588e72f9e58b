/**
 * Models and the capability matrix clients use (docs/protocol.md §1.1, §1.3, §2.3, §3.3, D-12, D-20), as
 * data. Behaviour (timings, batteries, heating) lives in the firmware model; this is what the wire shows.
 */
import { ProtocolError } from './errors.js';
import type { Unit } from './nodes.js';

export type Capability =
  | 'brightness'
  | 'vibration'
  | 'lock'
  | 'findMy'
  | 'smartGesture'
  | 'autoStart'
  | 'flexPuff'
  | 'flexBattery'
  | 'pauseMode'
  | 'chargeStartVibration';

/** What the wire shows of a model, besides its id. */
export interface ModelFields {
  readonly displayName: string;
  readonly form: 'two-piece' | 'one-piece';
  /** Whether the device answers SCP at all (only the ILUMA family is known to, docs/protocol.md §1.1). */
  readonly scp: boolean;
  /** Units that answer SCP (one-piece devices answer C0 and C9; D2 only on ILUMA i / i PRIME, D-12). */
  readonly units: readonly Unit[];
  readonly capabilities: readonly Capability[];
  /** Advertised name; `{hex6}` is replaced by six hex digits of the identity (docs/protocol.md §2.3). */
  readonly advertisedName: string;
  /** DIS model number (D-20: M0000 where unknown). */
  readonly disModelNumber: string;
}

export interface ModelInfo extends ModelFields {
  /** Name used by `--model`. */
  readonly id: ModelId;
}

const BASE: readonly Capability[] = ['brightness', 'vibration', 'lock', 'findMy'];

function iluma(
  displayName: string,
  form: ModelInfo['form'],
  extra: readonly Capability[],
  disModelNumber = 'M0000',
): ModelFields {
  return {
    displayName,
    form,
    scp: true,
    units: extra.includes('flexPuff') ? ['charger', 'holder', 'flexpuff'] : ['charger', 'holder'],
    capabilities: [...BASE, ...extra],
    advertisedName: `IQOS ${displayName}`,
    disModelNumber,
  };
}

function legacy(displayName: string, form: ModelInfo['form'], advertisedName: string): ModelFields {
  return {
    displayName,
    form,
    scp: false,
    units: [],
    capabilities: [],
    advertisedName,
    disModelNumber: 'M0000',
  };
}

/**
 * Every model, keyed by the id `--model` takes, in the order lists show them. This is the one
 * place a model is added: `ModelId` is its keys, and the firmware profile table is keyed by
 * `ModelId`, so the compiler points at the profile row the new model still needs.
 */
const MODEL_TABLE = {
  'iqos-2.4-plus': legacy('2.4 PLUS', 'two-piece', 'IQOS_{hex6}'),
  'iqos-3': legacy('3', 'two-piece', 'IQOS3_{hex6}'),
  'iqos-3-duo': legacy('3 DUO', 'two-piece', 'IQOS3_{hex6}'),
  'iqos-3-multi': legacy('3 MULTI', 'one-piece', 'IQOS3_{hex6}'),
  iluma: iluma('ILUMA', 'two-piece', ['smartGesture', 'chargeStartVibration']),
  'iluma-prime': iluma('ILUMA PRIME', 'two-piece', ['smartGesture', 'chargeStartVibration']),
  'iluma-one': iluma('ILUMA ONE', 'one-piece', []),
  'iluma-i': iluma(
    'ILUMA i',
    'two-piece',
    ['smartGesture', 'autoStart', 'flexPuff', 'flexBattery', 'pauseMode', 'chargeStartVibration'],
    'M0022',
  ),
  'iluma-i-prime': iluma('ILUMA i PRIME', 'two-piece', [
    'smartGesture',
    'autoStart',
    'flexPuff',
    'flexBattery',
    'pauseMode',
    'chargeStartVibration',
  ]),
  'iluma-i-one': iluma('ILUMA i ONE', 'one-piece', ['smartGesture', 'autoStart'], 'M0023'),
} satisfies Record<string, ModelFields>;

/** A model id as `--model` spells it (lower case). */
export type ModelId = keyof typeof MODEL_TABLE;

export const MODELS: readonly ModelInfo[] = Object.entries(MODEL_TABLE).map(([id, fields]) => ({
  id: id as ModelId,
  ...fields,
}));

export function findModel(id: string): ModelInfo | undefined {
  return MODELS.find((m) => m.id === id.toLowerCase());
}

/** The model of `id`; throws PROTOCOL_RANGE naming the known models otherwise. */
export function getModel(id: string): ModelInfo {
  const model = findModel(id);
  if (!model) {
    throw new ProtocolError(
      'PROTOCOL_RANGE',
      `unknown model '${id}'; known: ${MODELS.map((m) => m.id).join(', ')}`,
    );
  }
  return model;
}

/**
 * The model a client infers from an advertised name (docs/protocol.md §2.3, the crate's rule): first match of
 * ILUMA I PRIME, ILUMA I ONE, ILUMA I, ILUMA PRIME, ILUMA ONE, ILUMA in the upper-cased name.
 */
export function modelFromAdvertisedName(name: string): ModelInfo | undefined {
  const upper = name.toUpperCase();
  const order = ['ILUMA I PRIME', 'ILUMA I ONE', 'ILUMA I', 'ILUMA PRIME', 'ILUMA ONE', 'ILUMA'];
  const hit = order.find((key) => upper.includes(key));
  return hit ? MODELS.find((m) => m.displayName.toUpperCase() === hit) : undefined;
}
