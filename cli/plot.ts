/**
 * `iqsim plot <trace> [--svg out.svg] [--png out.png]` (docs/traces.md "Plots"): draws the session
 * chart of a trace file (either format). The output files are created before anything is drawn, so
 * a path that cannot be written is an exit 2 at once; `--png` screenshots the SVG in headless
 * Chromium (no browser: TRANSPORT_BROWSER_MISSING, exit 2).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { chartData, readTrace } from '../simulator/index.js';
import { renderTraceSvg, svgToPng } from '../transports/index.js';
import { type CliContext, CliUsageError } from './io.js';

interface Flags {
  svg?: string;
  png?: string;
  scale: string;
  json?: boolean;
}

/** Opens `path` for writing now; CLI_WRITE_FAILED (exit 2) when it cannot be. */
function openOut(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (e) {
    throw new CliUsageError('CLI_WRITE_FAILED', `cannot write ${path}: ${(e as Error).message}`);
  }
}

export function registerPlot(program: Command, { io }: CliContext): void {
  program
    .command('plot')
    .description('draw the heating-session chart of a trace (iqsim run/scenario --trace) as SVG or PNG')
    .argument('<trace>', 'trace file, CSV or JSON lines (docs/traces.md)')
    .option('--svg <file>', 'write the chart as SVG')
    .option('--png <file>', 'write the chart as PNG, rendered by headless Chromium')
    .option('--scale <n>', 'PNG pixels per SVG pixel, 1..4', '1')
    .option('--json', 'print what was drawn as JSON: {"ok", "phases", "puffs", "ends", "svg", "png"}')
    .addHelpText(
      'after',
      `
The chart: heater temperature with the pre-heat and session phases shaded, the counted puffs and each
session's end reason; holder and charger battery; the lights of both units; one time axis.

Examples:
  iqsim scenario examples/scenarios/iluma-i-session.json --trace session.jsonl
  iqsim plot session.jsonl --svg session.svg --png session.png`,
    )
    .action(async (file: string, flags: Flags) => {
      if (flags.svg === undefined && flags.png === undefined)
        throw new CliUsageError('CLI_USAGE', 'plot needs --svg <file>, --png <file> or both');
      const scale = Number(flags.scale);
      if (!(Number.isInteger(scale) && scale >= 1 && scale <= 4))
        throw new CliUsageError(
          'CLI_BAD_OPTION',
          `--scale must be a whole number 1..4, got '${flags.scale}'`,
        );
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new CliUsageError('CLI_READ_FAILED', `cannot read ${file}: ${(e as Error).message}`);
      }
      const trace = readTrace(text);
      const outputs = [flags.svg, flags.png].map((path) => (path === undefined ? undefined : openOut(path)));
      try {
        const svg = await renderTraceSvg(trace);
        if (outputs[0] !== undefined) writeSync(outputs[0], svg);
        if (outputs[1] !== undefined) writeSync(outputs[1], await svgToPng(svg, scale));
      } finally {
        for (const fd of outputs) if (fd !== undefined) closeSync(fd);
      }
      const data = chartData(trace);
      const summary = {
        ok: true,
        phases: data.phases.map((p) => ({ phase: p.phase, fromMs: p.fromMs, toMs: p.toMs })),
        puffs: data.puffsAtMs.length,
        ends: data.ends,
        ...(flags.svg !== undefined ? { svg: flags.svg } : {}),
        ...(flags.png !== undefined ? { png: flags.png } : {}),
      };
      if (flags.json) io.out(`${JSON.stringify(summary)}\n`);
      else
        io.out(
          `plot: ${summary.phases.length} phases, ${summary.puffs} puffs, ${data.ends.length} session end(s)${[
            flags.svg,
            flags.png,
          ]
            .filter((p) => p !== undefined)
            .map((p) => ` → ${p}`)
            .join('')}\n`,
        );
    });
}
