/**
 * `iqsim scenario <file> [--model <name>] [--stop-on-failure] [--json]`: runs a scenario file
 * (docs/scenarios.md) against a fresh virtual device in virtual time and prints the report.
 * Exit 0 when every assertion holds, 1 when one fails, 2 when the file cannot be read or is not a
 * valid scenario (each problem printed as `error SIM_SCENARIO: <file>:<line>: <pointer>: <message>`).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import {
  formatScenarioError,
  parseScenario,
  runScenario,
  type ScenarioFailure,
  type ScenarioProgress,
  type ScenarioReport,
} from '../simulator/index.js';
import { createProgressBar, type ProgressBar } from '../transports/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';
import { openTraceFlag, TRACE_FLAGS, TRACE_HELP, TRACE_RATE_FLAGS, TRACE_RATE_HELP } from './trace-flag.js';

interface Flags {
  model?: string;
  stopOnFailure?: boolean;
  json?: boolean;
  capture?: string;
  trace?: string;
  traceRate?: string;
}

/** What `scenario` needs of the process besides `CliIo` (default: `process`). */
export interface ScenarioSignals {
  on(signal: 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGINT', listener: () => void): unknown;
}

export function registerScenario(
  program: Command,
  { io, setExit }: CliContext,
  signals: ScenarioSignals = process,
): void {
  program
    .command('scenario')
    .description(
      'run a scenario file (JSON) against a virtual device in virtual time and check its assertions',
    )
    .argument('<file>', 'scenario file (format: docs/scenarios.md, schema: schema/scenario.schema.json)')
    .option('-m, --model <name>', 'run against this model instead of the file\'s "model"')
    .option('--stop-on-failure', 'stop at the first step that fails')
    .option(CAPTURE_FLAGS, CAPTURE_HELP)
    .option(TRACE_FLAGS, `${TRACE_HELP}; complete when the run ends, SIGINT included`)
    .option(TRACE_RATE_FLAGS, TRACE_RATE_HELP)
    .option('--json', 'print the report as JSON: {"ok", "name", "model", "steps": [...], "durationMs"}')
    .addHelpText(
      'after',
      `
Exit codes: 0 every assertion held, 1 an assertion failed (or SIGINT stopped the run), 2 the file is
unreadable or not a valid scenario. On a terminal a progress bar on stderr shows a long run's steps.

Examples:
  iqsim scenario examples/scenarios/iluma-i-session.json
  iqsim scenario --model iluma-i-prime --json examples/scenarios/fault-and-reset.json
  iqsim scenario examples/scenarios/iluma-i-session.json --trace session.jsonl --trace-rate 10`,
    )
    .action(async (file: string, flags: Flags) => {
      if (flags.model !== undefined) getProfile(flags.model);
      if (flags.trace === undefined && flags.traceRate !== undefined)
        openTraceFlag(undefined, flags.traceRate);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        const reason = (e as { code?: string }).code ?? (e as Error).message;
        io.err(`error SIM_SCENARIO: ${file}: cannot read the file (${reason})\n`);
        if (flags.json)
          io.out(
            `${JSON.stringify({ ok: false, errors: [{ code: 'SIM_SCENARIO', source: file, message: `cannot read the file (${reason})` }] })}\n`,
          );
        setExit(EXIT_USAGE);
        return;
      }
      const parsed = parseScenario(text, file);
      if (!parsed.ok) {
        for (const e of parsed.errors) io.err(`error SIM_SCENARIO: ${formatScenarioError(e)}\n`);
        if (flags.json) io.out(`${JSON.stringify({ ok: false, errors: parsed.errors })}\n`);
        setExit(EXIT_USAGE);
        return;
      }
      const trace = openTraceFlag(flags.trace, flags.traceRate);
      let capture: ReturnType<typeof openCaptureFlag>;
      try {
        capture = openCaptureFlag(flags.capture);
      } catch (e) {
        trace?.file.close();
        throw e;
      }
      const stop = new AbortController();
      const onSigint = (): void => stop.abort();
      signals.on('SIGINT', onSigint);
      const bar = flags.json
        ? undefined
        : createProgressBar({ isTTY: io.errIsTTY, columns: io.errColumns, write: io.err });
      let report: ScenarioReport;
      try {
        report = await runScenario(parsed.scenario, {
          ...(flags.model !== undefined ? { model: flags.model } : {}),
          stopOnFailure: flags.stopOnFailure ?? false,
          ...(capture ? { capture } : {}),
          ...(trace ? { trace: { rateHz: trace.rateHz, sink: trace.file } } : {}),
          progress: { report: hostTurns(bar), everyMs: PROGRESS_EVERY_MS },
          signal: stop.signal,
        });
      } finally {
        signals.off('SIGINT', onSigint);
        bar?.clear();
        trace?.file.close();
        await capture?.finish();
      }
      if (stop.signal.aborted) {
        io.err(`error CLI_INTERRUPTED: SIGINT stopped the run before step #${report.steps.length}\n`);
        report = { ...report, ok: false };
      }
      if (flags.json) io.out(`${JSON.stringify({ ...report, source: file })}\n`);
      else io.out(humanReport(report, file));
      setExit(report.ok ? EXIT_OK : EXIT_FAILED);
    });
}

