/**
 * Crowds in the Web Bluetooth hub, in Node (issue 19 item 3; docs/webbluetooth.md "Crowds"): what the
 * chooser offers of a crowd at the hub's virtual time, and what a granted id of a member reaches
 * once the member vanished or rotated its address. The same scan in headless Chromium:
 * test/webbluetooth-browser-crowd.test.ts. The clock is jumped with `hub.clock.advanceTo` (the pump
 * carries on from there), never waited for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualDevice, IQOS_SERVICE_UUID } from '../index.js';
import { type ChooserOption, WebBluetoothHub } from '../transports/webbluetooth/index.js';

const FILTER = { filters: [{ services: [IQOS_SERVICE_UUID] }] };
const hubs: WebBluetoothHub[] = [];

afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

/** A hub whose chooser records what it offered and picks with `choose` (default the first). */
function recordingHub(choose: (options: readonly ChooserOption[]) => string | undefined = (o) => o[0]?.id) {
  const offers: ChooserOption[][] = [];
  const hub = new WebBluetoothHub({
    chooser: (options) => {
      offers.push([...options]);
      return choose(options);
    },
  });
  hubs.push(hub);
  return { hub, offers };
}

describe('crowds in the Web Bluetooth hub', () => {
  it('offers every advertising member beside added devices, with RSSI, duplicate names apart by id', async () => {
    const { hub, offers } = recordingHub();
    hub.addDevice(createVirtualDevice({ model: 'iluma-i-one', seed: 9 }));
    const crowd = hub.addCrowd({ count: 30, seed: 2 });
    const bluetooth = hub.bluetooth();
    await bluetooth.requestDevice(FILTER);
    const offer = offers[0] ?? [];
    expect(offer).toHaveLength(31);
    expect(offer[0]?.rssiDbm).toBeUndefined();
    const members = offer.slice(1);
    expect(new Set(members.map((o) => o.name))).toEqual(new Set(['IQOS ILUMA i']));
    expect(new Set(members.map((o) => o.id)).size).toBe(30);
    for (const [k, o] of members.entries()) expect(o.rssiDbm).toBe(crowd.rssiAt(k, hub.nowMs()));
    // A name filter sees the same crowd; a name it does not advertise sees nobody of it.
    await bluetooth.requestDevice({ filters: [{ name: 'IQOS ILUMA i' }] });
    expect(offers[1]).toHaveLength(30);
  });

  it('connects to a member by the id the chooser gave; a vanished member is not offered, its old id is out of range', async () => {
    const crowd = { count: 40, seed: 5, vanishShare: 0.5, presenceSlotMs: 60_000 };
    const { hub, offers } = recordingHub((options) => options.find((o) => o.id === wanted)?.id);
    const model = hub.addCrowd(crowd);
    const t0 = hub.nowMs();
    const later = t0 + 120_000;
    const leaving = Array.from({ length: 40 }, (_, i) => i).find(
      (i) => model.isPresent(i, t0) && !model.isPresent(i, later),
    );
    expect(leaving).toBeDefined();
    const index = leaving ?? 0;
    let wanted: string | undefined;
    const bluetooth = hub.bluetooth();
    // First a look at the list, then the pick of the leaving member (its position in the list).
    await bluetooth.requestDevice(FILTER).catch(() => undefined);
    const listed = (offers[0] ?? []).map((o) => o.id);
    expect(listed).toHaveLength(model.sightings(hub.nowMs()).length);
    wanted = listed[model.sightings(hub.nowMs()).findIndex((s) => s.index === index)];
    const device = await bluetooth.requestDevice(FILTER);
    expect(device.id).toBe(wanted);
    await device.gatt.connect();
    expect(model.device(index, hub.nowMs()).connected).toBe(true);
    device.gatt.disconnect();
    hub.clock.advanceTo(later);
    await bluetooth.requestDevice(FILTER).catch(() => undefined);
    expect((offers.at(-1) ?? []).map((o) => o.id)).not.toContain(wanted);
    await expect(device.gatt.connect()).rejects.toThrow('Bluetooth Device is no longer in range.');
    expect((await bluetooth.getDevices()).map((d) => d.id)).toContain(wanted);
  });

  it('lists a rotated address as a new device; the old id no longer reaches the member', async () => {
    const { hub, offers } = recordingHub();
    const crowd = hub.addCrowd({ count: 10, seed: 3, rotateAddressEveryMs: 900_000 });
    const bluetooth = hub.bluetooth();
    const before = await bluetooth.requestDevice(FILTER);
    hub.clock.advanceTo(hub.nowMs() + 900_000);
    const after = await bluetooth.requestDevice(FILTER);
    expect(after.id).not.toBe(before.id);
    expect(after.name).toBe(before.name);
    const [first, second] = offers.map((o) => new Set(o.map((c) => c.id)));
    expect([...(second ?? [])].filter((id) => first?.has(id))).toEqual([]);
    await expect(before.gatt.connect()).rejects.toThrow('Bluetooth Device is no longer in range.');
    await after.gatt.connect();
    expect(crowd.device(0, hub.nowMs()).connected).toBe(true);
    // Connected, the member no longer advertises, but the chooser still lists it (Chromium's
    // PopulateConnectedDevices), once.
    await bluetooth.requestDevice(FILTER);
    expect(offers.at(-1)?.filter((o) => o.id === after.id)).toHaveLength(1);
  });

  it('removeCrowd drops its connections and its ids', async () => {
    const { hub } = recordingHub();
    const crowd = hub.addCrowd({ count: 3 });
    const bluetooth = hub.bluetooth();
    const device = await bluetooth.requestDevice(FILTER);
    await device.gatt.connect();
    const dropped = new Promise((resolve) => device.addEventListener('gattserverdisconnected', resolve));
    hub.removeCrowd(crowd);
    await dropped;
    expect(hub.has(device.id)).toBe(false);
    await expect(bluetooth.requestDevice(FILTER)).rejects.toThrow(
      'User cancelled the requestDevice() chooser.',
    );
  });
});
