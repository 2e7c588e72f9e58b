/** Snapshot files: atomic saves, load errors with stable codes, the throttled writer. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVirtualDevice, SimulatorError } from '../simulator/index.js';
import { createSnapshotWriter, isSnapshotTempFile, loadSnapshot, saveSnapshotAtomic } from './persistence.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-persistence-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function codeOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SimulatorError);
    return { code: (e as SimulatorError).code, message: (e as SimulatorError).message };
  }
  throw new Error('expected a throw');
}

describe('saveSnapshotAtomic / loadSnapshot', () => {
  it('round-trips a device snapshot that restores, leaving no temp files behind', () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 7 });
    device.input({ type: 'undock' }, 1000);
    const path = join(dir, 'device.json');
    for (let i = 0; i < 5; i++) saveSnapshotAtomic(path, device.snapshot());
    expect(readdirSync(dir)).toEqual(['device.json']);
    const snapshot = loadSnapshot(path);
    expect(snapshot).toEqual(JSON.parse(JSON.stringify(device.snapshot())));
    const restored = createVirtualDevice({ model: 'iluma-i', snapshot });
    expect(restored.now).toBe(1000);
    expect(restored.firmware.state.holder.docked).toBe(false);
  });

  it('replaces the target whole and fails with SIM_SNAPSHOT (no temp left) when it cannot write', () => {
    const path = join(dir, 'x.json');
    saveSnapshotAtomic(path, { format: 'iqsim-device', version: 1, n: 1 });
    saveSnapshotAtomic(path, { format: 'iqsim-device', version: 1, n: 2 });
    expect(JSON.parse(readFileSync(path, 'utf8')).n).toBe(2);
    const missingDir = join(dir, 'nope', 'x.json');
    expect(codeOf(() => saveSnapshotAtomic(missingDir, {}))).toMatchObject({ code: 'SIM_SNAPSHOT' });
    mkdirSync(join(dir, 'taken.json')); // rename over a directory fails after the temp was written
    expect(codeOf(() => saveSnapshotAtomic(join(dir, 'taken.json'), {})).code).toBe('SIM_SNAPSHOT');
    expect(readdirSync(dir).filter((n) => isSnapshotTempFile(n, 'taken.json'))).toEqual([]);
  });

  it('names the path for a missing file and the position for corrupt JSON', () => {
    const missing = join(dir, 'missing.json');
    expect(codeOf(() => loadSnapshot(missing))).toEqual({
      code: 'SIM_SNAPSHOT',
      message: `no snapshot file at ${missing}`,
    });
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format": "iqsim-device",\n "version": }');
    const error = codeOf(() => loadSnapshot(corrupt));
    expect(error.code).toBe('SIM_SNAPSHOT');
    expect(error.message).toContain(corrupt);
    expect(error.message).toContain(
      `${corrupt} is not valid JSON at line 2 column 13: /version: expected a JSON value`,
    );
  });

  it('refuses JSON that is not a device snapshot', () => {
    const path = join(dir, 'other.json');
    for (const text of [
      '[]',
      'null',
      '{"format":"iqsim-firmware","version":1}',
      '{"format":"iqsim-device","version":2}',
    ]) {
      writeFileSync(path, text);
      expect(codeOf(() => loadSnapshot(path)).message).toMatch(/not an iqsim device snapshot that restores/);
    }
  });
});

describe('createSnapshotWriter', () => {
  it('saves a burst of changes once, then at most every minIntervalMs, and flushes on close', () => {
    vi.useFakeTimers({ now: 0 });
    const path = join(dir, 'w.json');
    let saves = 0;
    const writer = createSnapshotWriter(path, () => ({ format: 'iqsim-device', version: 1, n: ++saves }), {
      minIntervalMs: 200,
      realNowMs: () => Date.now(),
    });
    writer.changed();
    writer.changed();
    expect(saves).toBe(0); // never synchronously: the rest of the burst joins the same save
    vi.advanceTimersByTime(0);
    expect(saves).toBe(1);
    for (let t = 0; t < 10; t++) {
      writer.changed();
      vi.advanceTimersByTime(50);
    }
    expect(saves).toBe(1 + 2); // 500 ms of changes: saves at 200 and 400
    writer.changed();
    writer.close();
    expect(saves).toBe(4);
    writer.changed();
    vi.advanceTimersByTime(1000);
    expect(saves).toBe(4);
    expect(JSON.parse(readFileSync(path, 'utf8')).n).toBe(4);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a failed timed save to onError and keeps going', () => {
    vi.useFakeTimers({ now: 0 });
    const errors: string[] = [];
    const writer = createSnapshotWriter(join(dir, 'gone', 'w.json'), () => ({}), {
      realNowMs: () => Date.now(),
      onError: (e) => errors.push(e.code),
    });
    writer.changed();
    vi.advanceTimersByTime(0);
    expect(errors).toEqual(['SIM_SNAPSHOT']);
    expect(() => writer.close()).not.toThrow(); // nothing pending
  });
});
