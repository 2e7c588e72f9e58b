/**
 * Every fault id of docs/faults.md §15 with a name people can type and two plain sentences: what the
 * device does, and what an app should tell its user (docs/faults.md "Names and what an app shows").
 * `FaultId` is the union of the ids, `FaultAlias` of the names; the injector and the Playwright fixture
 * take either (`fault('heater-too-hot')` is `fault('F-02')`).
 */
import { nearest } from '../../protocol/index.js';
import { SimulatorError } from '../errors.js';

interface FaultText {
  /** Lower-case, hyphenated; stable like the id. */
  readonly name: string;
  /** What the device does, in one line. */
  readonly device: string;
  /** What an app should show its user, in one line. */
  readonly app: string;
}

export const FAULT_GUIDE = {
  'F-01': {
    name: 'ambient-out-of-range',
    device: 'refuses to heat (or ends the session) while the room is too cold or too hot',
    app: 'It is too cold or too hot to use your device here. Move somewhere warmer or cooler.',
  },
  'F-02': {
    name: 'heater-too-hot',
    device: 'switches the heater off, ends the session and blinks red until it is reset',
    app: 'Your holder overheated and stopped. Let it cool down, then reset it.',
  },
  'F-03': {
    name: 'heater-power-fault',
    device: 'ends the session because the heater draws the wrong power; red light',
    app: 'Your holder could not heat. Reset it; if this happens again, contact customer care.',
  },
  'F-04': {
    name: 'heater-erratic',
    device: 'ends the session because the heater readings are erratic',
    app: 'The session stopped because the heater misbehaved. Try again with a new stick.',
  },
  'F-05': {
    name: 'holder-battery-cutoff',
    device: 'ends the session and switches its lights off: the holder battery is empty',
    app: 'Your holder ran out of battery. Put it back in the charger.',
  },
  'F-06': {
    name: 'duty-cycle',
    device: 'marks the session record with the duty-cycle flag; the session goes on',
    app: 'Nothing to show the user; a diagnostics screen may list it.',
  },
  'F-07': {
    name: 'intensive-puffing',
    device: 'flags the session as intensive puffing and may end it on the puff limit',
    app: 'You puffed faster than usual; the session may end early.',
  },
  'F-08': {
    name: 'holder-defect',
    device: 'sets the holder defect error and blinks red until it is reset',
    app: 'Your holder has a fault. Reset it; if the light stays red, contact customer care.',
  },
  'F-09': {
    name: 'holder-charge-timeout',
    device: 'keeps charging the holder for too long, then raises a charging error',
    app: 'Your holder is not charging properly. Reset the device or contact customer care.',
  },
  'F-10': {
    name: 'holder-not-recognised',
    device: 'does not recognise the holder and does not charge it',
    app: 'This holder is not recognised. Use a genuine holder made for this charger.',
  },
  'F-11': {
    name: 'holder-contact',
    device: 'loses contact between holder and charger; no charging',
    app: 'Your holder is not making contact with the charger. Clean the contacts and reinsert it.',
  },
  'F-12': {
    name: 'holder-battery-aged',
    device: 'warns that the holder battery has aged (less capacity)',
    app: 'Your holder battery is wearing out; it will hold fewer sessions.',
  },
  'F-13': {
    name: 'holder-firmware-mismatch',
    device: 'warns that holder and charger firmware do not match; the holder is not charged',
    app: 'Your holder and charger need an update to work together.',
  },
  'F-14': {
    name: 'holder-no-communication',
    device: 'stops answering requests addressed to the holder',
    app: 'The app cannot reach your holder. Put it in the charger and try again.',
  },
  'F-15': {
    name: 'charger-error',
    device: 'sets a charger error; the bottom light is red until it is reset',
    app: 'Your charger has a fault. Reset it; if the light stays red, contact customer care.',
  },
  'F-16': {
    name: 'charger-deeply-discharged',
    device: 'stays dark for a while after USB is plugged in; its clock restarts',
    app: 'Your charger battery is completely empty. Leave it plugged in; it will wake up.',
  },
  'F-17': {
    name: 'weak-usb',
    device: 'charges slowly, with short interruptions',
    app: 'Charging is slow. Use the original adapter or another USB socket.',
  },
  'F-18': {
    name: 'charger-battery-low',
    device: 'reports a low charger battery and blinks yellow on a press',
    app: 'Your charger battery is low. Plug it in.',
  },
  'F-19': {
    name: 'session-interrupted',
    device: 'ends the session when the stick is pulled out or the button pressed',
    app: 'The session ended because the stick was removed or the button pressed.',
  },
  'F-20': {
    name: 'used-stick',
    device: 'heats a used or badly inserted stick as usual',
    app: 'Nothing to show; a used stick gives less taste.',
  },
  'F-21': {
    name: 'magnet',
    device: 'blinks red during the session because a magnet is close',
    app: 'Keep your device away from magnets.',
  },
  'F-22': {
    name: 'device-locked',
    device: 'refuses to heat until it is unlocked from the app',
    app: 'Your device is locked. Unlock it in the app to use it.',
  },
  'F-23': {
    name: 'holder-moved',
    device: 'stops charging when the holder is taken out, or ends the session when it is put back',
    app: 'Charging stopped (holder removed) or the session ended (holder put back).',
  },
  'F-24': {
    name: 'clock-reset',
    device: 'restarts its clock at 2010-01-01; the next time sync fixes it',
    app: 'Nothing to show; sync the clock on the next connection.',
  },
  'F-25': {
    name: 'firmware-update-failed',
    device: 'keeps its old firmware and shows an error until it is reset',
    app: 'The update did not finish. Reset your device and try the update again.',
  },
  'F-26': {
    name: 'counter-anomaly',
    device: 'reports an implausible usage counter',
    app: 'Show the counter as unavailable rather than a wrong number.',
  },
  'F-27': {
    name: 'end-of-life',
    device: 'has passed its rated number of charge cycles',
    app: 'Your device has reached the end of its life; consider a replacement.',
  },
  'F-28': {
    name: 'too-hot-to-charge',
    device: 'suspends charging the holder while it is too hot',
    app: 'Charging is paused because the device is too hot. Let it cool down.',
  },
  'F-40': {
    name: 'bad-crc',
    device: 'drops a request whose checksum is wrong, without a reply',
    app: 'Retry the request; say "could not reach your device" only after retries fail.',
  },
  'F-41': {
    name: 'malformed-request',
    device: 'drops a truncated or malformed request, without a reply',
    app: 'Retry the request; report a connection problem if it keeps failing.',
  },
  'F-42': {
    name: 'unknown-register',
    device: 'stays silent for a register, selector or node it does not know',
    app: 'Treat the feature as not supported by this model.',
  },
  'F-43': {
    name: 'dropped-reply',
    device: 'sends no reply to a request',
    app: 'Time out and retry; the user sees nothing unless retries fail.',
  },
  'F-44': {
    name: 'delayed-reply',
    device: 'replies late',
    app: 'Wait longer before giving up; show progress rather than an error.',
  },
  'F-45': {
    name: 'duplicate-reply',
    device: 'sends the same reply twice',
    app: 'Ignore the copy; the user sees nothing.',
  },
  'F-46': {
    name: 'lost-fragment',
    device: 'loses one packet of a long reply, so the reply never completes',
    app: 'Time out and retry the request.',
  },
  'F-47': {
    name: 'small-mtu',
    device: 'agrees only the smallest packet size, so long replies come in pieces',
    app: 'Nothing to show; the app must join the pieces.',
  },
  'F-48': {
    name: 'write-before-subscribe',
    device: 'gets requests before notifications are on, so replies never reach the app',
    app: 'Reconnect; report a connection problem if it keeps failing.',
  },
  'F-49': {
    name: 'disconnect-mid-sequence',
    device: 'loses the connection in the middle of a request',
    app: 'Your device disconnected. Bring it closer and reconnect.',
  },
  'F-50': {
    name: 'bond-lost',
    device: 'forgets its pairing and must be paired again',
    app: 'Pair your device again.',
  },
  'F-51': {
    name: 'encryption-required',
    device: 'refuses requests until the link is paired and encrypted',
    app: 'Pair your device to continue.',
  },
  'F-52': {
    name: 'second-central',
    device: 'refuses a second phone while one is connected',
    app: 'Your device is connected to another phone or app. Disconnect it there first.',
  },
  'F-53': {
    name: 'dis-read-failure',
    device: 'fails a read of its device information',
    app: 'Retry; show the device details as unavailable if it keeps failing.',
  },
  'F-54': {
    name: 'battery-value-length',
    device: 'sends a battery value of an unexpected length',
    app: 'Show the battery as unknown rather than a wrong level.',
  },
  'F-55': {
    name: 'usb-trailing-noise',
    device: 'adds noise after the frame in USB reports',
    app: 'Nothing to show; the app must read the length byte.',
  },
  'F-56': {
    name: 'usb-unplugged',
    device: 'stops answering over USB',
    app: 'Your device was unplugged. Reconnect the cable.',
  },
  'F-57': {
    name: 'write-replies-off',
    device: 'applies writes without echoing them',
    app: 'Confirm a setting by reading it back rather than waiting for an echo.',
  },
} as const satisfies Record<string, FaultText>;

