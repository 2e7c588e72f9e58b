/**
 * Issue 17 item 6, last point (docs/conformance.md, docs/captures.md "Replay"): a capture of the
 * conformance suite run against a virtual ILUMA i, written to a file and served back as a device by
 * `replay:`, passes the suite too; and the diff between the virtual device's capture and the replay's
 * own capture of the same run is empty.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CaptureList,
  createReplayDevice,
  createVirtualDevice,
  diffTranscripts,
  encodeJsonl,
  recordedDeviceOf,
  transcriptOf,
  VirtualClock,
  type VirtualDevice,
  virtualTarget,
} from '../simulator/index.js';
import { cli } from './helpers/cli.js';
import { run } from './helpers/conformance.js';

let dir: string;

/** The suite against `device` in virtual time, with its capture. */
async function captured(device: VirtualDevice) {
  const capture = new CaptureList();
  device.captureTo(capture);
  const report = await run(virtualTarget({ device, clock: new VirtualClock(device.now) }));
  device.captureTo(undefined);
  return { report, events: capture.events };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iqsim-conformance-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('conformance against a replayed capture', () => {
  it('passes the suite, and a second capture of it equals the first', async () => {
    const virtual = await captured(createVirtualDevice({ model: 'iluma-i', seed: 5 }));
    expect(virtual.report.ok).toBe(true);
    const file = join(dir, 'suite.jsonl');
    writeFileSync(file, encodeJsonl(virtual.events));

    // The suite reads no device name or model number over BLE, so the capture does not say its model.
    expect((await cli('conformance', `replay:${file}`)).err).toMatch(/^error SIM_REPLAY_MODEL/);
    const result = await cli('conformance', `replay:${file}?model=iluma-i`, '--json');
    expect(result.code, result.out).toBe(0);
    expect(JSON.parse(result.out).counts).toEqual({ pass: 12, fail: 0, 'n/a': 0, 'not-run': 0 });

    const recorded = recordedDeviceOf(virtual.events, 'iluma-i');
    const replayed = await captured(createReplayDevice(recorded));
    expect(replayed.report.ok).toBe(true);
    expect(recorded.script.unanswered).toEqual([]);
    const diff = diffTranscripts(transcriptOf(virtual.events), transcriptOf(replayed.events));
    expect(diff.differences).toEqual([]);
  });
});
