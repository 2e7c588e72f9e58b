/**
 * tshark is the judge of our btsnoop and pcapng files (docs/captures.md "Opening captures in
 * Wireshark and tshark"): a virtual ILUMA i session over BLE (discovery, an SCP request, a battery
 * read, a bond), the same request over USB and over a serial bridge, written by our writers and read
 * by Wireshark's dissectors, which must find the opcodes, handles, values, HCI events, URBs and bytes
 * that were recorded. Virtual time throughout; nothing is bound. `npm test` installs tshark
 * (scripts/ensure-system-deps.sh); without it these tests fail saying so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUsbReport, hexBytes, toHex } from '../protocol/index.js';
import {
  type AttCapture,
  type CaptureEvent,
  CaptureList,
  createVirtualDevice,
  encodeBtsnoop,
  encodePcapng,
  HANDLES,
  type UsbCapture,
} from '../simulator/index.js';
import { createRig } from '../testing/index.js';
import { UsbDeviceBridge } from '../transports/index.js';

const USER0_AS_DATA = 'uat:user_dlts:"User 0 (DLT=147)","data","0","","0",""';

function tshark(...args: string[]): string[] {
  try {
    return execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('tshark is not installed: run `npm run setup:system` (scripts/ensure-system-deps.sh)');
    throw error;
  }
}

const shifted = (events: readonly CaptureEvent[], byUs: number) =>
  events.map((e) => ({ ...e, tUs: e.tUs + byUs }));

/** The BLE session, the USB session 10 s later, serial bytes 20 s later. */
async function session(): Promise<CaptureEvent[]> {
  const ble = new CaptureList();
  const rig = await createRig({ model: 'iluma-i', seed: 3, capture: ble, latencyMs: 2 });
  const client = rig.client as NonNullable<typeof rig.client>;
  await rig.run(client.getBatteryPercent());
  await rig.run(client.readBattery());
  rig.device.bond(rig.clock.now());
  rig.close();

  const usb = new CaptureList();
  const usbRig = await createRig({ model: 'iluma-i', seed: 3, capture: usb, client: 'usb', latencyMs: 2 });
  await usbRig.run((usbRig.client as NonNullable<typeof usbRig.client>).getBatteryPercent());
  usbRig.close();

  return [...ble.events, ...shifted(usb.events, 10_000_000), ...shifted(await serialBytes(), 20_000_000)];
}

/** A request report fed to the serial bridge of a device in two reads, and the reply it wrote. */
async function serialBytes(): Promise<CaptureEvent[]> {
  const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
  const serial = new CaptureList();
  let feed: (bytes: Uint8Array) => void = () => undefined;
  let nowMs = 0;
  const bridge = new UsbDeviceBridge(
    {
      write: () => undefined,
      onData: (listener) => {
        feed = listener;
        return () => undefined;
      },
      onClose: () => () => undefined,
      close: async () => undefined,
      open: true,
    },
    device,
    { nowMs: () => nowMs, capture: serial },
  );
  const report = encodeUsbReport(hexBytes('C0 00 24 FC'));
  feed(report.subarray(0, 10));
  feed(report.subarray(10));
  nowMs = device.nextDeadline() ?? 0;
  device.handleTimeout(nowMs);
  for (let packet = device.pollTransmit(); packet; packet = device.pollTransmit()) bridge.transmit(packet);
  await bridge.close();
  return serial.events;
}

const hex = (bytes: Uint8Array) => toHex(bytes, '').toLowerCase();
const hex16 = (value: number) => `0x${value.toString(16).padStart(4, '0')}`;

