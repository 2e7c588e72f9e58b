/**
 * Transport selection in one place (architecture "core contracts"): a spec string (spec.ts) picks the
 * link a client talks over, and every caller (the CLI, tests, benches) gets the same shape back.
 */
import { realTimeScheduler } from './clock-pump.js';
import { TransportError } from './errors.js';
import { openBleTransport } from './open-ble.js';
import { openReplay } from './open-replay.js';
import { openSim } from './open-sim.js';
import { finishOpen, type OpenedTransport, type OpenTransportOptions } from './opened.js';
import { openSerialTransport } from './serial/client.js';
import { parseTransportSpec } from './spec.js';

/** Longest adapter or connect wait, ms (10 minutes; Node timers overflow past 2³¹−1 ms anyway). */
const MAX_TIMEOUT_MS = 600_000;

/** Opens the link a spec names (the table in spec.ts); TRANSPORT_BAD_SPEC before anything opens. */
export async function openTransport(
  spec: string,
  options: OpenTransportOptions = {},
): Promise<OpenedTransport> {
  const parsed = parseTransportSpec(spec);
  for (const name of ['adapterTimeoutMs', 'connectTimeoutMs'] as const) {
    const value = options[name];
    // Node timers hold at most 2³¹−1 ms; a longer one would fire at once.
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= MAX_TIMEOUT_MS))
      throw new TransportError(
        'TRANSPORT_BAD_SPEC',
        `${name} must be a whole number 1…${MAX_TIMEOUT_MS}, got ${value}`,
      );
  }
  switch (parsed.kind) {
    case 'sim':
      return finishOpen(parsed, openSim(parsed, options.capture), options);
    case 'replay':
      return finishOpen(parsed, await openReplay(parsed, options.capture), options);
    case 'serial': {
      const serial = await openSerialTransport(parsed.path, {
        baudRate: parsed.baudRate,
        binding: options.serialBinding,
        ...(options.capture ? { capture: options.capture } : {}),
      });
      return finishOpen(
        parsed,
        { transport: serial, channel: 'usb', scheduler: realTimeScheduler(), closed: () => serial.closed() },
        options,
        () => serial.lost,
      );
    }
    case 'ble': {
      const ble = await openBleTransport(parsed.address, {
        adapterTimeoutMs: options.adapterTimeoutMs ?? 3000,
        connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
        ...(options.capture ? { capture: options.capture } : {}),
        ...(options.nobleBindings ? { bindings: options.nobleBindings } : {}),
      });
      return finishOpen(parsed, { ...ble, channel: 'ble', scheduler: realTimeScheduler() }, options);
    }
    case 'webbluetooth':
      throw new TransportError(
        'TRANSPORT_UNSUPPORTED',
        'webbluetooth is the navigator.bluetooth of the Playwright browser fixture; ' +
          'from the command line use sim:<model>, serial:<path> or ble:<address>',
      );
  }
}
