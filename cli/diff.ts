/**
 * `iqsim diff A B [--json] [--ignore rule…] [--no-default-ignores] [--timing-bands ms,…] [--no-timing]
 * [--only kinds] [--limit n]` (docs/captures.md "Decoded diff"): compares two captures of any format as
 * decoded transcripts. Exit codes: 0 no difference, 1 differences, 2 a capture that does not read or a
 * bad option.
 */
import type { Command } from 'commander';
import {
  type CaptureEvent,
  DEFAULT_IGNORES,
  DEFAULT_TIMING_BANDS_MS,
  type Difference,
  type DiffResult,
  diffTranscripts,
  type TranscriptEntry,
  type TranscriptKind,
  transcriptOf,
} from '../simulator/index.js';
import { readCaptureForCli } from './capture-flag.js';
import { type CliContext, type CliIo, CliUsageError, EXIT_FAILED } from './io.js';

const KINDS: readonly TranscriptKind[] = ['scp', 'bad-frame', 'att', 'garbage', 'link'];
/** Most differences printed or listed (1 … 1,000,000); `count` still counts them all. */
const LIMIT_RANGE = [1, 1_000_000] as const;

interface Flags {
  json?: boolean;
  ignore: string[];
  defaultIgnores: boolean;
  timingBands: string;
  timing: boolean;
  only?: string;
  limit: string;
}

/** A capture read and decoded, with what the report says about it. */
export interface Side {
  readonly label: string;
  readonly format: string;
  readonly events: readonly CaptureEvent[];
  readonly entries: readonly TranscriptEntry[];
}

export function registerDiff(program: Command, { io, setExit }: CliContext): void {
  program
    .command('diff')
    .description(
      'compare two captures as decoded transcripts (registers, fields, reply timing); exit 1 if they differ',
    )
    .argument('<a>', 'a capture: JSON lines, btsnoop or pcapng')
    .argument('<b>', 'the capture to compare it with')
    .option('--json', 'print one JSON object')
    .option(
      '--ignore <rule>',
      'ignore a command (get-clock) or a field (get-battery-percent.level); * matches anything; repeatable',
      (rule: string, rules: string[]) => [...rules, rule],
      [],
    )
    .option(
      '--no-default-ignores',
      `compare clocks, serials, counters and addresses too (${DEFAULT_IGNORES.length} rules)`,
    )
    .option(
      '--timing-bands <ms,…>',
      'reply-latency band edges, ms, ascending',
      DEFAULT_TIMING_BANDS_MS.join(','),
    )
    .option('--no-timing', 'do not compare reply latencies')
    .option('--only <kinds>', `compare only these entry kinds: ${KINDS.join(', ')}`)
    .option('--limit <n>', 'list at most n differences', '1000')
    .addHelpText(
      'after',
      `
Examples:
  iqsim diff unit-a.btsnoop unit-b.btsnoop
  iqsim diff sim.jsonl bench.pcapng --only scp --no-timing --json
  iqsim diff a.jsonl b.jsonl --ignore 'get-battery-percent.level' --ignore 'get-sensor'`,
    )
    .action(async (a: string, b: string, flags: Flags) => {
      const options = diffOptions(flags);
      const [left, right] = [await readSide(a), await readSide(b)];
      const result = diffTranscripts(left.entries, right.entries, options);
      printDiff(io, flags.json === true, left, right, result, options.kinds);
      if (result.count > 0) setExit(EXIT_FAILED);
    });
}

/** The diff options the flags ask for; bad values are usage errors (exit 2). */
export function diffOptions(flags: Flags) {
  const bands = flags.timing ? parseBands(flags.timingBands) : [];
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < LIMIT_RANGE[0] || limit > LIMIT_RANGE[1])
    throw new CliUsageError(
      'CLI_BAD_LIMIT',
      `--limit must be a whole number ${LIMIT_RANGE.join('..')}, got '${flags.limit}'`,
    );
  const kinds = flags.only === undefined ? undefined : parseKinds(flags.only);
  const ignore = [...(flags.defaultIgnores ? DEFAULT_IGNORES : []), ...flags.ignore];
  return { ignore, timingBandsMs: bands, limit, ...(kinds ? { kinds } : {}) };
}

