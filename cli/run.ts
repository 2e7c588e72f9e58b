/**
 * `iqsim run --model <name> [--state file.json] [--seed n] [--json] [--speed x] [--duration-ms n]`
 * (issue #4 items 7 and 10): one virtual device in real time through the real-time pump, driven by
 * keys (live view on a TTY) or JSON-line firmware inputs on stdin, printing its events. With
 * `--state` the device is restored from the file when it exists and saved to it atomically after
 * state changes (at most every 200 ms) and on exit, so even `kill -9` leaves a file that restores.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { FirmwareError, type FirmwareInput, getProfile } from '../firmware-model/index.js';
import { createVirtualDevice, SimulatorError, TraceSampler, type VirtualDevice } from '../simulator/index.js';
import {
  createSnapshotWriter,
  hostRtcSeconds,
  loadSnapshot,
  saveSnapshotAtomic,
  startRealTimePump,
} from '../transports/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { type CliContext, type CliIo, EXIT_FAILED } from './io.js';
import { numericOption, OPTIONS } from './options.js';
import { KeyControls, parseInputLine } from './run-input.js';
import { SPARK_MIN_COLUMNS, SparkHistory, sparkRateHz } from './run-spark.js';
import { formatEvent, isReading, LiveView, statusLines, type ViewInfo } from './run-view.js';
import { openSerialForRun, type SerialForRun } from './serial-run.js';
import {
  openTraceFlag,
  TRACE_FLAGS,
  TRACE_HELP,
  TRACE_RATE_FLAGS,
  TRACE_RATE_HELP,
  type TraceFlag,
} from './trace-flag.js';

/** The process streams `run` needs beyond `CliIo` (defaults: `process.stdin` and `process`). */
export interface RunStdio {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  signals: {
    on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
    off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  };
}

interface Flags {
  model: string;
  state?: string;
  seed: string;
  json?: boolean;
  speed: string;
  durationMs?: string;
  serial?: string;
  capture?: string;
  trace?: string;
  traceRate?: string;
}

/** One serving of a device: where it prints, how it reads inputs, how long, and the pty it may serve. */
export interface Session {
  io: CliIo;
  stdio: RunStdio;
  setExit: (code: number) => void;
  mode: 'json' | 'lines' | 'view';
  speed: number;
  durationMs: number | undefined;
  statePath: string | undefined;
  pty?: SerialForRun;
  /** `--trace`: the file and its rate; the session samples into it and closes it when it ends. */
  trace?: TraceFlag;
}

export function registerRun(
  program: Command,
  { io, setExit }: CliContext,
  stdio: RunStdio = { stdin: process.stdin, signals: process },
): void {
  program
    .command('run')
    .description('run one virtual device in real time: live view and keys on a TTY, JSON lines with --json')
    .requiredOption('-m, --model <name>', 'model id (see iqsim models)')
    .option(
      '--state <file>',
      'restore from this JSON snapshot if it exists; save to it atomically as it runs',
    )
    .option(
      '--seed <n>',
      'identity seed of a fresh device, 0..4294967295 (a restored one keeps its own)',
      '1',
    )
    .option(
      '--json',
      'print every device event as one JSON line; read firmware inputs as JSON lines on stdin',
    )
    .option('--speed <x>', 'virtual ms per real ms, above 0 and at most 1000000', '1')
    .option(
      '--duration-ms <n>',
      'stop after n ms of real time, 0..2147483647 (default: until q, SIGINT or SIGTERM)',
    )
    .option('--serial <path>', 'also serve 64-byte 3F reports on a pty at <path> (made with socat)')
    .option(CAPTURE_FLAGS, `${CAPTURE_HELP}; everything the device does, complete on exit`)
    .option(TRACE_FLAGS, `${TRACE_HELP}; complete on exit (q, SIGINT, SIGTERM)`)
    .option(TRACE_RATE_FLAGS, TRACE_RATE_HELP)
    .addHelpText(
      'after',
      `
Keys (live view): b holder button, c charger button (press/release toggles), s stick, p puff,
d dock/undock, u USB on/off, q quit. A terminal 100 columns wide or more also shows heater °C and
battery sparklines.

Examples:
  iqsim run --model iluma-i --state ~/.iqsim/iluma.json
  echo '{"type":"undock"}' | iqsim run --model iluma-i --json --speed 10 --duration-ms 2000
  iqsim run --model iluma-i --speed 20 --trace session.csv --trace-rate 5`,
    )
    .action(async (flags: Flags) => {
      const seed = numericOption(OPTIONS.seed, flags.seed);
      const speed = numericOption(OPTIONS.speed, flags.speed);
      const durationMs =
        flags.durationMs === undefined ? undefined : numericOption(OPTIONS.durationMs, flags.durationMs);
      const modelId = getProfile(flags.model).id;
      if (flags.trace === undefined && flags.traceRate !== undefined)
        openTraceFlag(undefined, flags.traceRate);
      const device = openDevice(modelId, seed, flags.state);
      const interactive = stdio.stdin.isTTY === true && typeof stdio.stdin.setRawMode === 'function';
      const mode = flags.json ? 'json' : interactive ? 'view' : 'lines';
      const pty =
        flags.serial === undefined
          ? undefined
          : await openSerialForRun(flags.serial, io, setExit, flags.json === true);
      let capture: ReturnType<typeof openCaptureFlag>;
      let trace: TraceFlag | undefined;
      try {
        capture = openCaptureFlag(flags.capture);
        trace = openTraceFlag(flags.trace, flags.traceRate);
      } catch (e) {
        pty?.close();
        await capture?.finish();
        throw e;
      }
      device.captureTo(capture);
      try {
        await runSession(device, {
          io,
          stdio,
          setExit,
          mode,
          speed,
          durationMs,
          statePath: flags.state,
          pty,
          ...(trace ? { trace } : {}),
        });
      } finally {
        trace?.file.close();
        device.captureTo(undefined);
        await capture?.finish();
      }
    });
}

