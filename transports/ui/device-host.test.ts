/** The dashboard's device host in manual time: inputs, time steps, faults, its central's decoded traffic. */
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualDevice } from '../../simulator/index.js';
import { DeviceHost, type HostMessage } from './device-host.js';

let host: DeviceHost | undefined;
afterEach(() => host?.close());

const manual = (model = 'iluma-i') =>
  new DeviceHost('d1', createVirtualDevice({ model, seed: 5 }), { kind: 'manual' }, 5);
const nextMessage = (h: DeviceHost) =>
  new Promise<HostMessage>((resolve) => {
    const off = h.subscribe((m) => {
      off();
      resolve(m);
    });
  });

describe('DeviceHost', () => {
  it('applies inputs at the current time and moves time only when told', async () => {
    host = manual();
    const message = nextMessage(host);
    host.input({ type: 'undock' });
    const m = await message;
    expect(m.view.holder.state).toBe('IDLE_READY');
    expect(m.events.map((e) => e.type)).toContain('state');
    host.input({ type: 'stick', action: 'insert' });
    expect(host.view().holder.state).toBe('PREHEAT');
    expect(host.view().holder.light).toEqual({ pattern: 'pulse', colour: 'white', count: 1 });
    host.advance(10_000);
    expect(host.now()).toBe(10_000);
    const samples = host.snapshot().samples;
    expect(samples.at(-1)?.tS).toBe(10);
    expect(samples.at(-1)?.heaterC).toBeGreaterThan(100);
    expect(() => host?.advance(-1)).toThrow(/advance by/);
    expect(() => host?.input({ type: 'ambient', tempC: 500 })).toThrow();
  });

  it('injects and clears a fault by id', () => {
    host = manual();
    host.input({ type: 'undock' });
    host.input({ type: 'stick', action: 'insert' });
    host.advance(5000);
    host.fault('F-02', false);
    // A runaway heater: the loop stops it once it overheats, some seconds later (docs/faults.md F-02).
    host.advance(30_000);
    expect(host.view().heater.heating).toBe(false);
    expect(host.view().holder.state).toBe('ERROR');
    expect(host.view().holder.light).toEqual({ pattern: 'blink', colour: 'red', count: 1 });
    host.fault('F-02', true);
    expect(() => host?.fault('F-99', false)).toThrow();
  });

  it('connects its own central and decodes the traffic: reads, records, notifications', async () => {
    host = manual();
    await host.connectCentral();
    expect(host.view().centralConnected).toBe(true);
    const rows = host.snapshot().traffic;
    const summaries = rows.map((r) => r.summary);
    expect(summaries).toEqual(
      expect.arrayContaining(['exchangeMtuRequest', 'read model number', 'read battery', 'read status']),
    );
    expect(rows.find((r) => r.summary === 'read battery')?.fields).toMatchObject({ chargerLevelPct: 80 });
    host.input({ type: 'undock' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.snapshot().traffic.at(-1)?.summary).toMatch(/^notify (battery|status)$/);
    host.disconnectCentral();
    expect(host.view().centralConnected).toBe(false);
  });
});
