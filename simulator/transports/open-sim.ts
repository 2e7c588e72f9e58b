/** `sim:<model>`: an in-process virtual device over the in-memory link, its clock pumped in real time. */
import { createVirtualDevice, InMemoryLink, type Transport, VirtualClock } from '../index.js';
import { type ClockPump, hostRtcSeconds, startClockPump } from './clock-pump.js';
import type { RawOpen } from './opened.js';
import type { SimSpec } from './spec.js';

export function openSim(spec: SimSpec): RawOpen {
  const clock = new VirtualClock();
  const device = createVirtualDevice({
    model: spec.model,
    seed: spec.seed,
    firmware: { initial: { rtcSeconds: hostRtcSeconds() } },
  });
  // Over USB nothing connects: a BLE central would make the device stop advertising.
  const link = new InMemoryLink(clock, device, { connect: spec.channel === 'ble' });
  let pump: ClockPump | undefined;
  const transport: Transport = {
    write(packet) {
      link.write(packet);
      pump?.kick();
    },
    onData: (listener) => link.onData(listener),
    onClose: (listener) => link.onClose(listener),
    close() {
      link.close();
      pump?.stop();
    },
    get open() {
      return link.open;
    },
  };
  pump = startClockPump(clock, {
    onError: (error) => link.disconnect(`clock pump stopped: ${String(error)}`),
  });
  return {
    transport,
    channel: spec.channel,
    scheduler: clock,
    device,
    closed: async () => transport.close(),
  };
}
