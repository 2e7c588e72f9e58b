/**
 * Device snapshots on disk. A save writes a uniquely named temp file in the target's directory with
 * the target's mode, checks every byte was written, fsyncs it, renames it over the target (atomic on
 * POSIX: readers and a crash see the old file or the new one, never a torn one) and fsyncs the
 * directory so the rename itself survives a power cut. A process killed mid-save leaves a
 * `.<name>.<pid>-<n>.tmp` file behind, never a bad target; the first save of the next process on
 * that path removes such leftovers of processes that are gone.
 *
 * A snapshot is trusted only after the deep check of simulator/schema/snapshot-check.ts (schema,
 * invariants, trial restore); `loadSnapshot` names the first problem's line and JSON pointer.
 */
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkSnapshotText, type DeviceSnapshot, SimulatorError } from '../simulator/index.js';

let tempCounter = 0;
/** Paths whose stale temp files this process has already swept. */
const swept = new Set<string>();

/** Whether `name` is a temp file of a save to `path` (exported for tests that look for leftovers). */
export function isSnapshotTempFile(name: string, path: string): boolean {
  return name.startsWith(`.${basename(path)}.`) && name.endsWith('.tmp');
}

/**
 * Removes temp files that saves to `path` left behind in processes that no longer run (a `kill -9`
 * mid-save); those of live processes are theirs. Returns how many were removed.
 */
export function sweepStaleTempFiles(path: string): number {
  const directory = dirname(path);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)-\\d+\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return 0; // no directory yet: the save itself reports that
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || (pid !== process.pid && isRunning(pid))) continue;
    if (unlinkQuietly(join(directory, name))) removed++;
  }
  return removed;
}

/** Test seam: how bytes reach the file (default `fs.writeSync`); returns the count written. */
export type WriteBytes = (fd: number, bytes: Uint8Array, offset: number) => number;

/**
 * Writes `snapshot` as JSON to `path` atomically. Throws SIM_SNAPSHOT naming the path on any I/O error,
 * including a short write; the target is then as it was and no temp file is left.
 */
export function saveSnapshotAtomic(
  path: string,
  snapshot: unknown,
  write: WriteBytes = (fd, bytes, offset) => writeSync(fd, bytes, offset),
): void {
  if (!swept.has(path)) {
    swept.add(path);
    sweepStaleTempFiles(path);
  }
  const directory = dirname(path);
  tempCounter += 1;
  const temp = join(directory, `.${basename(path)}.${process.pid}-${tempCounter}.tmp`);
  const bytes = new TextEncoder().encode(`${JSON.stringify(snapshot)}\n`);
  let created = false;
  try {
    const mode = modeOf(path);
    const fd = openSync(temp, 'wx', mode ?? 0o644);
    created = true;
    try {
      // The open mode is masked by the umask: set the target's own mode exactly.
      if (mode !== undefined) fchmodSync(fd, mode);
      for (let offset = 0; offset < bytes.length; ) {
        const written = write(fd, bytes, offset);
        if (!(written > 0)) throw new Error(`wrote ${offset} of ${bytes.length} bytes`);
        offset += written;
      }
      fsyncSync(fd);
      const size = fstatSync(fd).size;
      if (size !== bytes.length) throw new Error(`the temp file holds ${size} of ${bytes.length} bytes`);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    created = false;
    syncDirectory(directory);
  } catch (error) {
    if (created) unlinkQuietly(temp);
    throw new SimulatorError('SIM_SNAPSHOT', `cannot save the snapshot to ${path}: ${messageOf(error)}`);
  }
}

/** A file the user named, as text; missing or unreadable is `code` naming the path. */
export function readInputFile(path: string, code: 'SIM_SNAPSHOT' | 'SIM_OVERRIDES', kind: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new SimulatorError(
      code,
      missing ? `no ${kind} file at ${path}` : `cannot read ${path}: ${messageOf(error)}`,
    );
  }
}

/**
 * Reads a device snapshot and trusts it only after the deep check (schema, invariants, trial
 * restore). Throws SIM_SNAPSHOT when the file is missing, unreadable, not JSON or not a snapshot that
 * restores; the message names the path, the line and the JSON pointer of the first problem
 * (`… at line 12 column 9: /firmware/state/charger/levelPercent: must be ≤ 100, not 500`).
 */
export function loadSnapshot(path: string): DeviceSnapshot {
  const text = readInputFile(path, 'SIM_SNAPSHOT', 'snapshot');
  const checked = checkSnapshotText(text);
  if (checked.ok) return checked.value;
  const first = checked.issues[0];
  const at = first ? ` at line ${first.line} column ${first.column}` : '';
  const why = first ? `: ${first.pointer || '/'}: ${first.message}` : '';
  const what = checked.syntax ? 'is not valid JSON' : 'is not an iqsim device snapshot that restores';
  throw new SimulatorError('SIM_SNAPSHOT', `${path} ${what}${at}${why}`);
}

export interface SnapshotWriterOptions {
  /** Least real time between two saves, ms (default 200): a burst of events costs one write. */
  minIntervalMs?: number;
  /** Called when a throttled (timer-driven) save fails; the writer keeps trying on later changes. */
  onError?: (error: SimulatorError) => void;
  /** Real clock, ms (default `performance.now`). */
  realNowMs?: () => number;
}

/** Throttled saving: `changed()` after each state change, `flush()` to save now if anything is pending. */
export interface SnapshotWriter {
  changed(): void;
  /** Saves now when a change is pending (throws SIM_SNAPSHOT on failure). */
  flush(): void;
  /** Flushes and stops the timer; later `changed()` calls are ignored. */
  close(): void;
}

export function createSnapshotWriter(
  path: string,
  snapshot: () => unknown,
  options: SnapshotWriterOptions = {},
): SnapshotWriter {
  const minIntervalMs = options.minIntervalMs ?? 200;
  const realNowMs = options.realNowMs ?? (() => performance.now());
  let lastSaveMs = Number.NEGATIVE_INFINITY;
  let pending = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (!pending) return;
    pending = false;
    lastSaveMs = realNowMs();
    saveSnapshotAtomic(path, snapshot());
  };
  const flushFromTimer = (): void => {
    try {
      flush();
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error;
      options.onError?.(error);
    }
  };
  return {
    changed() {
      if (closed) return;
      pending = true;
      if (timer !== undefined) return;
      // Never synchronously: the rest of this burst of events (same step) lands in the same save.
      const waitMs = Math.max(0, Math.ceil(lastSaveMs + minIntervalMs - realNowMs()));
      timer = setTimeout(flushFromTimer, waitMs);
    },
    flush,
    close() {
      if (closed) return;
      closed = true;
      flush();
    },
  };
}

function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) and file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false; // already gone: nothing to clean
  }
}

/** The permission bits of `path`, or undefined when it does not exist yet. */
function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id runs (signal 0 only checks; EPERM means it runs as someone else). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
