/**
 * Device snapshots on disk. A save writes a uniquely named temp file in the target's directory,
 * fsyncs it, renames it over the target (atomic on POSIX: readers and a crash see the old file or
 * the new one, never a torn one) and fsyncs the directory so the rename itself survives a power
 * cut. A process killed mid-save can leave a `.<name>.<pid>-<n>.tmp` file behind, never a bad target.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DeviceSnapshot, SimulatorError } from '../index.js';
import { jsonErrorPosition } from './json-position.js';

let tempCounter = 0;

/** The temp-file name a save uses next to `path` (exported for tests that look for leftovers). */
export function isSnapshotTempFile(name: string, path: string): boolean {
  return name.startsWith(`.${basename(path)}.`) && name.endsWith('.tmp');
}

/** Writes `snapshot` as JSON to `path` atomically. Throws SIM_SNAPSHOT naming the path on any I/O error. */
export function saveSnapshotAtomic(path: string, snapshot: unknown): void {
  const directory = dirname(path);
  tempCounter += 1;
  const temp = join(directory, `.${basename(path)}.${process.pid}-${tempCounter}.tmp`);
  const text = `${JSON.stringify(snapshot)}\n`;
  let created = false;
  try {
    const fd = openSync(temp, 'wx', 0o644);
    created = true;
    try {
      writeSync(fd, text);
      fsyncSync(fd);
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

/**
 * Reads a device snapshot. Throws SIM_SNAPSHOT when the file is missing, unreadable, not JSON (the
 * message names the path and the line, column and offset of the first syntax error) or not an
 * `iqsim-device` snapshot. Whether its contents restore is for `createVirtualDevice` to say.
 */
export function loadSnapshot(path: string): DeviceSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    throw new SimulatorError(
      'SIM_SNAPSHOT',
      missing ? `no snapshot file at ${path}` : `cannot read ${path}: ${messageOf(error)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const at = jsonErrorPosition(text);
    const where = at ? ` at line ${at.line} column ${at.column} (offset ${at.offset})` : '';
    throw new SimulatorError('SIM_SNAPSHOT', `${path} is not valid JSON${where}: ${messageOf(error)}`);
  }
  const head = parsed as { format?: unknown; version?: unknown } | null;
  if (typeof head !== 'object' || head === null || head.format !== 'iqsim-device' || head.version !== 1)
    throw new SimulatorError(
      'SIM_SNAPSHOT',
      `${path} is not an iqsim device snapshot (format iqsim-device, version 1)`,
    );
  return parsed as DeviceSnapshot;
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

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone; nothing to clean.
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