/**
 * The device from `statePath` when that file exists, else a fresh one saved there at once (so a bad
 * path fails now, with exit 2). A file that does not load or restore is a SIM_SNAPSHOT error and is
 * left as it is.
 */
export function openDevice(modelId: string, seed: number, statePath: string | undefined): VirtualDevice {
  if (statePath === undefined || !existsSync(statePath)) {
    const device = createVirtualDevice({
      model: modelId,
      seed,
      firmware: { initial: { rtcSeconds: hostRtcSeconds() } },
    });
    if (statePath !== undefined) saveSnapshotAtomic(statePath, device.snapshot());
    return device;
  }
  const snapshot = loadSnapshot(statePath);
  let device: VirtualDevice;
  try {
    device = createVirtualDevice({ model: modelId, snapshot });
  } catch (e) {
    const code = e instanceof FirmwareError || e instanceof SimulatorError ? `${e.code} ` : '';
    throw new SimulatorError(
      'SIM_SNAPSHOT',
      `${statePath} does not restore: ${code}${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (device.model !== modelId)
    throw new SimulatorError('SIM_SNAPSHOT', `${statePath} holds model ${device.model}, not ${modelId}`);
  // Save at once, as for a fresh device, so an unwritable place fails now rather than mid-run.
  saveSnapshotAtomic(statePath, device.snapshot());
  return device;
}

/** Runs `device` in real time until q, a signal or `durationMs` (shared with `iqsim replay --as-device`). */
export function runSession(device: VirtualDevice, s: Session): Promise<void> {
  const { io, stdio, mode } = s;
  const keys = new KeyControls();
  const info: ViewInfo = {
    model: device.model,
    speed: s.speed,
    statePath: s.statePath,
    held: keys.held,
    // The view is cut to the terminal's width so the redraw in place never wraps.
    ...(process.stdout.isTTY && process.stdout.columns ? { columns: process.stdout.columns } : {}),
  };
  const view = mode === 'view' ? new LiveView((text) => io.out(text)) : undefined;
  const samplers: TraceSampler[] = [];
  if (s.trace) samplers.push(new TraceSampler(device, { rateHz: s.trace.rateHz, sink: s.trace.file }));
  const spark = view && (info.columns ?? 0) >= SPARK_MIN_COLUMNS ? new SparkHistory(200) : undefined;
  if (spark) {
    // A live chart: a sample as soon as its instant passes, not up to a second later.
    const rateHz = sparkRateHz(s.speed);
    samplers.push(new TraceSampler(device, { rateHz, sink: spark, maxLagMs: 1000 / rateHz }));
  }
  let saveReported = false;
  const saveFailed = (e: SimulatorError): void => {
    if (!saveReported) {
      io.err(`error ${e.code}: ${e.message}\n`);
      if (mode === 'json')
        io.out(`${JSON.stringify({ ok: false, error: { code: e.code, message: e.message } })}\n`);
    }
    saveReported = true;
    s.setExit(EXIT_FAILED);
  };
  const writer =
    s.statePath === undefined
      ? undefined
      : createSnapshotWriter(s.statePath, () => device.snapshot(), { onError: saveFailed });
  const report = (code: string, message: string): void => {
    if (mode === 'json') io.out(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
    else if (mode === 'lines') io.err(`error ${code}: ${message}\n`);
    else info.message = `error ${code}: ${message}`;
  };
  const subscription = device.events$.subscribe((event) => {
    writer?.changed();
    if (mode === 'json') io.out(`${JSON.stringify(event)}\n`);
    else if (mode === 'lines') io.out(`${formatEvent(event)}\n`);
    else if (!isReading(event)) {
      info.lastEvent = event;
      info.message = undefined;
    }
  });

  return new Promise<void>((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    let finished = false;
    let failure: unknown;
    const draw = (): void =>
      view?.draw([...statusLines(device, pump.nowMs(), info), ...(spark?.lines(info.columns ?? 0) ?? [])]);
    const finish = (error?: unknown): void => {
      failure ??= error;
      if (finished) return;
      finished = true;
      pump.stop(); // one last advance to now, so the final save has the time that passed
      for (const sampler of samplers) sampler.close();
      for (const cleanup of cleanups.reverse()) cleanup();
      subscription.unsubscribe();
      try {
        writer?.changed();
        writer?.close();
      } catch (e) {
        if (e instanceof SimulatorError) saveFailed(e);
        else failure ??= e;
      }
      if (view) {
        draw();
        view.close();
      }
      if (failure === undefined) resolve();
      else reject(failure);
    };
    let drawnAtMs = Number.NEGATIVE_INFINITY;
    const onTick = (atMs: number): void => {
      for (const sampler of samplers)
        if (atMs >= (sampler.nextDeadline() ?? Number.POSITIVE_INFINITY)) sampler.handleTimeout(atMs);
      // While heating the pump wakes at every heater report; 20 redraws a second are plenty.
      if (!view || performance.now() - drawnAtMs < 50) return;
      drawnAtMs = performance.now();
      draw();
    };
    const onTransmit = s.pty?.attach(device, () => pump.nowMs(), s.speed, finish);
    // The pump wakes at least once per sampler's lag (real ms), so samples never fall further behind.
    const maxWaitMs = Math.max(1, Math.min(100, ...samplers.map((sampler) => sampler.maxLagMs / s.speed)));
    const pump = startRealTimePump(device, {
      speed: s.speed,
      maxWaitMs,
      onTick,
      onError: finish,
      onTransmit,
    });
    if (s.pty) cleanups.push(() => s.pty?.close());
    const apply = (input: FirmwareInput): void => {
      if (finished) return;
      try {
        pump.input(input);
      } catch (e) {
        if (e instanceof FirmwareError || e instanceof SimulatorError) report(e.code, e.message);
        else finish(e);
      }
    };

    if (mode === 'view') cleanups.push(readKeys(stdio.stdin, keys, device, apply, () => finish()));
    else cleanups.push(readLines(stdio.stdin, apply, report));
    const onSignal = (): void => finish();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      stdio.signals.on(signal, onSignal);
      cleanups.push(() => stdio.signals.off(signal, onSignal));
    }
    if (s.durationMs !== undefined) {
      const timer = setTimeout(() => finish(), s.durationMs);
      cleanups.push(() => clearTimeout(timer));
    }
    draw();
  });
}

/** JSON-line firmware inputs; returns the cleanup. Bad lines are reported and skipped; EOF changes nothing. */
function readLines(
  stdin: RunStdio['stdin'],
  apply: (input: FirmwareInput) => void,
  report: (code: string, message: string) => void,
): () => void {
  const lines = createInterface({ input: stdin, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  lines.on('line', (line) => {
    const parsed = parseInputLine(line);
    if (!parsed) return;
    if (parsed.ok) apply(parsed.input);
    else report('CLI_BAD_INPUT', parsed.message);
  });
  return () => {
    lines.close();
    stdin.pause();
  };
}

/** Single keys in raw mode; returns the cleanup, which restores cooked mode. */
function readKeys(
  stdin: RunStdio['stdin'],
  keys: KeyControls,
  device: VirtualDevice,
  apply: (input: FirmwareInput) => void,
  quit: () => void,
): () => void {
  const onData = (chunk: string | Buffer): void => {
    for (const key of String(chunk)) {
      const action = keys.action(key, device.firmware.state);
      if (action.kind === 'quit') {
        quit();
        return;
      }
      if (action.kind === 'input') apply(action.input);
    }
  };
  stdin.setRawMode?.(true);
  stdin.setEncoding('utf8');
  stdin.on('data', onData);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode?.(false);
    stdin.pause();
  };
}
