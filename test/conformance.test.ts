/**
 * The conformance suite proves itself (issue 17 item 6, docs/conformance.md): the ten virtual models
 * pass it over both channels; each check fails, with a decoded message, against a device broken for
 * exactly its rule (a register override, a catalogue fault, a device option, or a wrapped link),
 * while the other checks still pass; a target that goes silent mid-suite leaves the rest not-run.
 * Everything runs in virtual time.
 */
import { describe, expect, it } from 'vitest';
import { crc8, encodeShortFrame, encodeUsbReport, MODELS } from '../protocol/index.js';
import {
  CHECKS,
  type ConformanceReport,
  FaultInjector,
  type FaultRef,
  HANDLES,
  type InMemoryLink,
  type WirePacket,
} from '../simulator/index.js';
import { ATT, attHandle, onlyFailing, outcomes, run, target, wrapLink } from './helpers/conformance.js';

/** The logical frame of a USB report (docs/protocol.md §5.2). */
const usbFrame = (packet: WirePacket) => packet.bytes.slice(2, 2 + (packet.bytes[1] ?? 0));
const usb = (frame: Uint8Array): WirePacket => ({ channel: 'usb', bytes: encodeUsbReport(frame) });

/** A link with catalogue faults `ids` injected once, on the first link the target opens. */
function withFaults(ids: readonly FaultRef[], options: Record<string, number> = {}) {
  let faults: FaultInjector | undefined;
  return (link: InMemoryLink) => {
    const first = faults === undefined;
    faults ??= new FaultInjector({ clock: link.clock, device: link.device, seed: 1 });
    faults.attach(link);
    if (first) for (const id of ids) faults.inject(id, options);
    return link;
  };
}

function failed(report: ConformanceReport, id: string) {
  const result = report.results.find((r) => r.id === id);
  expect(result?.outcome).toBe('fail');
  return result?.mismatches ?? [];
}

describe('every virtual model passes', () => {
  it.each(MODELS.map((m) => m.id))('%s, over BLE and over USB', async (model) => {
    for (const channel of ['ble', 'usb'] as const) {
      const report = await run(target({ model, channel }));
      const scp = MODELS.find((m) => m.id === model)?.scp;
      expect(report.ok, JSON.stringify(report.results.filter((r) => r.outcome === 'fail'))).toBe(true);
      expect(report.counts).toEqual({ pass: scp ? 12 : 3, fail: 0, 'n/a': scp ? 0 : 9, 'not-run': 0 });
      if (!scp)
        for (const r of report.results.filter((x) => x.outcome === 'n/a'))
          expect(r.detail).toContain('docs/protocol.md §1.1');
    }
  });

  it('sends the same request bytes on every run (so a capture of it can be replayed)', async () => {
    const requests = async () => {
      const sent: string[] = [];
      const record = (link: InMemoryLink) =>
        wrapLink(link, {
          toDevice: (packet) => {
            sent.push(`${packet.channel} ${Buffer.from(packet.bytes).toString('hex')}`);
            return [packet];
          },
        });
      await run(target({ model: 'iluma-i-one', wrap: record }));
      return sent;
    };
    const first = await requests();
    expect(first.length).toBeGreaterThan(100);
    expect(await requests()).toEqual(first);
  });
});