function parseBands(text: string): number[] {
  const bands = text.split(',').map((part) => Number(part.trim()));
  const ascending = bands.every((ms, i) => i === 0 || ms > (bands[i - 1] as number));
  if (text.trim() === '' || !ascending || bands.some((ms) => !Number.isFinite(ms) || ms <= 0 || ms > 600_000))
    throw new CliUsageError(
      'CLI_BAD_BANDS',
      `--timing-bands must be ascending numbers of ms above 0 and at most 600000, e.g. 20,100,500; got '${text}'`,
    );
  return bands;
}

function parseKinds(text: string): TranscriptKind[] {
  const kinds = text.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new CliUsageError(
      'CLI_BAD_OPTION',
      `--only takes ${KINDS.join(', ')}; got '${unknown.join(', ')}'`,
    );
  return kinds as TranscriptKind[];
}

/** Reads and decodes a capture file; a file that does not read is its SIM_CAPTURE_* error (exit 2). */
export async function readSide(path: string): Promise<Side> {
  const { format, events } = await readCaptureForCli(path);
  return { label: path, format, events, entries: transcriptOf(events) };
}

/** Prints a diff as text (one block per difference) or as one JSON object. */
export function printDiff(
  io: CliIo,
  json: boolean,
  a: Side,
  b: Side,
  result: DiffResult,
  kinds: readonly TranscriptKind[] | undefined,
): void {
  const compared = (side: Side) =>
    kinds ? side.entries.filter((e) => kinds.includes(e.kind)) : side.entries;
  const [left, right] = [compared(a), compared(b)];
  const at = (entries: readonly TranscriptEntry[], i: number | undefined): Place => {
    const entry = i === undefined ? undefined : entries[i];
    if (i === undefined || !entry) return undefined;
    return { entry: i, event: entry.event, tS: round((entry.tUs - (entries[0]?.tUs ?? 0)) / 1e6) };
  };
  if (json) {
    const side = (s: Side, entries: readonly TranscriptEntry[]) => ({
      file: s.label,
      format: s.format,
      events: s.events.length,
      entries: entries.length,
    });
    const differences = result.differences.map((d) => ({
      ...d,
      ...('a' in d ? { a: at(left, d.a) } : {}),
      ...('b' in d ? { b: at(right, d.b) } : {}),
    }));
    io.out(
      `${JSON.stringify({ ok: true, equal: result.count === 0, a: side(a, left), b: side(b, right), count: result.count, differences })}\n`,
    );
    return;
  }
  io.out(`A ${a.label}: ${a.format}, ${a.events.length} events, ${left.length} entries\n`);
  io.out(`B ${b.label}: ${b.format}, ${b.events.length} events, ${right.length} entries\n`);
  for (const d of result.differences)
    io.out(formatDifference(d, at(left, 'a' in d ? d.a : undefined), at(right, 'b' in d ? d.b : undefined)));
  if (result.count === 0) {
    io.out('no differences\n');
    return;
  }
  const shown = result.differences.length < result.count ? ` (first ${result.differences.length} shown)` : '';
  const tally = (type: Difference['type']) => result.differences.filter((d) => d.type === type).length;
  io.out(
    `${result.count} difference${result.count === 1 ? '' : 's'}${shown}: ${tally('changed')} changed, ${tally('removed')} only in A, ${tally('added')} only in B\n`,
  );
}

type Place = { entry: number; event: number; tS: number } | undefined;

function formatDifference(d: Difference, a: Place, b: Place): string {
  const where = (side: string, place: Place) => (place ? `${side} #${place.event} ${place.tS} s` : '');
  if (d.type === 'removed') return `- ${d.key}  (only in A: ${where('A', a)})\n`;
  if (d.type === 'added') return `+ ${d.key}  (only in B: ${where('B', b)})\n`;
  const lines = [`~ ${d.key}  (${where('A', a)}, ${where('B', b)})`];
  for (const f of d.fields) lines.push(`    ${f.field}: ${show(f.a)} → ${show(f.b)}`);
  if (d.timing) lines.push(`    reply after ${round(d.timing.aMs)} ms → ${round(d.timing.bMs)} ms`);
  return `${lines.join('\n')}\n`;
}

function show(value: unknown): string {
  return value === null ? '(none)' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
