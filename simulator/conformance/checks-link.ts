/**
 * The checks of the suite about the links themselves (docs/conformance.md): BLE fragmentation at
 * three MTUs (§4.1, D-8, D-22), USB report framing (§5.2), battery and status notifications on
 * subscribe and on change (D-18, D-19), and the advertising data (§2.1, §2.2, D-21).
 */
import type { FirmwareInput } from '../../firmware-model/index.js';
import {
  BATTERY_CHAR_UUID,
  decodeAdvertising,
  decodeBatteryRecord,
  decodeFrame,
  decodeStatusRecord,
  encodeLongFrame,
  IQOS_COMPANY_ID,
  IQOS_SERVICE_UUID,
  modelFromAdvertisedName,
  SCP_CHAR_UUID,
  STATUS_CHAR_UUID,
  toHex,
  USB_MAX_FRAME,
  USB_REPORT_ID,
  USB_REPORT_SIZE,
} from '../../protocol/index.js';
import { describeFrame } from './judge.js';
import type { Check, Mismatch } from './types.js';
import { fail, isVerdict, notApplicable, readFrame, scpOnly, sessionOn, verdictOf } from './verdict.js';

/** The MTUs the fragmentation check asks for: the default, a common phone value, the largest (D-22). */
const FRAGMENTATION_MTUS = [23, 185, 247] as const;

/** Table 01 01 of the charger: the longest reply every ILUMA model gives (docs/protocol.md §9.3). */
const LONG_READ = encodeLongFrame({ node: 0xc0, table: 0x0101 });

export const FRAGMENTATION: Check = {
  id: 'ble.fragmentation',
  title: `replies are fragmented at the negotiated MTU (${FRAGMENTATION_MTUS.join(', ')})`,
  citation: 'docs/protocol.md §4.1',
  applies: scpOnly,
  async run(ctx) {
    const mismatches: Mismatch[] = [];
    const tested: number[] = [];
    for (const asked of FRAGMENTATION_MTUS) {
      const session = await sessionOn(ctx, 'ble', asked);
      if (isVerdict(session)) return session;
      // A target that cannot reconnect keeps the MTU its link has: test that one, once.
      if (session.askedMtu !== asked && tested.includes(session.mtu)) continue;
      const mtu = session.mtu;
      tested.push(mtu);
      if (session.askedMtu === asked && mtu !== asked)
        mismatches.push({
          what: `MTU exchange asking ${asked}`,
          expected: `${asked} (D-22 accepts up to 247)`,
          got: String(mtu),
        });
      const gatt = session.client.gattClient;
      if (!gatt) return notApplicable('no GATT client on the BLE link');
      const packets = session.watch(gatt.characteristic(SCP_CHAR_UUID).valueHandle);
      const mark = packets.mark;
      const reply = await session.request(LONG_READ, ctx.timeoutMs);
      if (!reply) {
        mismatches.push({ what: `MTU ${mtu}: C0 table 01 01 read`, expected: 'a reply', got: 'no reply' });
        continue;
      }
      const values = packets.since(mark).map((a) => a.value);
      const perPacket = mtu - 4;
      const needed = Math.ceil(reply.frame.length / perPacket);
      const got = `${values.length} notification(s): ${values.map((v) => toHex(v)).join(' | ')}`;
      const expected = `${needed} notification(s) of T + at most ${perPacket} frame bytes, T = 01 on all but the last (00)`;
      const wrong =
        values.length !== needed ||
        values.some((v, i) => v.length - 1 > perPacket || v[0] !== (i === values.length - 1 ? 0x00 : 0x01)) ||
        toHex(Uint8Array.from(values.flatMap((v) => [...v.subarray(1)]))) !== toHex(reply.frame);
      if (wrong) mismatches.push({ what: `MTU ${mtu}: a ${reply.frame.length}-byte reply`, expected, got });
    }
    return verdictOf(
      mismatches,
      `the reply to a long read (C0 table 01 01) fragmented correctly at MTU ${tested.join(', ')}`,
      'replies fragmented wrongly or the MTU was not granted',
    );
  },
};

