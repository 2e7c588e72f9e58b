/**
 * Scenarios (issue #4 item 6): a JSON file that scripts one virtual device in virtual time — inputs,
 * waits, client requests, faults — and asserts on its state, lights, vibrations, notifications and
 * replies. docs/scenarios.md describes the format; format.ts defines it (types and JSON Schema from
 * one TypeBox source); this module parses and checks a file; scenario-run.ts runs one.
 *
 * JSON only. YAML is not supported: the package takes no YAML dependency, and a hand-written YAML
 * subset would read some files differently from real YAML parsers (the `no`/`off` booleans, octal
 * numbers), which is worse than refusing them. Editors validate and complete the JSON from the schema.
 *
 * `parseScenario` never throws on bad input: it returns every problem as `{ code: 'SIM_SCENARIO',
 * pointer, line, column, message }`, the pointer (RFC 6901) and line taken from the text.
 */
import { DEFAULT_PARAMS, Firmware } from '../../firmware-model/index.js';
import { commandByName, encodeCommand, parseHex, type Unit } from '../../protocol/index.js';
import { checkDocument } from '../schema/document.js';
import { pointerToken } from '../schema/json-located.js';
import { type SchemaIssue, schemaChecker } from '../schema/validator.js';
import { FIRMWARE_INPUT_SCHEMA, SCENARIO_SCHEMA, type Scenario } from './format.js';

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

/** `file:line: pointer: message`, the form the CLI prints after `error SIM_SCENARIO: `. */
export function formatScenarioError(e: ScenarioError): string {
  return `${e.source}:${e.line}: ${e.pointer || '/'}: ${e.message}`;
}

const checkSchema = schemaChecker(SCENARIO_SCHEMA);

/** The problems of one firmware input value (the scenario format's `firmwareInput`), [] when valid. */
export const checkFirmwareInputValue = schemaChecker(FIRMWARE_INPUT_SCHEMA);

/** Parses and validates a scenario; never throws on bad input. */
export function parseScenario(text: string, source = 'scenario.json'): ScenarioResult {
  const result = checkDocument<Scenario>(text, checkSchema, semanticIssues);
  if (result.ok) return { ok: true, source, scenario: result.value };
  const yaml =
    result.syntax && /^\s*(---|[\w$-]+\s*:)/.test(text) ? ' (scenarios are JSON; YAML is not supported)' : '';
  const errors = result.issues.map((issue, i) => ({
    code: 'SIM_SCENARIO' as const,
    source,
    ...issue,
    message: i === 0 ? `${issue.message}${yaml}` : issue.message,
  }));
  return { ok: false, source, errors };
}

/** Checks the schema cannot express: parameter names, command names and arguments, hex, step indices. */
function semanticIssues(scenario: Scenario): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (scenario.params !== undefined) checkParams(scenario.params, DEFAULT_PARAMS, '/params', issues);
  if (issues.length === 0) issues.push(...firmwareIssues(scenario));
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

/**
 * Parameters and initial conditions as the firmware checks them (ranges such as `heater.tickHz`
 * 10…10 000 Hz): a device is built from them here, so a bad value is a parse error with its pointer
 * rather than a failure when the run starts.
 */
function firmwareIssues(scenario: Scenario): SchemaIssue[] {
  try {
    new Firmware(scenario.model, {
      ...(scenario.params ? { params: scenario.params } : {}),
      ...(scenario.initial ? { initial: scenario.initial } : {}),
    });
    return [];
  } catch (e) {
    const message = (e as Error).message;
    const param = /^parameter '([\w.]+)'/.exec(message)?.[1];
    const initial = /^initial (\w+)/.exec(message)?.[1];
    const pointer = param
      ? `/params/${param.split('.').map(pointerToken).join('/')}`
      : initial
        ? `/initial/${initial}`
        : scenario.params
          ? '/params'
          : '';
    return [{ pointer, message }];
  }
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
