/**
 * Issue 10 "state files are trusted only after a deep check": each bad file below was accepted by
 * `iqsim run --state` (and overwritten), or restored and then crashed; now each exits 2 naming the
 * JSON pointer of the first problem and leaves the file byte for byte as it was. Saves keep the
 * file's mode, check the byte count and sweep the temp files of killed saves.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allProfiles } from '../../firmware-model/index.js';
import { checkSnapshot, createVirtualDevice, type DeviceSnapshot } from '../../simulator/index.js';
import {
  isSnapshotTempFile,
  loadSnapshot,
  saveSnapshotAtomic,
  sweepStaleTempFiles,
} from '../../transports/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-state-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function goodSnapshot(): DeviceSnapshot {
  const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
  device.input({ type: 'undock' }, 1000);
  return JSON.parse(JSON.stringify(device.snapshot()));
}

/** The snapshot with the value at `pointer` replaced (deleted when `value` is undefined). */
function edited(pointer: string, value: unknown): Record<string, unknown> {
  const snapshot = goodSnapshot() as unknown as Record<string, unknown>;
  const keys = pointer.split('/').slice(1);
  const last = keys.pop() as string;
  let parent = snapshot;
  for (const key of keys) parent = parent[key] as Record<string, unknown>;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return snapshot;
}

/** What was changed, the pointer changed, the new value, and the pointer the error names. */
const BAD: [string, string, unknown, string][] = [
  ['a level of "abc"', '/firmware/state/holder/levelPercent', 'abc', ''],
  ['a level of 500', '/firmware/state/charger/levelPercent', 500, ''],
  ['holder state FLYING', '/firmware/state/holder/state', 'FLYING', ''],
  ['nowMs 1e18', '/firmware/state/nowMs', 1e18, ''],
  ['identity: 5', '/identity', 5, ''],
  ['no firmware at all', '/firmware', undefined, '/'],
  ['"settings": null', '/firmware/state/settings', null, ''],
  ['an ambient of 300 °C', '/firmware/state/environment/ambientC', 300, ''],
  ['error bits 256', '/firmware/state/holder/errorBits', 256, ''],
  ['another model inside', '/firmware/state/modelId', 'iqos-3', ''],
  ['a tickHz of 1e9', '/firmware/params/heater/tickHz', 1e9, ''],
  ['an unknown field', '/firmware/state/holder/flying', true, ''],
];

describe('iqsim run --state refuses a bad file and leaves it untouched', () => {
  it.each(BAD)('%s: exit 2, SIM_SNAPSHOT with the pointer', async (_what, at, value, named) => {
    const snapshot = edited(at, value);
    const pointer = named === '/' ? '' : at;
    const file = join(dir, 'bad.json');
    const text = `${JSON.stringify(snapshot, null, 2)}\n`;
    writeFileSync(file, text);
    expect(checkSnapshot(snapshot)[0]?.pointer).toBe(pointer);
    const run = await cli('run', '--model', 'iluma-i', '--state', file, '--json', '--duration-ms', '0');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^error SIM_SNAPSHOT: /);
    expect(run.err).toContain(`: ${pointer || '/'}: `);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(dir).filter((n) => isSnapshotTempFile(n, file))).toEqual([]);
  });

  it('what every model saves passes the deep check, idle and mid-session', () => {
    let heating = 0;
    for (const profile of allProfiles()) {
      const device = createVirtualDevice({ model: profile.id, seed: 9 });
      device.input({ type: 'level', unit: 'holder', percent: 90 }, 0);
      if (profile.parts !== 'one-piece') device.input({ type: 'undock' }, 10);
      device.input({ type: 'stick', action: 'insert' }, 20); // starts an ILUMA (Auto Start)
      if (device.firmware.state.session === null) {
        // Blade and one-piece models start on a 1 s button hold (docs/device.md §3.3).
        device.input({ type: 'button', unit: 'holder', action: 'press' }, 30);
        device.input({ type: 'button', unit: 'holder', action: 'release' }, 1600);
      }
      device.handleTimeout(5000);
      if (device.firmware.state.session !== null) heating++;
      expect(checkSnapshot(JSON.parse(JSON.stringify(device.snapshot()))), profile.id).toEqual([]);
    }
    expect(heating).toBeGreaterThanOrEqual(5); // snapshots with a session and heater registers
  });
});

describe('saves', () => {
  it("keep the file's mode", () => {
    const file = join(dir, 'mode.json');
    saveSnapshotAtomic(file, goodSnapshot());
    chmodSync(file, 0o600);
    saveSnapshotAtomic(file, goodSnapshot());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o640);
    saveSnapshotAtomic(file, goodSnapshot());
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('check the byte count: a short write fails with SIM_SNAPSHOT, old file kept, no temp left', () => {
    const file = join(dir, 'short.json');
    saveSnapshotAtomic(file, goodSnapshot());
    const before = readFileSync(file, 'utf8');
    let calls = 0;
    const shortWrite = (): number => (calls++ === 0 ? 10 : 0); // 10 bytes, then the disk is full
    expect(() => saveSnapshotAtomic(file, { ...goodSnapshot(), seed: 4 }, shortWrite)).toThrow(
      expect.objectContaining({ code: 'SIM_SNAPSHOT', message: expect.stringContaining('wrote 10 of') }),
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((n) => isSnapshotTempFile(n, file))).toEqual([]);
    expect(loadSnapshot(file).seed).toBe(3);
  });

  it('sweep the temp files of processes that are gone, not those of running ones', () => {
    const file = join(dir, 'sweep.json');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid; // exited: its pid is free
    const stale = [`.sweep.json.${gone}-1.tmp`, `.sweep.json.${gone}-7.tmp`];
    const live = `.sweep.json.${process.ppid}-1.tmp`;
    for (const name of [...stale, live]) writeFileSync(join(dir, name), '{"torn');
    expect(sweepStaleTempFiles(file)).toBe(2);
    expect(readdirSync(dir).filter((n) => isSnapshotTempFile(n, file))).toEqual([live]);
    rmSync(join(dir, live));
  });
});
