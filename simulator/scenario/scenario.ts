/**
 * Scenarios (issue #4 item 6): a JSON file that scripts one virtual device in virtual time — inputs,
 * waits, client requests, faults — and asserts on its state, lights, vibrations, notifications and
 * replies. docs/scenarios.md describes the format; `SCENARIO_SCHEMA` (scenario-schema.ts) defines it.
 *
 * JSON only. YAML is not supported: the package takes no YAML dependency, and a hand-written YAML
 * subset would read some files differently from real YAML parsers (the `no`/`off` booleans, octal
 * numbers), which is worse than refusing them. Editors validate and complete the JSON from the schema.
 *
 * `parseScenario` never throws on bad input: it returns every problem as `{ code: 'SIM_SCENARIO',
 * pointer, line, column, message }`, the pointer (RFC 6901) and line taken from the text.
 */
import {
  type ChargerStateName,
  DEFAULT_PARAMS,
  type DeepPartial,
  type FaultName,
  type FirmwareInput,
  type FirmwareParams,
  getProfile,
  type HolderStateName,
  type InitialConditions,
  resolveParams,
  type UnitName,
} from '../../firmware-model/index.js';
import { commandByName, encodeCommand, type Fields, parseHex, type Unit } from '../../protocol/index.js';
import { lineColumn, offsetOf, pointerToken, readJson } from './scenario-json.js';
import { SCENARIO_SCHEMA } from './scenario-schema.js';
import { type SchemaIssue, validate } from './scenario-validate.js';

export type { ScenarioFailure } from './scenario-expect.js';
export {
  type RunScenarioOptions,
  runScenario,
  type ScenarioReport,
  type StepReport,
  stepLabel,
} from './scenario-run.js';
export {
  EXPECT_KEYS,
  SCENARIO_SCHEMA,
  type Schema,
  STEP_KINDS,
  type StepKind,
  stepKind,
} from './scenario-schema.js';

/** A number, or a range: `{ "$min": 1, "$max": 5 }` (either bound may be left out). */
export type NumberMatch = number | { $min?: number; $max?: number };
/** What a partial match compares against one field. */
export type FieldMatch = NumberMatch | boolean | string;
/** Which events an event count considers: since the start, since the last action step, or since step n. */
export type Since = 'start' | 'step' | number;

export interface EventCount {
  since?: Since;
  count?: number;
  min?: number;
  max?: number;
}

export interface Expectation {
  holder?: HolderStateName;
  charger?: ChargerStateName;
  holderLight?: Record<string, FieldMatch>;
  chargerLight?: Record<string, FieldMatch>;
  usesLeft?: NumberMatch;
  lastExperience?: Record<string, FieldMatch>;
  counters?: {
    holder?: Record<string, NumberMatch>;
    charger?: Record<string, NumberMatch>;
  } & Record<string, unknown>;
  status?: Record<string, FieldMatch>;
  battery?: Record<string, FieldMatch>;
  settings?: Record<string, unknown>;
  firmware?: Record<string, unknown>;
  vibrations?: EventCount & { reason?: string; unit?: UnitName };
  notifications?: EventCount & { characteristic?: 'battery' | 'status' };
  rejected?: EventCount & { input?: string };
}

export interface ReplyExpectation {
  command?: string;
  hex?: string;
  fields?: Fields;
}

interface StepCommon {
  name?: string;
  comment?: string;
}

export type FaultSpec = { fault: FaultName; bits?: number };

export type ScenarioStep = StepCommon &
  (
    | { input: FirmwareInput }
    | { press: UnitName; holdMs?: number }
    | { puff: { durationMs?: number; flowMlS?: number }; count?: number; everyMs?: number }
    | { wait: number }
    | { waitUntil: Expectation; timeoutMs?: number; pollMs?: number }
    | {
        request: string;
        args?: string[];
        fields?: Fields;
        unit?: Unit;
        expectReply?: ReplyExpectation;
        timeoutMs?: number;
      }
    | { send: string; expectReply?: ReplyExpectation; expectNoReply?: boolean; timeoutMs?: number }
    | { fault: FaultSpec }
    | { clearFault: FaultSpec }
    | { expect: Expectation }
  );

export interface Scenario {
  $schema?: string;
  name: string;
  description?: string;
  model: string;
  seed?: number;
  initial?: InitialConditions;
  params?: DeepPartial<FirmwareParams>;
  steps: ScenarioStep[];
}