export const USB_FRAMING: Check = {
  id: 'usb.report-framing',
  title: 'USB replies are 64-byte 3F reports whose length byte covers the frame',
  citation: 'docs/protocol.md §5.2',
  applies: scpOnly,
  async run(ctx) {
    const session = await sessionOn(ctx, 'usb');
    if (isVerdict(session)) return session;
    const reports = session.watchPackets('usb');
    const mark = reports.mark;
    const requests = [readFrame('charger', 0x00), LONG_READ];
    await session.exchange(requests, requests.length, ctx.timeoutMs);
    const seen = reports.since(mark).map((a) => a.value);
    const mismatches: Mismatch[] = [];
    if (seen.length < requests.length)
      mismatches.push({
        what: `reports for ${requests.length} requests`,
        expected: `${requests.length}`,
        got: `${seen.length}`,
      });
    for (const [i, report] of seen.entries()) {
      const length = report[1] ?? 0;
      const frame = report.subarray(2, 2 + length);
      const decoded = decodeFrame(frame);
      const problem =
        report.length !== USB_REPORT_SIZE
          ? `${report.length} bytes, not ${USB_REPORT_SIZE}`
          : report[0] !== USB_REPORT_ID
            ? `report id ${toHex(report.subarray(0, 1))}, not 3F`
            : length < 4 || length > USB_MAX_FRAME
              ? `length byte ${length}, outside 4…${USB_MAX_FRAME}`
              : !decoded.ok
                ? `the ${length} bytes the length byte covers do not decode`
                : decoded.value.extraHex !== undefined
                  ? `the length byte says ${length} bytes, the frame has ${length - decoded.value.extraHex.split(' ').length}`
                  : undefined;
      if (problem === undefined) continue;
      mismatches.push({
        what: `report ${i + 1}: ${problem}`,
        expected: `3F [len] [a frame of len bytes with a valid CRC], zero-filled to ${USB_REPORT_SIZE} bytes`,
        got: `${toHex(report.subarray(0, Math.min(report.length, 2 + length)))} → ${describeFrame(frame)}`,
      });
    }
    return verdictOf(
      mismatches,
      `${seen.length} reports framed as docs/protocol.md §5.2 says`,
      'USB reports framed wrongly',
    );
  },
};

/** One stimulus of an "on change" check: the input, the input that undoes it, what a notification shows. */
interface Change {
  readonly input: FirmwareInput;
  readonly restore: FirmwareInput;
  /** Whether a notified value carries the change. */
  readonly shows: (value: Uint8Array) => boolean;
  readonly expected: string;
}

/** What a notification check knows of its characteristic. */
interface Notified {
  readonly id: string;
  readonly uuid: string;
  readonly name: string;
  readonly citation: string;
  /** Why a value does not decode, or undefined when it does. */
  readonly invalid: (value: Uint8Array) => string | undefined;
  /** The change to make, from the value read now; undefined when none fits. */
  readonly change: (now: Uint8Array) => Change | undefined;
  /** How long a change may take to be notified, ms (besides the reply timeout). */
  readonly changeWithinMs: number;
}

function notificationCheck(n: Notified): Check {
  return {
    id: n.id,
    title: `${n.name} notifications on subscribe and on change`,
    citation: n.citation,
    applies: () => undefined,
    async run(ctx) {
      const session = await sessionOn(ctx, 'ble');
      if (isVerdict(session)) return session;
      const gatt = session.client.gattClient;
      if (!gatt) return notApplicable('no GATT client on the BLE link');
      const characteristic = gatt.characteristic(n.uuid);
      const values = session.watch(characteristic.valueHandle);
      const mismatches: Mismatch[] = [];
      await gatt.subscribe(characteristic, false);
      let mark = values.mark;
      await gatt.subscribe(characteristic, true);
      const first = (await values.await(mark, 1, ctx.timeoutMs))[0]?.value;
      const invalid = first && n.invalid(first);
      if (!first || invalid)
        mismatches.push({
          what: `${n.name} CCCD enabled (01 00)`,
          expected: `a notification of the current ${n.name} record at once`,
          got: first ? `${toHex(first)} (${invalid})` : `no notification within ${ctx.timeoutMs} ms`,
        });
      const stimulate = ctx.target.stimulate;
      const change = stimulate && n.change(await gatt.read(characteristic.valueHandle));
      if (!stimulate || !change) {
        const why = stimulate
          ? 'no change fits the current value'
          : 'the target takes no stimulus (not a virtual device)';
        return verdictOf(
          mismatches,
          `notified on subscribe; on change not exercised: ${why}`,
          `no ${n.name} notification on subscribe`,
        );
      }
      mark = values.mark;
      stimulate.call(ctx.target, change.input);
      const changed = await values.await(mark, 1, n.changeWithinMs + ctx.timeoutMs);
      stimulate.call(ctx.target, change.restore);
      if (!changed.some((a) => change.shows(a.value)))
        mismatches.push({
          what: `${n.name} after the input ${JSON.stringify(change.input)}`,
          expected: change.expected,
          got: changed.length ? changed.map((a) => toHex(a.value)).join(' | ') : 'no notification',
        });
      return verdictOf(
        mismatches,
        `notified on subscribe and on a change (${JSON.stringify(change.input)})`,
        `${n.name} notifications missing or wrong`,
      );
    },
  };
}

