/**
 * The two ways `iqsim fleet` moves time (docs/fleet.md "How a fleet runs"). Virtual time: the clock
 * advances in slices sized to take about 50 ms of real time each, yielding to the event loop between
 * slices (so SIGINT is heard and the progress bar redraws) and stopping at each registry call due.
 * Real time: the clock pump of transports/ follows the process clock at `speed`. Both stop on SIGINT
 * (or SIGTERM) and say which way they ended.
 */
import { performance } from 'node:perf_hooks';
import type { Fleet } from '../simulator/index.js';
import type { FleetRegistryDriver } from '../testing/index.js';
import { startClockPump } from '../transports/index.js';
import { formatDuration, progressBar, summaryLines } from './fleet-view.js';
import type { CliIo } from './io.js';

export type Outcome = 'end' | 'SIGINT';

/** Real time one virtual slice should take, ms, and how often a TTY is redrawn, ms. */
const SLICE_WALL_MS = 50;
const REDRAW_MS = 250;
const MIN_SLICE_MS = 1_000;
const MAX_SLICE_MS = 6 * 3_600_000;

/** A block of lines redrawn in place on a TTY. */
class LiveBlock {
  private lines = 0;
  private drawnAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly io: CliIo) {}

  draw(lines: readonly string[], force = false): void {
    const now = performance.now();
    if (!force && now - this.drawnAtMs < REDRAW_MS) return;
    this.drawnAtMs = now;
    const up = this.lines > 0 ? `\x1b[${this.lines}F\x1b[J` : '';
    this.io.out(`${up}${lines.join('\n')}\n`);
    this.lines = lines.length;
  }

  clear(): void {
    if (this.lines > 0) this.io.out(`\x1b[${this.lines}F\x1b[J`);
    this.lines = 0;
  }
}

export interface Interruption {
  stopped(): boolean;
  readonly signalled: Promise<Outcome>;
  off(): void;
}

/**
 * Listens for SIGINT and SIGTERM from now on (before the first line is printed, so a signal sent as
 * soon as it appears is heard); `signalled` resolves with 'SIGINT' on the first one.
 */
export function interruption(): Interruption {
  let stopped = false;
  let resolve: (outcome: Outcome) => void = () => undefined;
  const signalled = new Promise<Outcome>((r) => {
    resolve = r;
  });
  const onSignal = (): void => {
    stopped = true;
    resolve('SIGINT');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopped: () => stopped,
    signalled,
    off: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runVirtual(
  fleet: Fleet,
  signal: Interruption,
  o: { io: CliIo; live: boolean; durationMs: number; driver?: FleetRegistryDriver },
): Promise<Outcome> {
  const block = o.live ? new LiveBlock(o.io) : undefined;
  const startMs = fleet.clock.now();
  const endMs = startMs + o.durationMs;
  const wallStartMs = performance.now();
  let sliceMs = 60_000;
  const draw = (force = false) =>
    block?.draw(
      [
        `virtual ${formatDuration(fleet.clock.now() - startMs)} / ${formatDuration(o.durationMs)} ` +
          `${progressBar(fleet.clock.now() - startMs, o.durationMs)}  wall ${((performance.now() - wallStartMs) / 1000).toFixed(1)} s`,
        ...summaryLines(fleet.stats(), o.driver?.report()),
      ],
      force,
    );
  try {
    await o.driver?.start();
    await o.driver?.runDue();
    while (!signal.stopped() && fleet.clock.now() < endMs) {
      const began = performance.now();
      const dueMs = o.driver?.nextAtMs();
      const target = Math.min(endMs, fleet.clock.now() + sliceMs, dueMs ?? Number.POSITIVE_INFINITY);
      fleet.clock.advanceTo(Math.max(target, fleet.clock.now()));
      await o.driver?.runDue();
      const spentMs = performance.now() - began;
      const scale = spentMs > 0 ? Math.min(2, Math.max(0.5, SLICE_WALL_MS / spentMs)) : 2;
      sliceMs = Math.min(MAX_SLICE_MS, Math.max(MIN_SLICE_MS, Math.round(sliceMs * scale)));
      draw();
      await nextTurn();
    }
  } finally {
    block?.clear();
  }
  return signal.stopped() ? 'SIGINT' : 'end';
}

export async function runRealTime(
  fleet: Fleet,
  signal: Interruption,
  o: { io: CliIo; live: boolean; speed: number; durationMs: number | undefined; realStart: { ms: number } },
): Promise<Outcome> {
  const block = o.live ? new LiveBlock(o.io) : undefined;
  const startMs = fleet.clock.now();
  let failure: unknown;
  let finish: (outcome: Outcome) => void = () => undefined;
  const ended = new Promise<Outcome>((resolve) => {
    finish = resolve;
  });
  o.realStart.ms = performance.now();
  const pump = startClockPump(fleet.clock, {
    speed: o.speed,
    onError: (error) => {
      failure = error;
      finish('end');
    },
  });
  const timer = setInterval(() => {
    const ranMs = fleet.clock.now() - startMs;
    block?.draw([`virtual ${formatDuration(ranMs)} at ${o.speed}×`, ...summaryLines(fleet.stats())]);
    if (o.durationMs !== undefined && ranMs >= o.durationMs) finish('end');
  }, SLICE_WALL_MS);
  let outcome: Outcome;
  try {
    outcome = await Promise.race([ended, signal.signalled]);
  } finally {
    clearInterval(timer);
    pump.stop();
    block?.clear();
  }
  if (failure !== undefined) throw failure;
  return outcome;
}
