/**
 * Regression (issue 9 item 3): a puff injected where the heater cannot register it (early pre-heat,
 * pause, too weak) produced no event at all, so a scenario or `run --json` step did nothing without
 * a sign. Each now ends in a `puffIgnored` event on the device's event stream, with its reason.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualDevice, type DeviceEvent } from '../../simulator/index.js';

function heatingDevice() {
  const device = createVirtualDevice({ model: 'iluma-i', firmware: { initial: { docked: false } } });
  const events: DeviceEvent[] = [];
  device.events$.subscribe((e) => events.push(e));
  device.input({ type: 'stick', action: 'insert' }, 0);
  return { device, events };
}
const puffOutcomes = (events: DeviceEvent[]) =>
  events.filter((e) => e.type === 'puff' || e.type === 'puffIgnored').map((e) => ({ ...e }));

describe('puffs the heater does not register say so', () => {
  it('early in pre-heat', () => {
    const { device, events } = heatingDevice();
    device.input({ type: 'puff' }, 2_000);
    device.handleTimeout(10_000);
    expect(puffOutcomes(events)).toMatchObject([{ type: 'puffIgnored', reason: 'heaterSettling' }]);
  });

  it('too weak to detect, in session', () => {
    const { device, events } = heatingDevice();
    device.input({ type: 'puff', flowMlS: 0.5 }, 40_000);
    device.handleTimeout(50_000);
    expect(puffOutcomes(events)).toMatchObject([
      { type: 'puffIgnored', reason: 'belowThreshold', flowMlS: 0.5 },
    ]);
  });
});
