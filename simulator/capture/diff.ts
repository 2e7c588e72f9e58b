/**
 * Decoded diff of two transcripts (docs/captures.md "Decoded diff"): entries are aligned on their
 * keys with Myers' shortest edit script, then aligned pairs are compared field by field, less the
 * fields ignore rules name, and by reply-latency band. The result lists entries only in A, only in
 * B, and pairs whose values or timing differ.
 */
import type { FieldValue, TranscriptEntry } from './transcript.js';

/** One ignore rule: `command` or `command.field`, `*` matching any run of characters in either part. */
export type IgnoreRule = string;

/**
 * Values that legitimately differ between two units or two sessions: clocks, serial numbers, usage
 * counters, the address and the central's name, the radio's RSSI (docs/captures.md "Ignore rules").
 */
export const DEFAULT_IGNORES: readonly IgnoreRule[] = [
  'get-clock',
  'set-clock',
  'get-rtc',
  'get-product-number',
  'get-usage-counters',
  'get-usage-totals',
  'get-last-session',
  'get-device-info',
  'connect.address',
  'connect.central',
  'advertising.address',
  'advertising.rssi',
  'readResponse',
];

/** Reply-latency band edges, ms: a reply is in band 0 below the first edge, and so on. */
export const DEFAULT_TIMING_BANDS_MS: readonly number[] = [20, 100, 500];

export interface DiffOptions {
  /** Ignore rules (default `DEFAULT_IGNORES`). */
  readonly ignore?: readonly IgnoreRule[];
  /** Band edges in ms, ascending; empty: timing is not compared (default `DEFAULT_TIMING_BANDS_MS`). */
  readonly timingBandsMs?: readonly number[];
  /** Entry kinds to compare (default all). */
  readonly kinds?: readonly TranscriptEntry['kind'][];
  /** Most differences kept in `differences` (default 1,000; `count` counts them all). */
  readonly limit?: number;
}

export interface FieldDifference {
  readonly field: string;
  readonly a: FieldValue | null;
  readonly b: FieldValue | null;
}

export type Difference =
  | { readonly type: 'removed'; readonly a: number; readonly key: string }
  | { readonly type: 'added'; readonly b: number; readonly key: string }
  | {
      readonly type: 'changed';
      readonly a: number;
      readonly b: number;
      readonly key: string;
      readonly fields: readonly FieldDifference[];
      /** Set when the reply latencies fall in different bands: the two latencies, ms. */
      readonly timing?: { readonly aMs: number; readonly bMs: number };
    };

export interface DiffResult {
  /** Entries compared in A and B (after the kind filter). */
  readonly compared: { readonly a: number; readonly b: number };
  /** Every difference found. */
  readonly count: number;
  /** The first `limit` of them, in order; `a`/`b` index the compared entries. */
  readonly differences: readonly Difference[];
}

/** Compares two transcripts. Pure; linear when they are alike, O((N+M)·D) in the number D of edits. */
export function diffTranscripts(
  a: readonly TranscriptEntry[],
  b: readonly TranscriptEntry[],
  options: DiffOptions = {},
): DiffResult {
  const kinds = options.kinds;
  const left = kinds ? a.filter((e) => kinds.includes(e.kind)) : a;
  const right = kinds ? b.filter((e) => kinds.includes(e.kind)) : b;
  const ignore = compileIgnores(options.ignore ?? DEFAULT_IGNORES);
  const bands = options.timingBandsMs ?? DEFAULT_TIMING_BANDS_MS;
  const limit = options.limit ?? 1000;
  const differences: Difference[] = [];
  let count = 0;
  const note = (difference: Difference): void => {
    count += 1;
    if (differences.length < limit) differences.push(difference);
  };
  const ids = new Map<string, number>();
  const idOf = (e: TranscriptEntry): number => {
    let id = ids.get(e.key);
    if (id === undefined) {
      id = ids.size;
      ids.set(e.key, id);
    }
    return id;
  };
  const script = editScript(Int32Array.from(left, idOf), Int32Array.from(right, idOf));
  for (const step of script) {
    if (step.op === 'delete')
      note({ type: 'removed', a: step.a, key: (left[step.a] as TranscriptEntry).key });
    else if (step.op === 'insert')
      note({ type: 'added', b: step.b, key: (right[step.b] as TranscriptEntry).key });
    else {
      const x = left[step.a] as TranscriptEntry;
      const y = right[step.b] as TranscriptEntry;
      const fields = fieldDifferences(x, y, ignore);
      const timing = timingDifference(x, y, bands);
      if (fields.length > 0 || timing)
        note({ type: 'changed', a: step.a, b: step.b, key: x.key, fields, ...(timing ? { timing } : {}) });
    }
  }
  return { compared: { a: left.length, b: right.length }, count, differences };
}

