/**
 * What `iqsim fleet` prints for people (docs/fleet.md "The command"): the header line, the summary
 * block (states, sessions, faults, charging, lateness, isolated devices), the progress bar of a
 * virtual-time run, and the durations it reads and writes (`90s`, `30m`, `24h`, `7d`, or plain ms).
 */
import type { FleetStats } from '../simulator/index.js';
import type { FleetRegistryReport } from '../testing/index.js';
import { CliUsageError } from './io.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--virtual`: a whole number with an optional unit (ms, s, m, h, d), 1 ms .. `maxMs`; else CLI_BAD_DURATION. */
export function parseDuration(text: string, maxMs: number): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  const ms = match ? Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] as number)) : Number.NaN;
  if (!(ms >= 1 && ms <= maxMs))
    throw new CliUsageError(
      'CLI_BAD_DURATION',
      `--virtual must be a duration of 1 ms to ${formatDuration(maxMs)} (e.g. 90s, 30m, 24h, 7d), got '${text}'`,
    );
  return ms;
}

/** `3d 04:05:06` / `04:05:06.789`: virtual time for people. */
export function formatDuration(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  const m = Math.floor((rest % 3_600_000) / 60_000);
  const s = Math.floor((rest % 60_000) / 1000);
  const clock = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** `[#######.............]  35%`, 20 cells wide. */
export function progressBar(done: number, total: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const cells = Math.round(fraction * 20);
  return `[${'#'.repeat(cells)}${'.'.repeat(20 - cells)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

const histogram = (table: Record<string, number>): string =>
  Object.entries(table)
    .sort(([, a], [, b]) => b - a)
    .map(([state, n]) => `${state} ${n}`)
    .join('  ') || '-';

/** The summary block, one line per concern. */
export function summaryLines(stats: FleetStats, registry?: FleetRegistryReport): string[] {
  const lines = [
    `holder   ${histogram(stats.states.holder)}`,
    `charger  ${histogram(stats.states.charger)}`,
    `sessions ${stats.sessions} (${stats.failedStarts} could not start)  puffs ${stats.puffs}  refused inputs ${stats.rejected}`,
    `faults   ${stats.faults.injected} injected (${histogram(stats.faults.byKind)}), ${stats.faults.errors} ERROR states`,
    `charging ${stats.charging.usbPlugs} USB plug-ins, ${stats.charging.holderCharges} holder charges`,
  ];
  if (stats.lateness) {
    const l = stats.lateness;
    lines.push(
      `lateness p50 ${l.p50Ms} ms  p99 ${l.p99Ms} ms  max ${l.maxMs} ms  (${l.samples} due times served)`,
    );
  }
  if (registry) {
    const refused = Object.entries(registry.refused)
      .map(([code, n]) => `${code} ${n}`)
      .join('  ');
    lines.push(`registry ${registry.calls} calls, ${registry.ok} ok, ${registry.paired} devices paired`);
    lines.push(`refused  ${refused || 'nothing'}`);
  }
  const first = stats.isolated[0];
  if (first)
    lines.push(
      `isolated ${stats.isolated.length} device(s), first #${first.index} at ${formatDuration(first.atMs)}: ${first.code} ${first.message}`,
    );
  return lines;
}
