/**
 * The companion app speaks the wire protocol with its own small codec (examples/companion/scp.js, a
 * real client with no iqsim imports). Its frames must be byte for byte what iqsim's protocol layer
 * encodes, and its record parsers must read the spec's captured samples (docs/protocol.md §3.4, §3.5, §9).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCommand, hexBytes } from '../protocol/index.js';
import {
  createVirtualDevice,
  InMemoryLink,
  IqosClient,
  runUntilSettled,
  VirtualClock,
} from '../simulator/index.js';
import { ROOT } from './helpers/built-cli.js';

interface AppCodec {
  crc8(bytes: number[]): number;
  crc16(bytes: number[]): number;
  shortFrame(node: number, address: number, options?: { write?: boolean; payload?: number[] }): number[];
  longRead(node: number, table: number): number[];
  replyMatcher(request: number[]): (frame: number[]) => boolean;
  shortPayload(frame: number[]): number[];
  counters(frame: number[]): Record<string, number>;
  fragments(frame: number[], maxValueBytes?: number): Uint8Array[];
  reassembler(): { push(value: Uint8Array): number[] | undefined };
  parseBattery(view: DataView): Record<string, number>;
  parseStatus(view: DataView): {
    holderErrors: number;
    holderState?: number;
    endReason?: number;
    puffs?: number;
  };
}

// A specifier TypeScript does not resolve: the module is plain JavaScript without types.
const codecPath = '../examples/companion/scp.js';
const app = (await import(codecPath)) as AppCodec;
const faultsPath = '../examples/companion/faults.js';
const faults = (await import(faultsPath)) as {
  problemsOf(status: object, onePiece: boolean): { id: string; text: string }[];
};
const bytes = (hex: string) => Array.from(hexBytes(hex));
const view = (hex: string) => new DataView(hexBytes(hex).buffer);

describe('the companion app codec', () => {
  it('has the spec CRCs (docs/protocol.md §4.5, §4.6)', () => {
    expect(app.crc16(Array.from(new TextEncoder().encode('123456789')))).toBe(0x20fe);
    expect(app.crc8(bytes('02 23'))).toBe(0xc3);
  });

  it.each([
    ['get-brightness', [], app.shortFrame(0xc0, 0x8e)],
    ['set-brightness', ['high'], app.shortFrame(0xc0, 0x8e, { write: true, payload: [0x64, 0, 0, 0] })],
    ['get-auto-start', [], app.shortFrame(0xc9, 0x93, { payload: [1, 0, 0, 0] })],
    ['set-auto-start', ['on'], app.shortFrame(0xc9, 0x93, { write: true, payload: [1, 1, 0, 0] })],
    ['get-flexpuff', [], app.shortFrame(0xd2, 0x89, { payload: [3, 0, 0, 0] })],
    ['set-flexpuff', ['off'], app.shortFrame(0xd2, 0x89, { write: true, payload: [3, 0, 0, 0] })],
    ['find-my', ['start'], app.shortFrame(0xc0, 0x89, { write: true, payload: [1, 0x1e, 0, 0] })],
  ])('%s %j is what iqsim encodes', (command, args, frame) => {
    expect(frame).toEqual(Array.from(encodeCommand(command, { args })));
  });

  it('long reads, fragments and reassembly (docs/protocol.md §4.1, §4.2)', () => {
    expect(app.longRead(0xc9, 0x0101)).toEqual(
      Array.from(encodeCommand('get-usage-counters', { unit: 'holder' })),
    );
    expect(app.longRead(0xc9, 0x0101)).toEqual(bytes('C9 10 02 01 01 75 D6'));
    expect(app.longRead(0xc0, 0x0101)).toEqual(
      Array.from(encodeCommand('get-usage-counters', { unit: 'charger' })),
    );
    const long = Array.from({ length: 45 }, (_, i) => i);
    const parts = app.fragments(long);
    expect(parts.map((p) => p[0])).toEqual([1, 1, 0]);
    const r = app.reassembler();
    expect(parts.map((p) => r.push(p))).toEqual([undefined, undefined, long]);
  });

  it('reads the captured battery and status records (docs/protocol.md §3.4, §3.5)', () => {
    expect(app.parseBattery(view('0F 00 38 19 B4 0E 64'))).toEqual({
      chargerPct: 56,
      chargerTempC: 25,
      chargerMv: 3764,
      holderPct: 100,
    });
    expect(app.parseBattery(view('07 00 34 18 68 0E'))).toEqual({
      chargerPct: 52,
      chargerTempC: 24,
      chargerMv: 3688,
    });
    const status = app.parseStatus(view('5B 00 00 00 03 00 00 42 0F'));
    expect(status).toMatchObject({ holderErrors: 0, holderState: 3, endReason: 2, puffs: 15 });
    expect(faults.problemsOf(status, false)).toEqual([]);
  });

  it('reads a virtual device’s replies: brightness and usage counters', async () => {
    const clock = new VirtualClock();
    const device = createVirtualDevice({ model: 'iluma-i' });
    const link = new InMemoryLink(clock, device);
    const client = await runUntilSettled(clock, IqosClient.connect(link, { scheduler: clock }));
    for (const [request, check] of [
      [app.shortFrame(0xc0, 0x8e), (reply: number[]) => expect(app.shortPayload(reply)[0]).toBe(100)],
      [app.longRead(0xc9, 0x0101), (reply: number[]) => expect(app.counters(reply)).toHaveProperty('8E')],
    ] as const) {
      const replies: number[][] = [];
      const stop = client.onFrame((frame) => replies.push(Array.from(frame)));
      await runUntilSettled(clock, client.sendFrame(Uint8Array.from(request)));
      clock.advanceBy(200);
      stop();
      const reply = replies.find(app.replyMatcher([...request]));
      expect(reply, `a reply to ${request}`).toBeDefined();
      check(reply as number[]);
    }
    client.close();
  });
});

describe('the app is a client of its own', () => {
  it('imports only its own files (no iqsim, no package): what a team would ship', () => {
    const root = join(ROOT, 'examples/companion');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(join(root, file), 'utf8');
      for (const [, specifier] of source.matchAll(/^\s*(?:import|export)\b[^'"`]*?from\s*['"]([^'"]+)['"]/gm))
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\.?\//);
      expect(source, file).not.toMatch(/\bimport\s*\(/);
    }
  });
});