interface CompiledIgnore {
  readonly command: RegExp;
  /** Undefined: the whole entry's values are ignored. */
  readonly field?: RegExp;
}

function compileIgnores(rules: readonly IgnoreRule[]): CompiledIgnore[] {
  return rules.map((rule) => {
    const dot = rule.indexOf('.');
    const command = dot < 0 ? rule : rule.slice(0, dot);
    const field = dot < 0 ? undefined : rule.slice(dot + 1);
    return { command: glob(command), ...(field === undefined ? {} : { field: glob(field) }) };
  });
}

function glob(text: string): RegExp {
  const body = text
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function fieldDifferences(
  x: TranscriptEntry,
  y: TranscriptEntry,
  ignore: readonly CompiledIgnore[],
): FieldDifference[] {
  if (x.raw && y.raw && sameBytes(x.raw, y.raw)) return [];
  const rules = ignore.filter((r) => r.command.test(x.command));
  if (rules.some((r) => r.field === undefined)) return [];
  const out: FieldDifference[] = [];
  const names = new Set([...Object.keys(x.fields), ...Object.keys(y.fields)]);
  for (const field of names) {
    const va = x.fields[field];
    const vb = y.fields[field];
    if (va === vb || rules.some((r) => r.field?.test(field))) continue;
    out.push({ field, a: va ?? null, b: vb ?? null });
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function timingDifference(
  x: TranscriptEntry,
  y: TranscriptEntry,
  bands: readonly number[],
): { aMs: number; bMs: number } | undefined {
  if (bands.length === 0 || x.latencyUs === undefined || y.latencyUs === undefined) return undefined;
  const aMs = x.latencyUs / 1000;
  const bMs = y.latencyUs / 1000;
  return bandOf(aMs, bands) === bandOf(bMs, bands) ? undefined : { aMs, bMs };
}

function bandOf(ms: number, edges: readonly number[]): number {
  let band = 0;
  while (band < edges.length && ms >= (edges[band] as number)) band += 1;
  return band;
}

type Step =
  | { readonly op: 'equal'; readonly a: number; readonly b: number }
  | { readonly op: 'delete'; readonly a: number }
  | { readonly op: 'insert'; readonly b: number };

/**
 * The shortest edit script between two sequences of ids (E. Myers, "An O(ND) Difference Algorithm",
 * 1986), after trimming the common prefix and suffix. The frontier of each round is kept for the
 * walk back, so memory grows as D²; when D passes `MAX_EDITS` the middle that is left is reported as
 * removed from A and added in B, which is still a correct (if not shortest) script.
 */
const MAX_EDITS = 4000;

function editScript(a: Int32Array, b: Int32Array): Step[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const steps: Step[] = [];
  for (let i = 0; i < start; i += 1) steps.push({ op: 'equal', a: i, b: i });
  steps.push(...middle(a, b, start, endA, endB));
  for (let i = 0; endA + i < a.length; i += 1) steps.push({ op: 'equal', a: endA + i, b: endB + i });
  return steps;
}

function middle(a: Int32Array, b: Int32Array, start: number, endA: number, endB: number): Step[] {
  const n = endA - start;
  const m = endB - start;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= Math.min(max, MAX_EDITS) && found < 0; d += 1) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number))
          ? (v[offset + k + 1] as number)
          : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    const out: Step[] = [];
    for (let i = 0; i < n; i += 1) out.push({ op: 'delete', a: start + i });
    for (let j = 0; j < m; j += 1) out.push({ op: 'insert', b: start + j });
    return out;
  }
  return walkBack(a, b, start, n, m, trace, found);
}

/** Follows the saved frontiers from (n, m) back to (0, 0), emitting the script in reverse. */
function walkBack(
  a: Int32Array,
  b: Int32Array,
  start: number,
  n: number,
  m: number,
  trace: readonly Int32Array[],
  edits: number,
): Step[] {
  const out: Step[] = [];
  let x = n;
  let y = m;
  for (let d = edits; d > 0; d -= 1) {
    // trace[d] is the frontier before round d ran, indexed k + d + 1 (it covers k = −d−1 … d+1).
    const before = trace[d] as Int32Array;
    const at = (k: number): number => before[k + d + 1] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY && a[start + x - 1] === b[start + y - 1]) {
      x -= 1;
      y -= 1;
      out.push({ op: 'equal', a: start + x, b: start + y });
    }
    if (down) {
      y -= 1;
      out.push({ op: 'insert', b: start + y });
    } else {
      x -= 1;
      out.push({ op: 'delete', a: start + x });
    }
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    out.push({ op: 'equal', a: start + x, b: start + y });
  }
  return out.reverse();
}
