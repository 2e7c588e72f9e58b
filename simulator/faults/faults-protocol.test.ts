/**
 * The docs/faults.md §15 faults that used to be "not applicable" (issue 9): F-25 and F-27 on the firmware,
 * F-42, F-47, F-48, F-51…F-57 on the link. Each does what its catalogue row says and goes away when
 * cleared; the device stays consistent.
 */
import { describe, expect, it } from 'vitest';
import {
  deviceRig,
  expectConsistent,
  type LinkRig,
  linkRig,
  outcome,
  reconnect,
  run,
} from '../../test/helpers/fault-rig.js';
import { IqosClient } from '../client/client.js';
import { InMemoryLink } from '../link.js';

/** A client over USB reports (nothing connects over BLE). */
async function usbRig(): Promise<LinkRig> {
  const base = deviceRig();
  base.link.close();
  const link = new InMemoryLink(base.clock, base.device, { connect: false });
  base.faults.attach(link);
  const client = await run(
    base,
    IqosClient.connect(link, { scheduler: base.clock, channel: 'usb', requestTimeoutMs: 200 }),
  );
  return { ...base, link, client, mtu: 23 };
}
const lastLog = (r: LinkRig, id: string) => r.faults.log.filter((e) => e.id === id).at(-1)?.detail ?? '';

describe('device faults once not applicable', () => {
  it('F-25 firmware update interrupted: ERROR at failAt of 120 s, versions unchanged, until a reset', () => {
    const r = deviceRig();
    const firmware = r.device.identity.chargerFirmware;
    r.faults.inject('F-25', { failAt: 0.25 });
    r.clock.advanceTo(29_000);
    expect(r.device.firmware.state.charger.state).not.toBe('ERROR');
    r.clock.advanceTo(30_000);
    expect(r.device.firmware.state.charger.state).toBe('ERROR');
    expect(r.device.identity.chargerFirmware).toBe(firmware);
    r.device.input({ type: 'reset' }, r.clock.now());
    r.clock.advanceBy(5_000);
    expect(r.device.firmware.state.charger.state).not.toBe('ERROR');
    expectConsistent(r.device);
  });

  it('F-27 end of life: cycle count past warranty.cycleLimit, cleared back to 0', () => {
    const r = deviceRig();
    r.faults.inject('F-27');
    expect(r.device.firmware.state.charger.cycleCount).toBe(7301);
    expect(r.device.firmware.cycleLimitExceeded()).toBe(true);
    r.faults.clear('F-27');
    expect(r.device.firmware.cycleLimitExceeded()).toBe(false);
  });

  it('refuses a failAt outside [0, 1] and an unknown DIS uuid', () => {
    const r = deviceRig();
    expect(() => r.faults.inject('F-25', { failAt: 2 })).toThrow(
      expect.objectContaining({ code: 'SIM_BAD_INPUT' }),
    );
    expect(() => r.faults.at(5).inject('F-53', { uuid: '2AFF' })).toThrow('no Device Information');
  });
});

describe('link and protocol faults once not applicable', () => {
  it('F-42 unknown register, then unknown node: no reply, counted, the next request works', async () => {
    const r = await linkRig();
    r.faults.inject('F-42');
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics.unknownRegister).toBe(1);
    r.faults.inject('F-42', { variant: 'node' });
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics.unknownNode).toBe(1);
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
  });

  it('F-47 small MTU: the exchange settles on 23 and long replies still arrive in fragments', async () => {
    const r = await linkRig({ mtu: 247 });
    expect(r.device.mtu).toBe(247);
    r.faults.inject('F-47');
    await reconnect(r);
    expect(r.device.mtu).toBe(23);
    expect((await run(r, r.client.readUsageCounters())).blocks).toHaveLength(5);
    r.faults.clear('F-47');
    await reconnect(r);
    expect(r.device.mtu).toBe(247);
  });

  it('F-48 write before subscribe: replies are not delivered, the client times out', async () => {
    const r = await linkRig();
    r.faults.inject('F-48');
    await reconnect(r);
    expect(lastLog(r, 'F-48')).toContain('00 00');
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics.accepted).toBeGreaterThan(0);
  });

  it('F-51 encryption required: SCP writes refused until bonded, nothing reaches the device', async () => {
    const r = await linkRig();
    r.faults.inject('F-51');
    const accepted = r.device.scp.diagnostics.accepted;
    expect(await outcome(r, r.client.setBrightness('low'))).not.toBe('ok');
    expect(r.device.scp.diagnostics.accepted).toBe(accepted);
    expect(r.device.firmware.state.settings.chargerBrightness).toBe(100);
    expect(lastLog(r, 'F-51')).toContain('error 0xf');
    r.device.bond(r.clock.now());
    await reconnect(r);
    await run(r, r.client.setBrightness('low'));
    expect(r.device.firmware.state.settings.chargerBrightness).toBe(30);
  });

  it('F-52 second central: refused while one is connected, the first keeps working', async () => {
    const r = await linkRig();
    r.faults.inject('F-52');
    expect(lastLog(r, 'F-52')).toMatch(/refused \(SIM_DISCONNECTED\); advertising off/);
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
  });

  it('F-53 DIS read failure: reading the software revision fails until cleared', async () => {
    const r = await linkRig();
    r.faults.inject('F-53');
    expect(await outcome(r, r.client.readDeviceInformation())).not.toBe('ok');
    expect(lastLog(r, 'F-53')).toContain('error 0xe');
    r.faults.clear('F-53');
    expect((await run(r, r.client.readDeviceInformation())).softwareRevision).toContain('IQOS');
  });

  it('F-54 battery flags: the value keeps its bytes under other flags', async () => {
    const r = await linkRig();
    const normal = await run(r, r.client.readBattery());
    r.faults.inject('F-54');
    const misread = await outcome(r, r.client.readBattery());
    expect(lastLog(r, 'F-54')).toContain('0x003f');
    expect(misread === 'ok' ? 'misread' : misread).toBeTruthy();
    r.faults.clear('F-54');
    expect(await run(r, r.client.readBattery())).toEqual(normal);
  });

  it('F-55 USB trailing noise: the client reads by the length byte and still works', async () => {
    const r = await usbRig();
    r.faults.inject('F-55');
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
  });

  it('F-56 USB unplugged: no reply until re-attached', async () => {
    const r = await usbRig();
    r.faults.inject('F-56');
    expect(await outcome(r, r.client.getBrightness())).toBe('SIM_TIMEOUT');
    expect(r.device.scp.diagnostics.accepted).toBe(0);
    r.faults.clear('F-56');
    expect((await run(r, r.client.getBrightness())).level).toBe(100);
  });

  it('F-57 write reply off: writes apply, their echo never arrives', async () => {
    for (const rig of [linkRig, usbRig]) {
      const r = await rig();
      r.faults.inject('F-57');
      await outcome(r, r.client.setBrightness('low'));
      expect(r.device.firmware.state.settings.chargerBrightness).toBe(30);
      expect(lastLog(r, 'F-57')).toContain('not delivered');
      r.faults.clear('F-57');
      expect((await run(r, r.client.getBrightness())).level).toBe(30);
    }
  });
});
