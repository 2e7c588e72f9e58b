/**
 * Records any `Transport` (architecture "core contracts": any transport can be recorded): every
 * packet written and received becomes one JSON line
 * `{"tMs": 12.345, "dir": "out" | "in", "channel": "att" | "usb", "hex": "3F 04 C0 02 23 C3 …"}`,
 * `tMs` being ms since recording started (real time unless `nowMs` is given), `out` towards the device.
 * With `capture`, the same packets also go to a capture sink as `att`/`usb` events (docs/captures.md),
 * e.g. an `openCaptureFile`. The wrapped transport behaves exactly like the original.
 */
import { createWriteStream, openSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import { toHex } from '../protocol/index.js';
import { type CaptureSink, type Transport, usOf, type WirePacket } from '../simulator/index.js';
import { messageOf, TransportError } from './errors.js';

export interface RecordLine {
  readonly tMs: number;
  readonly dir: 'out' | 'in';
  readonly channel: WirePacket['channel'];
  readonly hex: string;
}

export interface RecorderOptions {
  /** Clock of `tMs`, ms (default `performance.now`); tMs counts from the first reading. */
  nowMs?: () => number;
  /**
   * Also sends each packet here as a capture event, timed by `nowMs` when given, else by the wall clock
   * (µs since 1970). ATT packets get connection handle 0x0040: a client-side recorder knows no other.
   */
  capture?: CaptureSink;
}

/** The handle given to recorded ATT packets (the first one a virtual device gives out). */
const RECORDED_HANDLE = 0x0040;

export interface RecordedTransport extends Transport {
  /** Ends the recording (a file is closed, a stream given by the caller is left open); resolves when flushed. */
  finish(): Promise<void>;
}

/** Wraps `transport`; `sink` is a writable stream or a file path (created or truncated). */
export function recordTransport(
  transport: Transport,
  sink: Writable | string,
  options: RecorderOptions = {},
): RecordedTransport {
  const out = typeof sink === 'string' ? createWriteStream('', { fd: openFile(sink) }) : sink;
  const owned = typeof sink === 'string';
  const nowMs = options.nowMs ?? (() => performance.now());
  const startMs = nowMs();
  let finished: Promise<void> | undefined;
  const wallMs = () => performance.timeOrigin + performance.now();
  const captureNowMs = options.nowMs ?? wallMs;
  const record = (dir: RecordLine['dir'], packet: WirePacket): void => {
    if (finished) return;
    if (options.capture) {
      const tUs = usOf(captureNowMs());
      const to = dir === 'out' ? 'toDevice' : 'toHost';
      options.capture.capture(
        packet.channel === 'att'
          ? { kind: 'att', tUs, dir: to, handle: RECORDED_HANDLE, bytes: packet.bytes }
          : { kind: 'usb', tUs, dir: to, bytes: packet.bytes },
      );
    }
    const line: RecordLine = {
      tMs: Math.round((nowMs() - startMs) * 1000) / 1000,
      dir,
      channel: packet.channel,
      hex: toHex(packet.bytes),
    };
    out.write(`${JSON.stringify(line)}\n`);
  };
  // Incoming packets are recorded once, however many listeners the caller adds.
  const offIn = transport.onData((packet) => record('in', packet));

  const finish = (): Promise<void> => {
    finished ??= new Promise<void>((done) => {
      offIn();
      if (!owned) {
        done();
        return;
      }
      out.end(() => done());
    });
    return finished;
  };

  return {
    write(packet) {
      record('out', packet);
      transport.write(packet);
    },
    onData: (listener) => transport.onData(listener),
    onClose: (listener) => transport.onClose(listener),
    close() {
      transport.close();
      void finish();
    },
    finish,
    get open() {
      return transport.open;
    },
  };
}

/** Opens the file now, so a bad path fails here (TRANSPORT_OPEN_FAILED) rather than as a stream error later. */
function openFile(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new TransportError(
      'TRANSPORT_OPEN_FAILED',
      `cannot write the recording ${path}: ${messageOf(error)}`,
    );
  }
}
