/**
 * Register-override files on disk (docs/simulator.md "Register overrides"): read, parsed as JSON and
 * checked by the core's `parseOverrides`. Every failure is SIM_OVERRIDES naming the path (and the
 * line and column of a JSON syntax error), so the CLI exits 2 before any device exists.
 */
import { checkDocument, parseOverrides, type RegisterStoreJson, SimulatorError } from '../simulator/index.js';
import { readInputFile } from './persistence.js';

export function loadOverridesFile(path: string): RegisterStoreJson {
  const text = readInputFile(path, 'SIM_OVERRIDES', 'overrides');
  const read = checkDocument<unknown>(text, () => []);
  if (!read.ok) {
    const first = read.issues[0];
    const where = first ? ` at line ${first.line} column ${first.column}: ${first.message}` : '';
    throw new SimulatorError('SIM_OVERRIDES', `${path} is not valid JSON${where}`);
  }
  const parsed = read.value;
  try {
    return parseOverrides(parsed);
  } catch (error) {
    if (error instanceof SimulatorError)
      throw new SimulatorError('SIM_OVERRIDES', `${path}: ${error.message}`);
    throw error;
  }
}
