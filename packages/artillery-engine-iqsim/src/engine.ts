/**
 * The Artillery engine (docs/artillery.md): Artillery makes one per worker thread with
 * `new Engine(script, ee, helpers)` and calls `createScenario(scenarioSpec, ee)` once per scenario;
 * the function it returns runs one virtual user, `(context, callback)`, emitting `started`, then
 * `counter` and `histogram` as it goes, `done` (or `error` with a code) at the end, and calls back.
 *
 * iqsim itself is imported on the first virtual user, not when Artillery loads the engine: Artillery
 * `require()`s engines, and the engine stays loadable (its script checked) whatever iqsim pulls in.
 */
import {
  type EngineOptions,
  parseFlow,
  parseOptions,
  ScriptError,
  type ScriptProblem,
  type Step,
} from './format.js';
import { deviceIndex, deviceSeed, type PhaseLike, parseShard, type Slot, workerOf } from './identity.js';
import { Metrics, type ScenarioEvents } from './metrics.js';
import { EngineError, type IqsimTesting, type UserClock, type UserPlan, VirtualUser } from './user.js';

/** The part of an Artillery script the engine reads. */
export interface ArtilleryScript {
  readonly config: {
    readonly target?: string;
    readonly engine?: string;
    readonly phases?: readonly PhaseLike[];
    readonly engines?: Readonly<Record<string, unknown>>;
  };
  readonly scenarios?: readonly ScenarioSpec[];
}

export interface ScenarioSpec {
  readonly name?: string;
  readonly engine?: string;
  readonly flow?: unknown;
}

/** What Artillery passes each virtual user; the engine reads only its test run id. */
export interface VirtualUserContext {
  vars?: Record<string, unknown>;
}

export type ScenarioCallback = (error: Error | null, context: VirtualUserContext) => void;

/** How the engine reaches iqsim and real time: replaced in unit tests. */
export interface EngineDeps {
  load(): Promise<IqsimTesting>;
  clock: UserClock;
  env: Readonly<Record<string, string | undefined>>;
}

const ENGINE_NAME = 'iqsim';
const DEFAULTS = { model: 'iluma-i', seed: 1, country: 'DE' } as const;

const defaultDeps = (): EngineDeps => ({
  load: () => import('iqsim/testing'),
  clock: {
    nowMs: () => performance.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
  env: process.env,
});

export class IqsimEngine {
  private readonly options: Required<Omit<EngineOptions, 'shard'>>;
  private readonly slot: Slot;
  private readonly target: string;
  private readonly deps: EngineDeps;
  private iqsim: Promise<IqsimTesting> | undefined;
  /** Virtual users started by this instance (this worker thread). */
  private started = 0;

  constructor(script: ArtilleryScript, _ee?: unknown, _helpers?: unknown, deps: Partial<EngineDeps> = {}) {
    this.deps = { ...defaultDeps(), ...deps };
    const { options, problems } = parseOptions(script.config.engines?.[ENGINE_NAME]);
    const shardText = options.shard ?? this.deps.env.IQSIM_SHARD ?? '0/1';
    const shard = parseShard(shardText);
    if (!shard)
      problems.push({
        path: 'config.engines.iqsim.shard',
        message: `"${shardText}" is not i/n with 0 ≤ i < n`,
      });
    if (!script.config.target)
      problems.push({ path: 'config.target', message: 'the URL of the registration service is required' });
    (script.scenarios ?? []).forEach((scenario, i) => {
      if ((scenario.engine ?? script.config.engine) === ENGINE_NAME)
        problems.push(...parseFlow(scenario.flow, `scenarios[${i}].flow`).problems);
    });
    if (problems.length > 0) throw new ScriptError(problems);
    this.options = { ...DEFAULTS, ...options };
    this.target = script.config.target as string;
    this.slot = { shard: shard?.shard ?? 0, shards: shard?.shards ?? 1, ...workerOf(script.config.phases) };
  }

  createScenario(spec: ScenarioSpec, ee: ScenarioEvents) {
    const { steps, problems } = parseFlow(spec.flow, `scenario ${spec.name ?? ''}`.trim());
    if (problems.length > 0) throw new ScriptError(problems as ScriptProblem[]);
    return (context: VirtualUserContext, callback: ScenarioCallback): void => {
      ee.emit('started');
      const plan = this.nextPlan(context);
      this.runUser(plan, steps, new Metrics(ee)).then(
        () => {
          ee.emit('done');
          callback(null, context);
        },
        (error: unknown) => {
          const failure = asEngineError(error);
          ee.emit('error', failure.code);
          callback(failure, context);
        },
      );
    };
  }

  /** The identity of the next virtual user of this worker thread (identity.ts). */
  private nextPlan(context: VirtualUserContext): UserPlan {
    const index = deviceIndex(this.slot, this.started);
    this.started += 1;
    const testId = String(context.vars?.$testId ?? 'local');
    return {
      index,
      seed: deviceSeed(this.options.seed, index),
      model: this.options.model,
      country: this.options.country,
      target: this.target,
      runTag:
        testId
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 16) || 'local',
    };
  }

  private async runUser(plan: UserPlan, steps: readonly Step[], metrics: Metrics): Promise<void> {
    this.iqsim ??= this.deps.load().catch((error: unknown) => {
      this.iqsim = undefined;
      throw new EngineError(
        'IQSIM_NOT_INSTALLED',
        `artillery-engine-iqsim needs the iqsim package beside it (npm install iqsim): ${(error as Error).message}`,
      );
    });
    const user = await VirtualUser.start(await this.iqsim, plan, metrics, this.deps.clock);
    try {
      for (const step of steps) await user.run(step);
    } finally {
      await user.close();
    }
  }
}

/** Any failure as an error with a code: the engine's own, iqsim's (`SIM_*`), or IQSIM_FAILED. */
function asEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError(typeof code === 'string' ? code : 'IQSIM_FAILED', message);
}
