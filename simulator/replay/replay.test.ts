/**
 * Transcripts, the decoded diff and replay (docs/captures.md "Transcripts", "Decoded diff",
 * "Replay"): a virtual ILUMA i's session, its transcript, the same session against a replay of its own
 * capture (no difference), and one changed reply (exactly one decoded difference).
 */
import { describe, expect, it } from 'vitest';
import { encodeCommand, hexBytes, toHex } from '../../protocol/index.js';
import { recordSession } from '../../test/helpers/capture-session.js';
import { diffTranscripts } from '../capture/diff.js';
import { transcriptOf } from '../capture/transcript.js';
import type { CaptureEvent } from '../capture-event.js';
import { IqosClient } from '../client/client.js';
import { VirtualClock } from '../clock.js';
import { createVirtualDevice } from '../device/device.js';
import { InMemoryLink, runUntilSettled } from '../link.js';
import { createReplayDevice, recordedDeviceOf } from './replay.js';

describe('transcripts', () => {
  it('decode SCP requests and replies with their latency, ATT PDUs and link events', async () => {
    const entries = transcriptOf(await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 })));
    const scp = entries.filter((e) => e.kind === 'scp');
    expect(scp.map((e) => e.key)).toContain('→ get-battery-percent charger S 0x90');
    const reply = scp.find((e) => e.key === '← get-battery-percent charger S 0x90');
    expect(reply?.latencyUs).toBe(5000); // seen at the device: D-10
    expect(Object.keys(reply?.fields ?? {})).not.toHaveLength(0);
    expect(entries[0]?.key).toBe('link advertising');
    expect(entries.some((e) => e.key === '→ att readRequest 0x000E')).toBe(true);
  });

  it('reassemble a frame split over ATT PDUs (docs/protocol.md §4.1)', () => {
    const frame = encodeCommand('get-usage-counters', { unit: 'charger' });
    // Three packets of transport byte 01, 01, 00 (a real client splits only at the MTU; any split is legal).
    const packets = [
      Uint8Array.of(0x01, ...frame.subarray(0, 3)),
      Uint8Array.of(0x01, ...frame.subarray(3, 5)),
      Uint8Array.of(0x00, ...frame.subarray(5)),
    ];
    const events: CaptureEvent[] = packets.map((value, i) => ({
      kind: 'att',
      tUs: i,
      dir: 'toDevice',
      handle: 0x40,
      bytes: Uint8Array.of(0x12, 0x17, 0x00, ...value),
    }));
    expect(events.length).toBeGreaterThan(1);
    const entries = transcriptOf(events);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: 'scp',
      command: 'get-usage-counters',
      event: events.length - 1,
    });
    expect(toHex(entries[0]?.frame ?? new Uint8Array())).toBe(toHex(frame));
  });

  it('read serial bytes split anywhere, with the garbage between reports', () => {
    const report = new Uint8Array(64);
    report.set(hexBytes('3F 04 C0 00 24 FC'));
    const bytes = Uint8Array.of(0x55, 0x55, ...report);
    const events: CaptureEvent[] = [
      { kind: 'serial', tUs: 0, dir: 'toDevice', bytes: bytes.subarray(0, 10) },
      { kind: 'serial', tUs: 1, dir: 'toDevice', bytes: bytes.subarray(10) },
    ];
    expect(transcriptOf(events).map((e) => e.key)).toEqual([
      '→ garbage',
      '→ get-battery-percent charger S 0x90',
    ]);
  });
});

describe('decoded diff and replay', () => {
  it('a virtual ILUMA i and a replay of its own capture give an empty diff', async () => {
    const recorded = await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 }));
    const replayed = recordedDeviceOf(recorded);
    expect(replayed.model).toBe('iluma-i');
    const again = await recordSession(createReplayDevice(replayed));
    const diff = diffTranscripts(transcriptOf(recorded), transcriptOf(again));
    expect(diff.differences).toEqual([]);
    expect(replayed.script.unanswered).toEqual([]);
  });

  it('another seed differs only where the ignore rules allow, until they are dropped', async () => {
    const a = transcriptOf(await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 })));
    const b = transcriptOf(await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 4 })));
    expect(diffTranscripts(a, b).count).toBe(0);
    const strict = diffTranscripts(a, b, { ignore: [] });
    expect(strict.count).toBeGreaterThan(0);
    expect(strict.differences.every((d) => d.type === 'changed')).toBe(true);
  });

  it('one changed reply shows as exactly one decoded difference', async () => {
    const recorded = await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 }));
    const changed = await recordSession(
      createVirtualDevice({ model: 'iluma-i', seed: 3, overrides: { 'C0.0x90': '45 00 00 00' } }),
    );
    const diff = diffTranscripts(transcriptOf(recorded), transcriptOf(changed));
    expect(diff.count).toBe(1);
    expect(diff.differences[0]).toMatchObject({
      type: 'changed',
      key: '← get-battery-percent charger S 0x90',
    });
  });

  it('a reply that came late lands in another timing band', async () => {
    const a = await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 }));
    const b = await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3, replyDelayMs: 150 }));
    const diff = diffTranscripts(transcriptOf(a), transcriptOf(b));
    expect(diff.count).toBeGreaterThan(0);
    expect(diff.differences.every((d) => d.type === 'changed' && d.timing && d.fields.length === 0)).toBe(
      true,
    );
    expect(diffTranscripts(transcriptOf(a), transcriptOf(b), { timingBandsMs: [] }).count).toBe(0);
  });

  it('a request the recording never saw gets silence and is reported', async () => {
    const replayed = recordedDeviceOf(
      await recordSession(createVirtualDevice({ model: 'iluma-i', seed: 3 })),
    );
    const device = createReplayDevice(replayed);
    const clock = new VirtualClock(0);
    const link = new InMemoryLink(clock, device, { latencyMs: 1 });
    const client = await runUntilSettled(
      clock,
      IqosClient.connect(link, { scheduler: clock, channel: 'ble', requestTimeoutMs: 200 }),
    );
    const frame = encodeCommand('get-voltage', { unit: 'holder' });
    await expect(runUntilSettled(clock, client.request(frame))).rejects.toThrow();
    expect(replayed.script.unanswered).toEqual([{ hex: toHex(frame), count: 1 }]);
  });

  it('refuses a capture with no SCP request, and one that does not name its model', () => {
    expect(() => recordedDeviceOf([])).toThrow(expect.objectContaining({ code: 'SIM_REPLAY_EMPTY' }));
    const usbOnly: CaptureEvent[] = [
      {
        kind: 'usb',
        tUs: 0,
        dir: 'toDevice',
        bytes: new Uint8Array(64).fill(0).map((_, i) => [0x3f, 4, 0xc0, 0, 0x24, 0xfc][i] ?? 0),
      },
    ];
    expect(() => recordedDeviceOf(usbOnly)).toThrow(expect.objectContaining({ code: 'SIM_REPLAY_MODEL' }));
    expect(recordedDeviceOf(usbOnly, 'iluma-one').model).toBe('iluma-one');
  });
});