/** Virtual ms between progress reports inside a step. */
const PROGRESS_EVERY_MS = 1000;
/** Real ms of running between two turns of the event loop (when SIGINT can be seen). */
const TURN_EVERY_MS = 50;

/**
 * The runner's progress hook: draws the bar, and at a step's start gives the event loop a turn when
 * TURN_EVERY_MS have passed, since a run in virtual time otherwise holds it until it ends.
 */
function hostTurns(bar: ProgressBar | undefined): (p: ScenarioProgress) => Promise<void> | undefined {
  let turnAtMs = performance.now();
  return (p) => {
    bar?.update(
      p.step,
      p.steps,
      `step ${Math.min(p.step + 1, p.steps)}/${p.steps}, ${formatTime(p.atMs)} virtual`,
    );
    if (performance.now() - turnAtMs < TURN_EVERY_MS) return undefined;
    turnAtMs = performance.now();
    return new Promise((resolve) => setImmediate(resolve));
  };
}

function humanReport(report: ScenarioReport, file: string): string {
  const lines = [`scenario: ${report.name} (${report.model}, ${file})`];
  const indexWidth = String(report.steps.length).length + 1;
  const timeWidth = formatTime(report.durationMs).length;
  for (const step of report.steps) {
    const title = step.name ? `${step.name}: ${step.label}` : step.label;
    const at = formatTime(step.atMs).padStart(timeWidth);
    lines.push(`  ${step.ok ? 'ok  ' : 'FAIL'} ${`#${step.index}`.padEnd(indexWidth)} ${at}  ${title}`);
    for (const f of step.failures) lines.push(`         ${describeFailure(f)}`);
    for (const r of step.refused ?? []) lines.push(`         note: refused ${r}`);
  }
  const failed = report.steps.filter((s) => !s.ok).length;
  const total = report.steps.length + report.skipped;
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  const duration = `${formatTime(report.durationMs)} of virtual time`;
  lines.push(
    failed > 0
      ? `FAILED: ${failed} of ${total} steps failed${skipped}, ${duration}`
      : report.skipped > 0
        ? `STOPPED: ${report.steps.length} of ${total} steps run${skipped}, ${duration}`
        : `ok: ${total} steps passed, ${duration}`,
  );
  return `${lines.join('\n')}\n`;
}

function describeFailure(f: ScenarioFailure): string {
  const base = `${f.path}: expected ${JSON.stringify(f.expected)}, got ${JSON.stringify(f.actual)}`;
  return f.message ? `${base} (${f.message})` : base;
}

/** Virtual time in seconds with ms precision: `12.345s`. */
function formatTime(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}