describe('each check fails on a device that breaks its rule, and only that check', () => {
  it('scp.read-registers: a register answering with the wrong length code (override C9 S 0x93 sel 01)', async () => {
    const report = await run(target({ device: { overrides: { 'C9.0x93.01': '01'.padEnd(41, ' 00') } } }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.read-registers'));
    const [mismatch] = failed(report, 'scp.read-registers');
    expect(mismatch?.what).toBe('C9 S 0x93 sel 01: wrong length code (docs/protocol.md §7.1, §4.3)');
    expect(mismatch?.expected).toContain('08 87 24');
    expect(mismatch?.got).toMatch(/^08 8B 24 01 00 .*\(holder response, S 0x93, 14 bytes, /);
  });

  it('scp.write-echo: write replies off (F-57)', async () => {
    const report = await run(target({ wrap: withFaults(['F-57']) }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.write-echo'));
    const mismatches = failed(report, 'scp.write-echo');
    expect(mismatches).toHaveLength(3);
    expect(mismatches[0]?.expected).toMatch(/^C0 C6 23 64 00 00 00 .. \(charger response write, S 0x8E/);
    expect(mismatches[0]?.got).toBe('no reply');
  });

  it('scp.bad-crc: a link that repairs bad CRCs on the way to the device', async () => {
    const repair = (link: InMemoryLink) =>
      wrapLink(link, {
        toDevice: (packet) => {
          if (packet.channel !== 'usb') return [packet];
          const frame = usbFrame(packet);
          if (((frame[1] ?? 0) & 0x10) !== 0) return [packet];
          frame[frame.length - 1] = crc8(frame, 1, frame.length - 1);
          return [usb(frame)];
        },
      });
    const report = await run(target({ channel: 'usb', wrap: repair }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.bad-crc'));
    const mismatches = failed(report, 'scp.bad-crc');
    expect(mismatches.map((m) => m.expected)).toEqual([
      'no reply (D-5)',
      'no reply (D-5)',
      expect.any(String),
    ]);
    expect(mismatches[0]?.got).toContain('get-brightness');
    expect(mismatches[2]?.what).toBe('brightness after a bad-CRC write of the other level');
  });

  it('scp.read-only: a device that echoes a write to C0 S 0x01', async () => {
    const echo = (link: InMemoryLink) =>
      wrapLink(link, {
        toDevice: (packet, inject) => {
          const frame = packet.channel === 'usb' ? usbFrame(packet) : undefined;
          if (frame && frame[0] === 0xc0 && frame[1] === 0x49 && frame[2] === 0x00)
            inject(
              usb(
                encodeShortFrame({
                  node: 0xc0,
                  address: 0x01,
                  write: true,
                  response: true,
                  payload: frame.slice(3, -1),
                }),
              ),
            );
          return [packet];
        },
      });
    const report = await run(target({ channel: 'usb', wrap: echo }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.read-only'));
    const [mismatch] = failed(report, 'scp.read-only');
    expect(mismatch?.what).toMatch(/^a reply to the write C0 49 00 .* of read-only C0 S 0x01$/);
    expect(mismatch?.got).toMatch(/^C0 C9 00 .*\(charger response write, S 0x01, 14 bytes/);
  });

  it('scp.queue-depth: a device that drops requests while 8 replies are owed', async () => {
    let owed = 0;
    const shallow = (link: InMemoryLink) =>
      wrapLink(link, {
        // Owed replies are counted for reads with a good CRC: those are answered (D-5, D-14).
        toDevice: (packet) => {
          const frame = packet.channel === 'usb' ? usbFrame(packet) : undefined;
          const read =
            frame && ((frame[1] ?? 0) & 0x40) === 0 && crc8(frame, 1, frame.length - 1) === frame.at(-1);
          if (!read) return [packet];
          if (owed >= 8) return [];
          owed += 1;
          return [packet];
        },
        toClient: (packet) => {
          if (packet.channel === 'usb') owed = Math.max(0, owed - 1);
          return [packet];
        },
      });
    const report = await run(target({ channel: 'usb', wrap: shallow }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.queue-depth'));
    const mismatches = failed(report, 'scp.queue-depth');
    expect(mismatches).toHaveLength(8);
    expect(mismatches[0]).toMatchObject({ what: 'request 9 of 16 (C9 S 0x10)', got: 'no reply' });
  });

  it('scp.reply-timing: every reply 200 ms late (F-44)', async () => {
    const report = await run(target({ wrap: withFaults(['F-44'], { delayMs: 200 }) }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.reply-timing'));
    const [mismatch] = failed(report, 'scp.reply-timing');
    expect(mismatch?.expected).toContain('median ≤ 120 ms');
    expect(mismatch?.got).toBe('median 205 ms, max 205 ms over 10 reads');
  });

  it('scp.stale-partial: a device that keeps a partial frame past its deadline', async () => {
    let held: WirePacket | undefined;
    let swallow = 0;
    // The partial is held back (its Write Response made up) and delivered just before the next
    // SCP write, so the device sees it fresh and joins the two: what a device without D-9 does.
    const keep = (link: InMemoryLink) =>
      wrapLink(link, {
        toDevice: (packet, inject) => {
          const scpWrite =
            packet.channel === 'att' &&
            packet.bytes[0] === ATT.writeRequest &&
            attHandle(packet.bytes) === HANDLES.scp;
          if (!scpWrite) return [packet];
          if (packet.bytes[3] === 0x01) {
            held = packet;
            inject({ channel: 'att', bytes: Uint8Array.of(ATT.writeResponse) });
            return [];
          }
          if (!held) return [packet];
          const out = [held, packet];
          held = undefined;
          swallow += 1;
          return out;
        },
        toClient: (packet) => {
          if (swallow > 0 && packet.channel === 'att' && packet.bytes[0] === ATT.writeResponse) {
            swallow -= 1;
            return [];
          }
          return [packet];
        },
      });
    const report = await run(target({ wrap: keep }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'scp.stale-partial'));
    const [mismatch] = failed(report, 'scp.stale-partial');
    expect(mismatch?.expected).toMatch(
      /^C0 86 23 … \(response, 4 bytes, valid CRC-8\): the stale partial dropped$/,
    );
    expect(mismatch?.got).toMatch(/^no reply/);
  });

  it('ble.fragmentation: MTU exchanges held at 23 (F-47)', async () => {
    const report = await run(target({ wrap: withFaults(['F-47']) }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'ble.fragmentation'));
    expect(failed(report, 'ble.fragmentation')).toEqual([
      { what: 'MTU exchange asking 185', expected: '185 (D-22 accepts up to 247)', got: '23' },
      { what: 'MTU exchange asking 247', expected: '247 (D-22 accepts up to 247)', got: '23' },
    ]);
  });

  it('ble.fragmentation: a reply cut into more notifications than the MTU needs', async () => {
    const split = (link: InMemoryLink) =>
      wrapLink(link, {
        toClient: (packet) => {
          const b = packet.bytes;
          if (
            packet.channel !== 'att' ||
            b[0] !== ATT.notification ||
            attHandle(b) !== HANDLES.scp ||
            b.length < 12
          )
            return [packet];
          // One notification `T frame…` as two: `01 first-half`, `T second-half` (valid T bytes).
          const cut = 3 + 1 + Math.floor((b.length - 4) / 2);
          return [
            { channel: 'att', bytes: Uint8Array.of(...b.subarray(0, 3), 0x01, ...b.subarray(4, cut)) },
            { channel: 'att', bytes: Uint8Array.of(...b.subarray(0, 4), ...b.subarray(cut)) },
          ];
        },
      });
    const report = await run(target({ wrap: split }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'ble.fragmentation'));
    const mismatches = failed(report, 'ble.fragmentation');
    expect(mismatches.map((m) => m.what)).toEqual([
      'MTU 23: a 47-byte reply',
      'MTU 185: a 47-byte reply',
      'MTU 247: a 47-byte reply',
    ]);
    expect(mismatches[1]?.expected).toBe(
      '1 notification(s) of T + at most 181 frame bytes, T = 01 on all but the last (00)',
    );
  });

  it('usb.report-framing: a length byte one too long', async () => {
    const longer = (link: InMemoryLink) =>
      wrapLink(link, {
        toClient: (packet) => {
          if (packet.channel !== 'usb') return [packet];
          const bytes = packet.bytes.slice();
          bytes[1] = (bytes[1] ?? 0) + 1;
          return [{ channel: 'usb', bytes }];
        },
      });
    const report = await run(target({ wrap: longer }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'usb.report-framing'));
    const [first, second] = failed(report, 'usb.report-framing');
    // A CRC-8 over its own CRC byte is 0, so the 18-byte frame plus one zero of padding still decodes
    // under D-7; the extra byte shows.
    expect(first?.what).toBe('report 1: the length byte says 19 bytes, the frame has 18');
    expect(second?.what).toBe('report 2: the 48 bytes the length byte covers do not decode');
    expect(second?.got).toContain('does not decode: PROTOCOL_');
  });

  for (const [id, handle] of [
    ['ble.battery-notify', HANDLES.battery],
    ['ble.status-notify', HANDLES.status],
  ] as const)
    it(`${id}: its notifications dropped`, async () => {
      const mute = (link: InMemoryLink) =>
        wrapLink(link, {
          toClient: (packet) =>
            packet.channel === 'att' &&
            packet.bytes[0] === ATT.notification &&
            attHandle(packet.bytes) === handle
              ? []
              : [packet],
        });
      const report = await run(target({ wrap: mute }));
      expect(outcomes(report)).toEqual(onlyFailing(report, id));
      const mismatches = failed(report, id);
      expect(mismatches.map((m) => m.got)).toEqual(['no notification within 500 ms', 'no notification']);
    });

  it('ble.advertising: a name without IQOS', async () => {
    const report = await run(target({ device: { identity: { name: 'ILUMA i' } } }));
    expect(outcomes(report)).toEqual(onlyFailing(report, 'ble.advertising'));
    expect(failed(report, 'ble.advertising')).toEqual([
      {
        what: 'complete local name (scan response)',
        expected: 'a complete name containing IQOS (D-21)',
        got: 'ILUMA i',
      },
    ]);
  });

  it('covers every check of the catalogue', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([
      'scp.read-registers',
      'scp.write-echo',
      'scp.bad-crc',
      'scp.read-only',
      'scp.queue-depth',
      'scp.reply-timing',
      'scp.stale-partial',
      'ble.fragmentation',
      'usb.report-framing',
      'ble.battery-notify',
      'ble.status-notify',
      'ble.advertising',
    ]);
  });
});

describe('a target that stops answering', () => {
  it('leaves the check it stopped in and every later one not-run, with the reason', async () => {
    let requests = 0;
    const dies = (link: InMemoryLink) =>
      wrapLink(link, {
        toDevice: (packet) => {
          if (packet.channel === 'usb') requests += 1;
          return [packet];
        },
        // Silent from the 35th request on: the third read of scp.write-echo, after the 32 of
        // scp.read-registers (ILUMA i) and two more.
        toClient: (packet) => (requests >= 35 ? [] : [packet]),
      });
    const report = await run(target({ channel: 'usb', wrap: dies }));
    expect(report.ok).toBe(false);
    expect(report.results[0]?.outcome).toBe('pass');
    const rest = report.results.slice(1);
    expect(rest.map((r) => r.outcome)).toEqual(rest.map(() => 'not-run'));
    expect(rest[0]?.detail).toBe(
      'the target stopped answering during scp.write-echo: no reply to a firmware read (C0 S 0x00) within 500 ms',
    );
    expect(report.counts).toEqual({ pass: 1, fail: 0, 'n/a': 0, 'not-run': 11 });
  });
});
