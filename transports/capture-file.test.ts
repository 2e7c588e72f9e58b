/**
 * Capture files on disk (docs/captures.md): each format written event by event through
 * `openCaptureFile` equals the pure encoder's whole file and reads back; the recorder's `capture`
 * option puts a recorded transport's packets on the same stream. Virtual time; nothing is bound.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CaptureList,
  createVirtualDevice,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../simulator/index.js';
import { SAMPLE_FILES, SESSION } from '../test/helpers/capture-samples.js';
import { captureFormatOfPath, openCaptureFile, readCaptureFile } from './capture-file.js';
import { recordTransport } from './recorder.js';

const dir = mkdtempSync(join(tmpdir(), 'iqsim-capture-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openCaptureFile', () => {
  it.each([
    ['session.jsonl', 'jsonl'],
    ['btsnoop_hci.log', 'btsnoop'],
    ['session.pcapng', 'pcapng'],
  ] as const)('%s is written as %s, event by event, and reads back', async (name, format) => {
    const path = join(dir, name);
    expect(captureFormatOfPath(path)).toBe(format);
    const file = openCaptureFile(path);
    for (const event of SESSION) file.capture(event);
    await file.finish();
    expect(new Uint8Array(readFileSync(path))).toEqual(SAMPLE_FILES[format]);
    const read = await readCaptureFile(path);
    expect(read.ok && read.value.format).toBe(format);
  });

  it('a path that cannot be written is TRANSPORT_OPEN_FAILED at once', () => {
    expect(() => openCaptureFile(join(dir, 'missing', 'x.jsonl'))).toThrow(
      expect.objectContaining({ code: 'TRANSPORT_OPEN_FAILED' }),
    );
  });
});

describe('recordTransport with capture', () => {
  it('sends every packet both ways to the capture sink, timed by nowMs', async () => {
    const clock = new VirtualClock(0);
    const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
    const link = new InMemoryLink(clock, device, { connect: false });
    const capture = new CaptureList();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const recorded = recordTransport(link, sink, { nowMs: () => clock.now(), capture });
    const client = await runUntilSettled(
      clock,
      IqosClient.connect(recorded, { scheduler: clock, channel: 'usb' }),
    );
    await runUntilSettled(clock, client.getBatteryPercent());
    await recorded.finish();
    expect(capture.events.map((e) => e.kind === 'usb' && e.dir)).toEqual(['toDevice', 'toHost']);
    expect(capture.events[1]?.tUs).toBe(5000);
    expect(lines).toHaveLength(2);
  });
});