export const BATTERY_NOTIFY = notificationCheck({
  id: 'ble.battery-notify',
  uuid: BATTERY_CHAR_UUID,
  name: 'battery',
  citation: 'docs/protocol.md D-18',
  invalid: (value) => {
    const decoded = decodeBatteryRecord(value);
    return decoded.ok ? undefined : `${decoded.error.code}: ${decoded.error.message}`;
  },
  change(now) {
    const record = decodeBatteryRecord(now);
    const level = record.ok ? record.value.chargerLevelPct : undefined;
    if (level === undefined) return undefined;
    const next = level >= 50 ? level - 20 : level + 20;
    return {
      input: { type: 'level', unit: 'charger', percent: next },
      restore: { type: 'level', unit: 'charger', percent: level },
      shows: (value) => {
        const after = decodeBatteryRecord(value);
        return after.ok && after.value.chargerLevelPct === next;
      },
      expected: `a battery notification with the charger at ${next} %`,
    };
  },
  // D-18: at most one battery notification every ble.batteryNotifyMinIntervalMs = 1000.
  changeWithinMs: 1000,
});

export const STATUS_NOTIFY = notificationCheck({
  id: 'ble.status-notify',
  uuid: STATUS_CHAR_UUID,
  name: 'status',
  citation: 'docs/protocol.md D-19',
  invalid: (value) => {
    const decoded = decodeStatusRecord(value);
    return decoded.ok ? undefined : `${decoded.error.code}: ${decoded.error.message}`;
  },
  change(now) {
    const record = decodeStatusRecord(now);
    const contact = record.ok ? record.value.status?.holderConnection : undefined;
    if (contact === undefined) return undefined;
    // The holder contact field (docs/protocol.md §3.5 status B bits 4–5): "RX pin open", then back.
    const next = contact === 1 ? 0 : 1;
    return {
      input: { type: 'connection', value: next },
      restore: { type: 'connection', value: contact },
      shows: (value) => {
        const after = decodeStatusRecord(value);
        return after.ok && after.value.status?.holderConnection === next;
      },
      expected: `a status notification with holder contact ${next}`,
    };
  },
  changeWithinMs: 0,
});

export const ADVERTISING: Check = {
  id: 'ble.advertising',
  title: 'advertising data and scan response as captured, with the model in the name',
  citation: 'docs/protocol.md §2.1',
  applies: (target) =>
    target.advertising
      ? undefined
      : 'the target cannot show what the device advertises (not a virtual device)',
  async run(ctx) {
    const shown = ctx.target.advertising?.();
    if (!shown)
      return notApplicable('the device does not advertise now (Bluetooth off or a central connected)');
    const mismatches: Mismatch[] = [];
    const expect = (what: string, ok: boolean, expected: string, got: string) => {
      if (!ok) mismatches.push({ what, expected, got });
    };
    const adv = decodeAdvertising(shown.advertisement);
    const scan = decodeAdvertising(shown.scanResponse);
    if (!adv.ok || !scan.ok) {
      const error = adv.ok ? (scan.ok ? undefined : scan.error) : adv.error;
      return fail('the advertising data does not decode', [
        {
          what: 'AD structures',
          expected: 'well-formed (docs/protocol.md §2.1)',
          got: `${error?.code}: ${error?.message}`,
        },
      ]);
    }
    const a = adv.value;
    expect(
      'advertising size',
      shown.advertisement.length <= 31,
      '≤ 31 bytes',
      `${shown.advertisement.length}`,
    );
    expect(
      'scan response size',
      shown.scanResponse.length <= 31,
      '≤ 31 bytes',
      `${shown.scanResponse.length}`,
    );
    expect('flags', a.flags === 0x05, '0x05 (LE Limited Discoverable, no BR/EDR)', `${a.flags}`);
    const m = a.manufacturer;
    expect(
      'manufacturer data',
      m?.companyId === IQOS_COMPANY_ID && /^0[01] 00$/.test(m.dataHex),
      '23 02 XX 00, XX 01 pairing or 00 bonded',
      m ? `company 0x${m.companyId.toString(16)} data ${m.dataHex}` : 'none',
    );
    expect(
      'service UUID',
      a.serviceUuids128?.includes(IQOS_SERVICE_UUID) === true,
      IQOS_SERVICE_UUID,
      (a.serviceUuids128 ?? []).join(', ') || 'none',
    );
    expect('TX power', a.txPowerDbm === 6, '+6 dBm', `${a.txPowerDbm}`);
    const name = scan.value.localName ?? '';
    expect(
      'complete local name (scan response)',
      scan.value.completeName === true && name.includes('IQOS'),
      'a complete name containing IQOS (D-21)',
      name || 'none',
    );
    if (ctx.model.scp)
      expect(
        'model from the name (docs/protocol.md §2.3)',
        modelFromAdvertisedName(name)?.id === ctx.model.id,
        ctx.model.displayName,
        modelFromAdvertisedName(name)?.displayName ?? 'none',
      );
    return verdictOf(
      mismatches,
      `advertising ${toHex(shown.advertisement)}, name "${name}"`,
      'the advertising data differs from docs/protocol.md §2',
    );
  },
};