/** A fault id of docs/faults.md §15: `F-01`…`F-28`, `F-40`…`F-57`. */
export type FaultId = keyof typeof FAULT_GUIDE;
/** A fault's name (`heater-too-hot`). */
export type FaultAlias = (typeof FAULT_GUIDE)[FaultId]['name'];
/** What `inject`, `clear` and the fixture's `fault()` take: an id or a name. */
export type FaultRef = FaultId | FaultAlias;

const BY_NAME = new Map<string, FaultId>(
  (Object.entries(FAULT_GUIDE) as [FaultId, FaultText][]).map(([id, text]) => [text.name, id]),
);

/** The id a reference names; SIM_BAD_INPUT (with the nearest id or name) for one that names nothing. */
export function faultIdOf(ref: string): FaultId {
  if (Object.hasOwn(FAULT_GUIDE, ref)) return ref as FaultId;
  const byName = BY_NAME.get(ref);
  if (byName) return byName;
  const near = nearest(ref, [...Object.keys(FAULT_GUIDE), ...BY_NAME.keys()]);
  throw new SimulatorError(
    'SIM_BAD_INPUT',
    `unknown fault '${ref}'${near ? ` (did you mean '${near}'?)` : ''}; docs/faults.md §15 lists F-01…F-28, F-40…F-57 and their names`,
  );
}
