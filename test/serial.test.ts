/**
 * Serial transport (issue #5 item 3): a client and a virtual device over `@serialport/binding-mock`,
 * then over a real pty pair made by socat behind `iqsim run --serial`. Noise on the line and reports
 * split across reads must cost only the bytes they spoil. Real time only paces the device (its
 * replies come `replyDelayMs` after a request); every wait is on an event or a reply, with generous
 * timeouts, so the assertions never depend on the wall clock.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame, decodeUsbReport, encodeCommand, encodeUsbReport, toHex } from '../protocol/index.js';
import { createVirtualDevice, IqosClient, type WirePacket } from '../simulator/index.js';
import {
  type MockPort,
  mockPortEndpoint,
  type OpenedTransport,
  openTransport,
  type SerialBinding,
  SerialTransport,
  startRealTimePump,
  UsbDeviceBridge,
  UsbReportStream,
} from '../transports/index.js';
import { ensureBuiltCli, MAIN } from './helpers/built-cli.js';
import { cli } from './helpers/cli.js';

const SAFETY_MS = 20_000;

/** Noise a line picks up: report ids with out-of-range lengths and a header whose frame fails its CRC. */
const GARBAGE = Uint8Array.of(
  0x00,
  0x3f,
  0x3f,
  0x00,
  0x3f,
  0x04,
  0xc0,
  0x02,
  0x23,
  0xff,
  0x17,
  0x3f,
  0x01,
  0x00,
);

/** Resolves with the next usb packet the transport delivers. */
function nextReport(transport: { onData(l: (p: WirePacket) => void): () => void }): Promise<Uint8Array> {
  return new Promise((done) => {
    const off = transport.onData((packet) => {
      off();
      done(packet.bytes);
    });
  });
}

describe('UsbReportStream', () => {
  it('hands out whole reports, byte for byte, from a stream cut at every offset around noise', () => {
    const report = encodeUsbReport(encodeCommand('get-brightness'));
    report[40] = 0x5a; // background bytes after the frame travel with the report
    const stream = Uint8Array.from([...GARBAGE, ...report, ...GARBAGE, ...report]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const reports = new UsbReportStream();
      const a = reports.push(stream.subarray(0, cut));
      const b = reports.push(stream.subarray(cut));
      expect([...a.reports, ...b.reports].map((r) => toHex(r))).toEqual([toHex(report), toHex(report)]);
      expect(reports.garbageBytes).toBe(2 * GARBAGE.length);
    }
  });
});

