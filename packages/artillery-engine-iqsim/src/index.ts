/**
 * artillery-engine-iqsim (docs/artillery.md). Artillery loads an engine with `require()` and
 * constructs what it returns, so the class is also the module's `module.exports` (Node's
 * require(esm) interop name); ES module users import it by name.
 */
import { IqsimEngine } from './engine.js';

export {
  type ArtilleryScript,
  type EngineDeps,
  IqsimEngine,
  type ScenarioCallback,
  type ScenarioSpec,
  type VirtualUserContext,
} from './engine.js';
export { type EngineOptions, ScriptError, type ScriptProblem, STEP_NAMES, type Step } from './format.js';
export { deviceIndex, deviceSeed, parseShard, type Slot } from './identity.js';
export { METRIC } from './metrics.js';
export { EngineError } from './user.js';
export { IqsimEngine as 'module.exports' };