export interface ScenarioError {
  readonly code: 'SIM_SCENARIO';
  /** File name (or whatever the caller passed as `source`). */
  readonly source: string;
  /** JSON pointer of the offending value; '' is the whole document. */
  readonly pointer: string;
  /** 1-based line and column of the value (of its key, for a property). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly source: string }
  | { readonly ok: false; readonly errors: readonly ScenarioError[]; readonly source: string };

/** At most this many problems are reported: past it they are mostly echoes of the first. */
const MAX_ERRORS = 50;

/** `file:line: pointer: message`, the form the CLI prints after `error SIM_SCENARIO: `. */
export function formatScenarioError(e: ScenarioError): string {
  return `${e.source}:${e.line}: ${e.pointer || '/'}: ${e.message}`;
}

/** Parses and validates a scenario; never throws on bad input. */
export function parseScenario(text: string, source = 'scenario.json'): ScenarioResult {
  const read = readJson(text);
  const error = (pointer: string, offset: number, message: string): ScenarioError => ({
    code: 'SIM_SCENARIO',
    source,
    pointer,
    ...lineColumn(text, offset),
    message,
  });
  if (!read.ok) {
    const yaml = /^\s*(---|[\w$-]+\s*:)/.test(text) ? ' (scenarios are JSON; YAML is not supported)' : '';
    return { ok: false, source, errors: [error(read.pointer, read.offset, `${read.message}${yaml}`)] };
  }
  const { value, offsets, duplicates } = read.json;
  const issues: SchemaIssue[] = duplicates.map((pointer) => ({
    pointer,
    message: `duplicate property "${pointer.slice(pointer.lastIndexOf('/') + 1)}"`,
  }));
  issues.push(...validate(value, SCENARIO_SCHEMA));
  if (issues.length === 0) issues.push(...semanticIssues(value as Scenario));
  if (issues.length === 0) return { ok: true, source, scenario: value as Scenario };
  const errors = issues
    .map((i) => ({ at: offsetOf(offsets, i.pointer), issue: i }))
    .sort((a, b) => a.at - b.at)
    .slice(0, MAX_ERRORS)
    .map(({ at, issue }) => error(issue.pointer, at, issue.message));
  return { ok: false, source, errors };
}

/** Checks the schema cannot express: parameter names, command names and arguments, hex, step indices. */
function semanticIssues(scenario: Scenario): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (scenario.params !== undefined) {
    checkParams(scenario.params, DEFAULT_PARAMS, '/params', issues);
    if (issues.length === 0) {
      try {
        resolveParams(getProfile(scenario.model), scenario.params);
      } catch (e) {
        issues.push({ pointer: '/params', message: (e as Error).message });
      }
    }
  }
  scenario.steps.forEach((step, index) => {
    const at = `/steps/${index}`;
    if ('request' in step) {
      const command = commandByName(step.request);
      if (!command) {
        issues.push({
          pointer: `${at}/request`,
          message: `unknown command '${step.request}' (see iqsim encode --help)`,
        });
        return;
      }
      if (step.unit !== undefined && !command.units.includes(step.unit)) {
        issues.push({
          pointer: `${at}/unit`,
          message: `${step.request} is served by ${command.units.join('/')}`,
        });
        return;
      }
      try {
        encodeCommand(step.request, {
          args: step.args ?? [],
          fields: step.fields ?? {},
          ...unitOf(step.unit),
        });
      } catch (e) {
        const where = step.fields ? 'fields' : step.args ? 'args' : 'request';
        issues.push({ pointer: `${at}/${where}`, message: (e as Error).message });
      }
    }
    if ('send' in step) {
      const hex = parseHex(step.send);
      if (!hex.ok) issues.push({ pointer: `${at}/send`, message: hex.error.message });
      if (step.expectNoReply && step.expectReply)
        issues.push({ pointer: `${at}/expectNoReply`, message: 'a step cannot expect a reply and no reply' });
    }
    if ('puff' in step && (step.count ?? 1) > 1 && step.everyMs === undefined)
      issues.push({
        pointer: `${at}/count`,
        message: 'repeated puffs need "everyMs" (time from one puff to the next)',
      });
    const expectation = 'expect' in step ? step.expect : 'waitUntil' in step ? step.waitUntil : undefined;
    if (!expectation) return;
    const key = 'expect' in step ? 'expect' : 'waitUntil';
    for (const what of ['vibrations', 'notifications', 'rejected'] as const) {
      const since = expectation[what]?.since;
      if (typeof since === 'number' && since > index)
        issues.push({
          pointer: `${at}/${key}/${what}/since`,
          message: `step ${since} comes after this step (${index}): "since" names an earlier step`,
        });
    }
  });
  return issues;
}

function unitOf(unit: Unit | undefined): { unit?: Unit } {
  return unit === undefined ? {} : { unit };
}

/** Parameter overrides against the default parameter tree: unknown names and wrong types, with pointers. */
function checkParams(value: unknown, base: unknown, pointer: string, issues: SchemaIssue[]): void {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    if (typeof value !== typeof base || Array.isArray(value) !== Array.isArray(base))
      issues.push({ pointer, message: `must be ${Array.isArray(base) ? 'an array' : `a ${typeof base}`}` });
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ pointer, message: 'must be an object (a parameter group)' });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const at = `${pointer}/${pointerToken(key)}`;
    if (!Object.hasOwn(base, key)) {
      const known = Object.keys(base).join(', ');
      issues.push({ pointer: at, message: `unknown parameter "${key}" (known here: ${known})` });
    } else checkParams(child, (base as Record<string, unknown>)[key], at, issues);
  }
}