describe('serial client and device bridge over @serialport/binding-mock', () => {
  const MockBinding = SerialPortMock.binding;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    MockBinding.reset();
  });

  /** Opens `serial:` on a fresh mock port; returns the client side and the port the device end sees. */
  async function mockPort(): Promise<{ opened: OpenedTransport; serial: SerialTransport; port: MockPort }> {
    MockBinding.createPort('/dev/ttyIQOS-MOCK', { echo: false, record: false });
    const ports: MockPort[] = [];
    // The binding hands its port object only to the stream that opens it; this one keeps a copy.
    const tapping: SerialBinding = {
      list: () => MockBinding.list(),
      open: async (options) => {
        const port = await MockBinding.open(options);
        ports.push(port);
        return port;
      },
    };
    const opened = await openTransport('serial:/dev/ttyIQOS-MOCK?baud=9600', { serialBinding: tapping });
    cleanups.push(() => opened.close());
    expect(opened.underlying).toBeInstanceOf(SerialTransport);
    return { opened, serial: opened.underlying as SerialTransport, port: ports[0] as MockPort };
  }

  /** A virtual ILUMA i (seed 3) bridged on the device end of the port, in real time. */
  function bridgeDevice(port: MockPort): UsbDeviceBridge {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 3 });
    let bridge: UsbDeviceBridge | undefined;
    const pump = startRealTimePump(device, { onTransmit: (packet) => bridge?.transmit(packet) });
    bridge = new UsbDeviceBridge(mockPortEndpoint(port), device, { nowMs: () => pump.nowMs() });
    cleanups.push(() => pump.stop());
    return bridge;
  }

  it('a client reads the identity of a virtual device bridged on the mock port', async () => {
    const { opened, port } = await mockPort();
    bridgeDevice(port);
    expect(opened.channel).toBe('usb');
    const client = await IqosClient.connect(opened.transport, {
      scheduler: opened.scheduler,
      channel: 'usb',
    });
    const expected = createVirtualDevice({ model: 'iluma-i', seed: 3 }).identity;
    expect(await client.getProductNumber('charger')).toBe(expected.chargerProductNumber);
    expect(await client.getProductNumber('holder')).toBe(expected.holderProductNumber);
    expect(await client.getFirmwareVersion('holder')).toBe(expected.holderFirmware);
  });

  it('the device end survives garbage before a request and a request split across two writes', async () => {
    const { serial, port } = await mockPort();
    const bridge = bridgeDevice(port);
    const request = encodeUsbReport(encodeCommand('get-brightness'));
    const reply = nextReport(serial);
    serial.writeBytes(GARBAGE);
    serial.writeBytes(request.subarray(0, 23));
    serial.writeBytes(request.subarray(23));
    const frame = decodeUsbReport(await reply);
    expect(frame.ok && decodeFrame(frame.value)).toMatchObject({
      ok: true,
      value: { command: 'get-brightness' },
    });
    expect(bridge.stats).toMatchObject({ reportsIn: 1, reportsOut: 1, garbageBytes: GARBAGE.length });
  });

  it('the client end survives garbage before a reply and a reply split across two reads', async () => {
    const { serial, port } = await mockPort();
    // The test is the device here: a real reply report, background bytes and all, sent torn.
    const reply = encodeUsbReport(encodeCommand('get-brightness', { reply: true, args: ['low'] }));
    reply[50] = 0xa5;
    const received = nextReport(serial);
    port.emitData(Buffer.from(GARBAGE));
    port.emitData(Buffer.from(reply.subarray(0, 30)));
    await new Promise((r) => setImmediate(r)); // two reads, not one
    port.emitData(Buffer.from(reply.subarray(30)));
    expect(toHex(await received)).toBe(toHex(reply));
    expect(serial.stats).toMatchObject({ reportsIn: 1, garbageBytes: GARBAGE.length });
  });

  it('a closed port refuses writes with TRANSPORT_LOST', async () => {
    const { serial } = await mockPort();
    await serial.closed();
    expect(serial.open).toBe(false);
    expect(() =>
      serial.write({ channel: 'usb', bytes: encodeUsbReport(encodeCommand('get-brightness')) }),
    ).toThrow(expect.objectContaining({ code: 'TRANSPORT_LOST' }));
  });
});

// ---- a real pty pair behind `iqsim run --serial` ---------------------------------------------------

