/** The battery (docs/protocol.md §3.4) and status (docs/protocol.md §3.5) views as the wire carries them. */
import { describe, expect, it } from 'vitest';
import { Firmware } from './firmware.js';

describe('views', () => {
  it('battery: charger and holder levels, the holder only while docked', () => {
    const docked = new Firmware('iluma-i', { initial: { chargerPercent: 56, holderPercent: 90 } });
    expect(docked.battery()).toMatchObject({ chargerPercent: 56, holderPercent: 90, holderPresent: true });
    const out = new Firmware('iluma-i', { initial: { docked: false } });
    expect(out.battery().holderPresent).toBe(false);
  });

  it('status: ambient bits 1 too cold, 2 too hot (docs/device.md §5.2)', () => {
    const fw = new Firmware('iluma-i');
    fw.input({ type: 'ambient', tempC: -10 }, 0);
    expect(fw.status().ambient).toBe(1);
    fw.input({ type: 'ambient', tempC: 60 }, 0);
    expect(fw.status().ambient).toBe(2);
    fw.input({ type: 'ambient', tempC: 22 }, 0);
    expect(fw.status().ambient).toBe(0);
  });

  it('status: the last experience is new until the app reads it', () => {
    const fw = new Firmware('iluma-i', { initial: { docked: false } });
    fw.input({ type: 'stick', action: 'insert' }, 0);
    fw.input({ type: 'stick', action: 'remove' }, 30_000);
    expect(fw.status()).toMatchObject({ endOfHeatReason: 3, newInformationWasRead: false });
    fw.input({ type: 'statusRead' }, 31_000);
    expect(fw.status().newInformationWasRead).toBe(true);
  });
});
