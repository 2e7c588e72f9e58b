/** A fleet on the dashboard in manual time: pages of its list, one opened device at a time, inputs and faults on the fleet's clock. */
import { afterEach, describe, expect, it } from 'vitest';
import { createFleet } from '../../simulator/index.js';
import { FleetHost, MAX_FLEET_PAGE } from './fleet-host.js';

let host: FleetHost | undefined;
afterEach(() => host?.close());

const fleetHost = (count: number) =>
  new FleetHost(createFleet({ count, models: ['iluma-i'], seed: 3, faults: { share: 0 } }), {
    kind: 'manual',
  });

describe('FleetHost', () => {
  it('pages through the devices, caps the page, filters by holder state', () => {
    host = fleetHost(150);
    const second = host.page(20, 20);
    expect(second).toMatchObject({ total: 150, offset: 20, limit: 20 });
    expect(second.devices.map((d) => d.id)).toEqual(Array.from({ length: 20 }, (_, i) => `3-${20 + i}`));
    expect(host.page(0, 1000).limit).toBe(MAX_FLEET_PAGE);
    expect(host.page(140, 20).devices).toHaveLength(10);
    expect(host.page(0, 20, 'IDLE_READY').total).toBe(0);
    expect(host.summary()).toMatchObject({ count: 150, stats: { devices: 150 } });
  });

  it('opens one device at a time on the fleet clock: inputs through the fleet, time for all, faults rescheduled', async () => {
    host = fleetHost(10);
    const first = host.host('3-4');
    expect(first).toBeDefined();
    expect(host.host('3-4')).toBe(first);
    expect(host.host('3-99')).toBeUndefined();
    first?.input({ type: 'undock' });
    expect(host.page(0, 20, 'IDLE_READY').devices.map((d) => d.id)).toEqual(['3-4']);
    await expect(first?.connectCentral()).rejects.toMatchObject({ code: 'SIM_BAD_INPUT' });
    const second = host.host('3-5');
    expect(second).not.toBe(first);
    second?.advance(60_000);
    expect(host.summary().stats.atMs).toBe(60_000);
    expect(second?.view().nowMs).toBe(60_000);
    // A runaway heater on a fleet device: the fleet serves the overheat the fault leads to (docs/faults.md F-02).
    second?.input({ type: 'undock' });
    second?.input({ type: 'stick', action: 'insert' });
    second?.advance(5000);
    second?.fault('F-02', false);
    second?.advance(30_000);
    expect(second?.view().holder.state).toBe('ERROR');
    expect(host.summary().stats.faults.errors).toBeGreaterThan(0);
  });
});
