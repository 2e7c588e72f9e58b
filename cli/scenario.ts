/**
 * `iqsim scenario <file> [--model <name>] [--stop-on-failure] [--json]`: runs a scenario file
 * (docs/scenarios.md) against a fresh virtual device in virtual time and prints the report.
 * Exit 0 when every assertion holds, 1 when one fails, 2 when the file cannot be read or is not a
 * valid scenario (each problem printed as `error SIM_SCENARIO: <file>:<line>: <pointer>: <message>`).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { getProfile } from '../firmware-model/index.js';
import {
  formatScenarioError,
  parseScenario,
  runScenario,
  type ScenarioFailure,
  type ScenarioReport,
} from '../simulator/index.js';
import { CAPTURE_FLAGS, CAPTURE_HELP, openCaptureFlag } from './capture-flag.js';
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './io.js';

interface Flags {
  model?: string;
  stopOnFailure?: boolean;
  json?: boolean;
  capture?: string;
}

export function registerScenario(program: Command, { io, setExit }: CliContext): void {
  program
    .command('scenario')
    .description(
      'run a scenario file (JSON) against a virtual device in virtual time and check its assertions',
    )
    .argument('<file>', 'scenario file (format: docs/scenarios.md, schema: schema/scenario.schema.json)')
    .option('-m, --model <name>', 'run against this model instead of the file\'s "model"')
    .option('--stop-on-failure', 'stop at the first step that fails')
    .option(CAPTURE_FLAGS, CAPTURE_HELP)
    .option('--json', 'print the report as JSON: {"ok", "name", "model", "steps": [...], "durationMs"}')
    .addHelpText(
      'after',
      `
Exit codes: 0 every assertion held, 1 an assertion failed, 2 the file is unreadable or not a valid scenario.

Examples:
  iqsim scenario examples/scenarios/iluma-i-session.json
  iqsim scenario --model iluma-i-prime --json examples/scenarios/fault-and-reset.json`,
    )
    .action(async (file: string, flags: Flags) => {
      if (flags.model !== undefined) getProfile(flags.model);
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
      const capture = openCaptureFlag(flags.capture);
      const report = await runScenario(parsed.scenario, {
        ...(flags.model !== undefined ? { model: flags.model } : {}),
        stopOnFailure: flags.stopOnFailure ?? false,
        ...(capture ? { capture } : {}),
      });
      await capture?.finish();
      if (flags.json) io.out(`${JSON.stringify({ ...report, source: file })}\n`);
      else io.out(humanReport(report, file));
      setExit(report.ok ? EXIT_OK : EXIT_FAILED);
    });
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
    failed === 0
      ? `ok: ${total} steps passed, ${duration}`
      : `FAILED: ${failed} of ${total} steps failed${skipped}, ${duration}`,
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
