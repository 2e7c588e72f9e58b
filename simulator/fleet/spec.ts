/**
 * Checking a fleet, from a file (`parseFleet`: every problem placed at its line, never throws) or from
 * `createFleet` options (`resolveFleetSpec`: the first problem as a SimulatorError `SIM_FLEET`), and
 * filling in the defaults (docs/fleet.md "The fleet file"). What the schema cannot say is checked
 * here: shares that sum to 1, a shard inside its count, a model named twice.
 */
import type { FaultName } from '../../firmware-model/index.js';
import { findModel, type ModelId } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';
import { checkDocument, type PlacedIssue } from '../schema/document.js';
import { type SchemaIssue, schemaChecker } from '../schema/validator.js';
import {
  type BehaviourSpec,
  FLEET_SCHEMA,
  FLEET_SPEC_SCHEMA,
  type FleetFile,
  type FleetSpec,
} from './format.js';

/** A usage pattern with its defaults filled in. */
export type Behaviour = Required<BehaviourSpec>;

export interface ResolvedFleet {
  readonly count: number;
  readonly seed: number;
  readonly models: readonly { readonly model: ModelId; readonly share: number }[];
  readonly behaviours: readonly Behaviour[];
  readonly faults: {
    readonly share: number;
    readonly kinds: readonly FaultName[];
    readonly withinMs: number;
  };
  readonly shard: { readonly index: number; readonly count: number };
}

/**
 * The daily mix used when a fleet names no behaviours (docs/fleet.md "Behaviour scripts"): a third of
 * light users, half regular, the rest heavy.
 */
export const DEFAULT_BEHAVIOURS: readonly Behaviour[] = [
  {
    name: 'light',
    share: 0.3,
    sessionsPerDay: 5,
    puffsPerSession: 10,
    dockAfterSession: 0.95,
    charging: 'daily',
  },
  {
    name: 'regular',
    share: 0.5,
    sessionsPerDay: 10,
    puffsPerSession: 12,
    dockAfterSession: 0.9,
    charging: 'whenLow',
  },
  {
    name: 'heavy',
    share: 0.2,
    sessionsPerDay: 20,
    puffsPerSession: 14,
    dockAfterSession: 0.7,
    charging: 'whenLow',
  },
];

export const DEFAULT_FAULT_KINDS: readonly FaultName[] = ['holderError', 'chargerError'];
const DAY_MS = 86_400_000;
/** Shares are decimals: they may miss 1 by rounding, by no more than this. */
const SHARE_TOLERANCE = 1e-6;

export interface FleetError {
  readonly code: 'SIM_FLEET';
  readonly source: string;
  readonly pointer: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type FleetResult =
  | { readonly ok: true; readonly fleet: FleetFile; readonly source: string }
  | { readonly ok: false; readonly errors: readonly FleetError[]; readonly source: string };

/** `file:line: pointer: message`, the form the CLI prints after `error SIM_FLEET: `. */
export function formatFleetError(e: FleetError): string {
  return `${e.source}:${e.line}: ${e.pointer || '/'}: ${e.message}`;
}

const checkFile = schemaChecker(FLEET_SCHEMA);
const checkSpec = schemaChecker(FLEET_SPEC_SCHEMA);

/** Parses and checks a fleet file; never throws on bad input. */
export function parseFleet(text: string, source = 'fleet.json'): FleetResult {
  const result = checkDocument<FleetFile>(text, checkFile, semanticIssues);
  if (result.ok) return { ok: true, source, fleet: result.value };
  const errors = result.issues.map((issue: PlacedIssue) => ({
    code: 'SIM_FLEET' as const,
    source,
    ...issue,
  }));
  return { ok: false, source, errors };
}

/** The spec checked and completed; the first problem throws SIM_FLEET (SIM_UNKNOWN_MODEL for a model). */
export function resolveFleetSpec(spec: FleetSpec): ResolvedFleet {
  for (const [i, entry] of (Array.isArray(spec.models) ? spec.models : []).entries()) {
    const model = typeof entry === 'string' ? entry : entry?.model;
    if (typeof model === 'string' && !findModel(model))
      throw new SimulatorError(
        'SIM_UNKNOWN_MODEL',
        `/models/${i}: unknown model '${model}' (see iqsim models)`,
        {
          pointer: `/models/${i}`,
        },
      );
  }
  const issues = checkSpec(spec);
  if (issues.length === 0) issues.push(...semanticIssues(spec));
  const first = issues[0];
  if (first)
    throw new SimulatorError('SIM_FLEET', `${first.pointer || '/'}: ${first.message}`, {
      pointer: first.pointer,
    });
  return resolved(spec);
}

function modelShares(spec: FleetSpec): { model: ModelId; share: number }[] {
  return spec.models.map((entry) =>
    typeof entry === 'string'
      ? { model: entry as ModelId, share: 1 / spec.models.length }
      : { model: entry.model as ModelId, share: entry.share },
  );
}

function resolved(spec: FleetSpec): ResolvedFleet {
  const behaviours = (spec.behaviours ?? DEFAULT_BEHAVIOURS).map((b, i) => ({
    name: b.name ?? `behaviour ${i + 1}`,
    share: b.share,
    sessionsPerDay: b.sessionsPerDay,
    puffsPerSession: b.puffsPerSession,
    dockAfterSession: b.dockAfterSession ?? 0.9,
    charging: b.charging ?? 'whenLow',
  }));
  return {
    count: spec.count,
    seed: spec.seed ?? 1,
    models: modelShares(spec),
    behaviours,
    faults: {
      share: spec.faults?.share ?? 0,
      kinds: spec.faults?.kinds ?? DEFAULT_FAULT_KINDS,
      withinMs: spec.faults?.withinMs ?? DAY_MS,
    },
    shard: spec.shard ?? { index: 0, count: 1 },
  };
}

/** The checks the schema cannot express, on a value the schema accepted. */
function semanticIssues(spec: FleetSpec): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (spec.models.every((m) => typeof m !== 'string')) sharesSumToOne(spec.models, '/models', issues);
  else if (spec.models.some((m) => typeof m !== 'string'))
    issues.push({
      pointer: '/models',
      message: 'name every model alone (equal shares) or every one with its share, not a mix',
    });
  const seen = new Map<string, number>();
  spec.models.forEach((entry, i) => {
    const model = typeof entry === 'string' ? entry : entry.model;
    const before = seen.get(model);
    if (before !== undefined)
      issues.push({ pointer: `/models/${i}`, message: `${model} is already /models/${before}` });
    seen.set(model, i);
  });
  if (spec.behaviours) sharesSumToOne(spec.behaviours, '/behaviours', issues);
  if (spec.shard && spec.shard.index >= spec.shard.count)
    issues.push({
      pointer: '/shard/index',
      message: `shard ${spec.shard.index} is out of range: a fleet in ${spec.shard.count} shards has shards 0..${spec.shard.count - 1}`,
    });
  return issues;
}

function sharesSumToOne(entries: readonly { share: number }[], pointer: string, issues: SchemaIssue[]): void {
  const sum = entries.reduce((total, e) => total + e.share, 0);
  if (Math.abs(sum - 1) > SHARE_TOLERANCE)
    issues.push({ pointer, message: `the shares sum to ${Number(sum.toFixed(6))}, not 1` });
}
