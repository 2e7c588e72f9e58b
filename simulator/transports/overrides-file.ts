/**
 * Register-override files on disk (docs/simulator.md "Register overrides"): read, parsed as JSON and
 * checked by the core's `parseOverrides`. Every failure is SIM_OVERRIDES naming the path (and the
 * line and column of a JSON syntax error), so the CLI exits 2 before any device exists.
 */
import { readFileSync } from 'node:fs';
import { parseOverrides, type RegisterStoreJson, SimulatorError } from '../index.js';
import { jsonErrorPosition } from './json-position.js';

export function loadOverridesFile(path: string): RegisterStoreJson {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new SimulatorError(
      'SIM_OVERRIDES',
      missing ? `no overrides file at ${path}` : `cannot read ${path}: ${String(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line} column ${at.column}` : '';
    throw new SimulatorError(
      'SIM_OVERRIDES',
      `${path} is not valid JSON${where}: ${(error as Error).message}`,
    );
  }
  try {
    return parseOverrides(parsed);
  } catch (error) {
    if (error instanceof SimulatorError)
      throw new SimulatorError('SIM_OVERRIDES', `${path}: ${error.message}`);
    throw error;
  }
}