describe('iqsim run --serial over a socat pty pair', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';
  let ttyPath: string;

  beforeAll(async () => {
    expect(ensureBuiltCli()).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'iqsim-serial-'));
    ttyPath = join(dir, 'ttyIQOS');
    const started = spawn(
      process.execPath,
      [MAIN, 'run', '--model', 'iluma-i', '--serial', ttyPath, '--seed', '3'],
      {
        cwd: dir,
      },
    );
    child = started;
    started.stdout.resume();
    const safety = setTimeout(() => started.kill('SIGKILL'), SAFETY_MS * 3);
    started.on('close', () => clearTimeout(safety));
    await new Promise<void>((ready, fail) => {
      started.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (stderr.includes(`serial: ${ttyPath}\n`)) ready();
      });
      started.on('close', (code) =>
        fail(new Error(`iqsim run exited ${code} before it was ready: ${stderr}`)),
      );
    });
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child?.on('close', r));
      child.kill('SIGTERM'); // run kills its socat on the way out
      await closed;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('probe over the pty prints the identity that probe of sim: prints for the same seed', async () => {
    // Generous timeouts: a slow CI machine must not turn a late reply into a missing one.
    const serial = await cli('probe', `serial:${ttyPath}`, '--json', '--timeout-ms', '5000');
    expect(serial).toMatchObject({ code: 0, err: '' });
    const sim = await cli('probe', 'sim:iluma-i?seed=3', '--json');
    expect(sim).toMatchObject({ code: 0, err: '' });
    const overSerial = JSON.parse(serial.out);
    const overSim = JSON.parse(sim.out);
    expect(overSerial.channel).toBe('usb');
    expect(overSerial.identity.charger).toEqual(overSim.identity.charger);
    expect(overSerial.identity.holder).toEqual(overSim.identity.holder);
    expect(overSerial.identity.modelCode).toEqual(overSim.identity.modelCode);
    expect(overSerial.firmware).toEqual(overSim.firmware);
    expect(overSerial.identity.charger.productNumber).toMatch(/^T[0-9A-Z]{13}$/);
    // Another seed is another device: the comparison above is not vacuous.
    const other = JSON.parse((await cli('probe', 'sim:iluma-i?seed=4', '--json')).out);
    expect(other.identity.charger).not.toEqual(overSim.identity.charger);
  });

  it('garbage written into the pty before a request, and a request split in two, still get a reply', async () => {
    const opened = await openTransport(`serial:${ttyPath}`);
    try {
      const serial = opened.underlying as SerialTransport;
      const client = await IqosClient.connect(opened.transport, {
        scheduler: opened.scheduler,
        channel: 'usb',
      });
      serial.writeBytes(GARBAGE);
      expect(await client.getBrightness()).toMatchObject({ levelName: 'high' });
      const request = encodeUsbReport(encodeCommand('get-lock'));
      const reply = nextReport(serial);
      serial.writeBytes(GARBAGE);
      serial.writeBytes(request.subarray(0, 10));
      await new Promise((r) => setTimeout(r, 5)); // two writes reach socat as two reads
      serial.writeBytes(request.subarray(10));
      const frame = decodeUsbReport(await reply);
      expect(frame.ok && decodeFrame(frame.value)).toMatchObject({
        ok: true,
        value: { command: 'get-lock' },
      });
      expect(serial.stats.garbageBytes).toBe(0); // the device end skipped the noise; none came back
    } finally {
      await opened.close();
    }
  });

  it('send over the pty prints decoded replies', async () => {
    const result = await cli('send', `serial:${ttyPath}`, '--json', '--window-ms', '3000', 'C0 02 23 C3');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(result.out).exchanges[0].replies[0]).toMatchObject({ command: 'get-brightness' });
  });

  it('the link is lost with TRANSPORT_LOST when the device process goes away, and socat goes with it', async () => {
    const opened = await openTransport(`serial:${ttyPath}`);
    const closed = new Promise<string>((r) => opened.transport.onClose(r));
    const exited = new Promise<number | null>((r) => child?.on('close', (code) => r(code)));
    child?.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await closed).toMatch(/^TRANSPORT_LOST/);
    expect(opened.lost?.code).toBe('TRANSPORT_LOST');
    await opened.close();
    expect(existsSync(ttyPath)).toBe(false); // SIGTERMed socat removes its links
    expect(existsSync(`${ttyPath}.iqsim`)).toBe(false);
    const probe = await cli('probe', `serial:${ttyPath}`);
    expect(probe.code).toBe(1);
    expect(probe.err).toMatch(/^error TRANSPORT_OPEN_FAILED: /);
  });

  it('without socat, run --serial exits 2 with TRANSPORT_SOCAT_MISSING', () => {
    const result = spawnSync(
      process.execPath,
      [MAIN, 'run', '--model', 'iluma-i', '--serial', join(dir, 'ttyNone')],
      {
        cwd: dir,
        env: { ...process.env, PATH: join(dir, 'no-bin') },
        encoding: 'utf8',
        timeout: SAFETY_MS,
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error TRANSPORT_SOCAT_MISSING: socat is not installed/);
  });
});