/** What tshark should print for an ATT PDU: opcode, and handle and value where the PDU carries them. */
function expectedAtt(event: AttCapture): { opcode: string; handle?: string; value?: string } {
  const b = event.bytes;
  const opcode = `0x${(b[0] ?? 0).toString(16).padStart(2, '0')}`;
  const handle = (b[1] ?? 0) | ((b[2] ?? 0) << 8);
  // A write to a CCCD is shown as the configuration it sets, not as btatt.value.
  if (b[0] === 0x1b || ((b[0] === 0x12 || b[0] === 0x52) && handle === HANDLES.scp))
    return { opcode, handle: hex16(handle), value: hex(b.subarray(3)) };
  if (b[0] === 0x0a || b[0] === 0x12) return { opcode, handle: hex16(handle) };
  if (b[0] === 0x0b) return { opcode, value: hex(b.subarray(1)) };
  return { opcode };
}

function checkAtt(file: string, events: readonly CaptureEvent[]): void {
  const att = events.filter((e): e is AttCapture => e.kind === 'att');
  const rows = tshark(
    '-r',
    file,
    '-Y',
    'btatt',
    '-T',
    'fields',
    '-e',
    'btatt.opcode',
    '-e',
    'btatt.handle',
    '-e',
    'btatt.value',
  );
  expect(rows).toHaveLength(att.length);
  att.forEach((event, i) => {
    const [opcode, handle, value] = (rows[i] as string).split('\t');
    const want = expectedAtt(event);
    expect(opcode).toBe(want.opcode);
    if (want.handle) expect(handle).toBe(want.handle);
    if (want.value !== undefined) expect(value, toHex(event.bytes)).toBe(want.value);
  });
}

function checkHciEvents(file: string): void {
  const rows = tshark(
    '-r',
    file,
    '-Y',
    'bthci_evt',
    '-T',
    'fields',
    '-e',
    'bthci_evt.code',
    '-e',
    'bthci_evt.le_meta_subevent',
    '-e',
    'bthci_evt.connection_handle',
  );
  expect(rows).toEqual(['0x3e\t0x02\t', '0x3e\t0x01\t0x0040', '0x08\t\t0x0040', '0x05\t\t0x0040']);
}

describe('tshark reads our captures of a virtual-device session', () => {
  let dir: string;
  let events: CaptureEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iqsim-captures-'));
    events = await session();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('btsnoop: every ATT opcode, handle and value, and the connection events', () => {
    const file = join(dir, 'session.btsnoop');
    writeFileSync(file, encodeBtsnoop(events));
    checkAtt(file, events);
    checkHciEvents(file);
    expect(events.some((e) => e.kind === 'att' && e.bytes[0] === 0x1b)).toBe(true);
  });

  it('pcapng: the same ATT and HCI events, USB interrupt URBs, serial bytes under User 0', () => {
    const file = join(dir, 'session.pcapng');
    writeFileSync(file, encodePcapng(events));
    checkAtt(file, events);
    checkHciEvents(file);
    const usb = events.filter((e): e is UsbCapture => e.kind === 'usb');
    expect(usb.length).toBeGreaterThanOrEqual(2);
    expect(
      tshark(
        '-r',
        file,
        '-Y',
        'usb',
        '-T',
        'fields',
        '-e',
        'usb.urb_type',
        '-e',
        'usb.transfer_type',
        '-e',
        'usb.endpoint_address',
        '-e',
        'usb.capdata',
      ),
    ).toEqual(
      usb.map((e) =>
        e.dir === 'toDevice' ? `'S'\t0x01\t0x01\t${hex(e.bytes)}` : `'C'\t0x01\t0x81\t${hex(e.bytes)}`,
      ),
    );
    const serial = events.filter((e) => e.kind === 'serial');
    expect(serial).toHaveLength(3);
    expect(
      tshark(
        '-o',
        USER0_AS_DATA,
        '-r',
        file,
        '-Y',
        'frame.interface_id == 2',
        '-T',
        'fields',
        '-e',
        'frame.packet_flags_direction',
        '-e',
        'data.data',
      ),
    ).toEqual(serial.map((e) => `${e.dir === 'toDevice' ? '0x00000002' : '0x00000001'}\t${hex(e.bytes)}`));
  });
});
