/**
 * The `ble:` link's capture (issue 17 item 2, docs/captures.md "Recording a link"): ATT PDUs at the
 * unit's own attribute handles as its bindings report them, one request in flight at a time, and each
 * Write Response only after the unit acknowledged the write. Run over the virtual noble bindings: no
 * adapter. Real time only paces the device; every wait is on a reply.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeAttPdu, encodeCommand, toHex } from '../protocol/index.js';
import {
  type CaptureEvent,
  type CaptureSink,
  createVirtualDevice,
  HANDLES,
  IqosClient,
} from '../simulator/index.js';
import { createVirtualNobleBindings, openTransport } from '../transports/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An ATT event's PDU kind and attribute handle (undefined for PDUs without one). */
function att(event: CaptureEvent): { kind: string; handle?: number; value?: string } | undefined {
  if (event.kind !== 'att') return undefined;
  const pdu = decodeAttPdu(event.bytes);
  if (!pdu.ok) return undefined;
  const { kind } = pdu.value;
  const handle = 'handle' in pdu.value ? pdu.value.handle : undefined;
  const value = 'value' in pdu.value ? toHex(pdu.value.value) : undefined;
  return { kind, ...(handle === undefined ? {} : { handle }), ...(value === undefined ? {} : { value }) };
}

describe('ble: capture over the virtual noble bindings', () => {
  it('writes the connection, reads, subscriptions, the write and its late Write Response, notifications', async () => {
    const device = createVirtualDevice({ model: 'iluma-i', seed: 5 });
    // One ordered stream of what the device did and what the ble: capture wrote.
    const both: { from: 'device' | 'ble'; event: CaptureEvent }[] = [];
    const tagged = (from: 'device' | 'ble'): CaptureSink => ({
      capture: (event) => both.push({ from, event }),
    });
    device.captureTo(tagged('device'));
    const bindings = createVirtualNobleBindings({ devices: [device] });
    const opened = await openTransport(`ble:${device.identity.address}`, {
      nobleBindings: bindings,
      capture: tagged('ble'),
    });
    cleanups.push(() => opened.close());
    const client = await IqosClient.connect(opened.transport, {
      scheduler: opened.scheduler,
      channel: 'ble',
    });
    expect(await client.getProductNumber('charger')).toBe(device.identity.chargerProductNumber);
    client.close();
    await opened.close();

    const ble = both.filter((b) => b.from === 'ble').map((b) => b.event);
    expect(ble[0]).toMatchObject({
      kind: 'connect',
      handle: 0x40,
      address: device.identity.address.toLowerCase(),
    });
    expect(ble[1]).toMatchObject({ kind: 'mtu', mtu: 247 });
    const pdus = ble.map(att);
    expect(pdus).toContainEqual({ kind: 'readRequest', handle: HANDLES.battery });
    expect(pdus).toContainEqual({ kind: 'writeRequest', handle: HANDLES.scp + 1, value: '01 00' });
    const request = toHex(Uint8Array.of(0, ...encodeCommand('get-product-number')));
    const written = pdus.findIndex((p) => p?.kind === 'writeRequest' && p.value === request);
    expect(pdus[written]).toMatchObject({ handle: HANDLES.scp });
    expect(
      pdus.slice(written + 1).some((p) => p?.kind === 'handleValueNotification' && p.handle === HANDLES.scp),
    ).toBe(true);
    expect(ble.at(-1)).toMatchObject({ kind: 'disconnect', reason: 0x16 });

    // One request in flight at a time: each response follows its own request.
    const open: string[] = [];
    for (const p of pdus) {
      if (p?.kind === 'readRequest' || p?.kind === 'writeRequest') open.push(p.kind);
      if (p?.kind === 'readResponse' || p?.kind === 'writeResponse')
        expect(open.pop()).toBe(p.kind === 'readResponse' ? 'readRequest' : 'writeRequest');
      expect(open.length).toBeLessThanOrEqual(1);
    }
    // The Write Response of the SCP write comes after the unit's own Write Response for it.
    const at = (from: string, predicate: (p: ReturnType<typeof att>) => boolean, after = 0): number =>
      both.findIndex((b, i) => i >= after && b.from === from && predicate(att(b.event)));
    const unitGot = at('device', (p) => p?.kind === 'writeRequest' && p.value === request);
    const unitAcked = at('device', (p) => p?.kind === 'writeResponse', unitGot);
    const captured = at('ble', (p) => p?.kind === 'writeRequest' && p.value === request);
    const capturedAck = at('ble', (p) => p?.kind === 'writeResponse', captured);
    expect(unitAcked).toBeGreaterThan(unitGot);
    expect(capturedAck).toBeGreaterThan(unitAcked);
  });
});
