// One paired IQOS device over standard Web Bluetooth: connect, Device Information, battery and
// status notifications, and SCP requests on the control point, one at a time (the device answers in
// order, §6.1); what the app keeps between records: the holder's last level, when a session started,
// whether the usage counters changed since they were read. Events: 'battery', 'status',
// 'disconnected'.
import {
  counters,
  fragments,
  longRead,
  parseBattery,
  parseStatus,
  reassembler,
  replyMatcher,
  shortFrame,
  shortPayload,
} from './scp.js';

export const IQOS_SERVICE = 'daebb240-b041-11e4-9e45-0002a5d5c51b';
const SCP = 'e16c6e20-b041-11e4-a4c3-0002a5d5c51b';
const BATTERY = 'f8a54120-b041-11e4-9be7-0002a5d5c51b';
const STATUS = 'ecdfa4c0-b041-11e4-8b67-0002a5d5c51b';
const DIS = 0x180a;
const C0 = 0xc0;
const C9 = 0xc9;
const D2 = 0xd2;
/** A reply later than this means the device is not answering (iqosctl's 10 s, §6.4). */
const REPLY_TIMEOUT_MS = 10_000;

/**
 * Models by advertised name, most specific first (§2.3), with the id the registration service keeps,
 * the name people know them by and what the app can do with them (§1.3). The IQOS 3 family all
 * advertise `IQOS3_…`: the app cannot tell a 3 from a 3 DUO or 3 MULTI, so it sends no id for them.
 */
export const MODELS = [
  [
    'ILUMA I PRIME',
    {
      id: 'iluma-i-prime',
      label: 'ILUMA i PRIME',
      scp: true,
      onePiece: false,
      autoStart: true,
      flexPuff: true,
    },
  ],
  [
    'ILUMA I ONE',
    { id: 'iluma-i-one', label: 'ILUMA i ONE', scp: true, onePiece: true, autoStart: true, flexPuff: false },
  ],
  [
    'ILUMA I',
    { id: 'iluma-i', label: 'ILUMA i', scp: true, onePiece: false, autoStart: true, flexPuff: true },
  ],
  ['ILUMA PRIME', { id: 'iluma-prime', label: 'ILUMA PRIME', scp: true, onePiece: false }],
  ['ILUMA ONE', { id: 'iluma-one', label: 'ILUMA ONE', scp: true, onePiece: true }],
  ['ILUMA', { id: 'iluma', label: 'ILUMA', scp: true, onePiece: false }],
  ['IQOS3', { label: 'IQOS 3 series', scp: false, onePiece: false }],
  ['IQOS', { label: 'IQOS', scp: false, onePiece: false }],
];

/** Names of the model ids the registration service may hold (a device it knows from pairing). */
export const MODEL_NAMES = {
  'iqos-2.4-plus': 'IQOS 2.4 PLUS',
  'iqos-3': 'IQOS 3',
  'iqos-3-duo': 'IQOS 3 DUO',
  'iqos-3-multi': 'IQOS 3 MULTI',
  iluma: 'ILUMA',
  'iluma-prime': 'ILUMA PRIME',
  'iluma-one': 'ILUMA ONE',
  'iluma-i': 'ILUMA i',
  'iluma-i-prime': 'ILUMA i PRIME',
  'iluma-i-one': 'ILUMA i ONE',
};

/**
 * A heating session's documented limits (docs/device.md §2): about 6 minutes from the start of
 * heating or 14 puffs, whichever comes first, FlexPuff adding 2; pre-heat about 20 s. The device does
 * not send how long it has been heating, so the app times the session itself: an estimate.
 */
export const SESSION = {
  preheatSeconds: 20,
  maxSeconds: 360,
  maxPuffs: 14,
  flexPuffExtra: 2,
  warnSeconds: 30,
  warnPuffs: 2,
};

export function modelOf(name) {
  const upper = (name ?? '').toUpperCase();
  const found = MODELS.find(([key]) => upper.includes(key));
  return {
    autoStart: false,
    flexPuff: false,
    ...(found ? found[1] : { label: name ?? 'IQOS device', scp: false, onePiece: false }),
  };
}

const text = (view) => new TextDecoder().decode(view).replace(/\0+$/, '');

export class PairedDevice extends EventTarget {
  /** Shows the browser's chooser (needs the click that called it) and connects. */
  static async choose() {
    const device = await navigator.bluetooth.requestDevice({
      filters: [{ services: [IQOS_SERVICE] }],
      optionalServices: [DIS],
    });
    const paired = new PairedDevice(device);
    await paired.connect();
    return paired;
  }

  constructor(device) {
    super();
    this.device = device;
    this.model = modelOf(device.name);
    this.battery = {};
    this.status = {};
    /** The heating session in progress, as the app saw it start: `{ startedAt, startSeen }`. */
    this.session = undefined;
    /** The holder's level when the battery record last carried it (it does only while docked, §3.4). */
    this.holderLevel = undefined;
    /** A session ended since the usage counters were read. */
    this.usageStale = false;
    /** FlexPuff as last read or written (2 more puffs, docs/device.md §2). */
    this.flexPuffOn = false;
    this.queue = Promise.resolve();
    this.waiting = undefined;
    this.frames = reassembler();
    this.ready = false;
    device.addEventListener('gattserverdisconnected', () => {
      this.waiting?.fail(new DOMException('The device disconnected.', 'NetworkError'));
      // Nothing the records said holds any more: no session line, no holder state from before.
      this.ready = false;
      this.status = {};
      this.session = undefined;
      this.frames = reassembler();
      this.dispatchEvent(new Event('disconnected'));
    });
  }

  /** Connected and set up: the notifications followed and the settings characteristic found. */
  get connected() {
    return this.ready && this.device.gatt.connected;
  }

  /**
   * Whether the heating unit answers the app: one-piece units always, a two-piece holder only in its
   * charger (the battery record carries its level only then, §3.4; docs/protocol.md D-13).
   */
  get holderReachable() {
    return this.connected && (this.model.onePiece || this.battery.holderPct !== undefined);
  }

  onBattery(record) {
    this.battery = record;
    if (record.holderPct !== undefined) this.holderLevel = record.holderPct;
  }

  /** A status record: a session starts at end-of-heat reason 1 and ends at any other (§3.5). */
  onStatus(record, first) {
    this.status = record;
    if (record.heating && !this.session) this.session = { startedAt: Date.now(), startSeen: !first };
    if (!record.heating && this.session) {
      this.session = undefined;
      this.usageStale = true;
    }
  }

  async connect() {
    this.ready = false;
    this.scp = undefined;
    const server = await this.device.gatt.connect();
    const info = await server.getPrimaryService(DIS);
    this.status = {};
    this.session = undefined;
    this.modelNumber = text(await (await info.getCharacteristic(0x2a24)).readValue());
    // D-R4: the device ID is the main unit's product number, which the device gives as its serial.
    this.deviceId = text(await (await info.getCharacteristic(0x2a25)).readValue());
    const iqos = await server.getPrimaryService(IQOS_SERVICE);
    await this.follow(iqos, BATTERY, (view) => {
      this.onBattery(parseBattery(view));
      this.dispatchEvent(new Event('battery'));
    });
    let first = true;
    await this.follow(iqos, STATUS, (view) => {
      this.onStatus(parseStatus(view), first);
      first = false;
      this.dispatchEvent(new Event('status'));
    });
    if (this.model.scp) {
      this.scp = await iqos.getCharacteristic(SCP);
      this.scp.addEventListener('characteristicvaluechanged', (event) => {
        const v = event.target.value;
        const frame = this.frames.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        if (frame && this.waiting?.matches(frame)) this.waiting.done(frame);
      });
      await this.scp.startNotifications();
    }
    this.ready = true;
  }

  async follow(service, uuid, onValue) {
    const characteristic = await service.getCharacteristic(uuid);
    characteristic.addEventListener('characteristicvaluechanged', (event) => onValue(event.target.value));
    onValue(await characteristic.readValue());
    await characteristic.startNotifications();
  }

  disconnect() {
    this.device.gatt.disconnect();
  }

  /** Sends a frame and resolves with its reply frame (`expectReply`), one request at a time. */
  send(frame, expectReply = true) {
    const run = () => this.exchange(frame, expectReply);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async exchange(frame, expectReply) {
    if (!this.scp) throw new DOMException('This device has no settings over Bluetooth.', 'NotSupportedError');
    let timer;
    const reply = expectReply
      ? new Promise((resolve, reject) => {
          this.waiting = { matches: replyMatcher(frame), done: resolve, fail: reject };
          timer = setTimeout(
            () => reject(new DOMException('The device did not answer.', 'TimeoutError')),
            REPLY_TIMEOUT_MS,
          );
        })
      : undefined;
    reply?.catch(() => undefined);
    try {
      for (const value of fragments(frame)) await this.scp.writeValueWithResponse(value);
      return await reply;
    } finally {
      clearTimeout(timer);
      this.waiting = undefined;
    }
  }

  async read(node, address, selector) {
    const payload = selector === undefined ? [] : [selector, 0, 0, 0];
    return shortPayload(await this.send(shortFrame(node, address, { payload })));
  }

  /** A write, then a read-back of the same register (the official recipes do the same, §7.2). */
  async write(node, address, payload, selector) {
    await this.send(shortFrame(node, address, { write: true, payload }), false);
    return this.read(node, address, selector);
  }

  /** The settings this model has (§1.3, §7.1): brightness, vibrations, auto-start, FlexPuff. */
  async readSettings() {
    const settings = { brightness: (await this.read(C0, 0x8e))[0] >= 0x64 ? 'high' : 'low' };
    const vibration = await this.read(C9, 0x8c);
    settings.vibrations = (vibration[2] | vibration[3]) !== 0;
    if (this.model.autoStart) settings.autoStart = (await this.read(C9, 0x93, 1))[1] === 1;
    if (this.model.flexPuff) settings.flexPuff = (await this.read(D2, 0x89, 3))[1] === 1;
    this.flexPuffOn = settings.flexPuff === true;
    return settings;
  }

  async setBrightness(level) {
    const value = level === 'high' ? 0x64 : 0x1e;
    const read = await this.write(C0, 0x8e, [value, 0, 0, 0]);
    await this.write(C9, 0x90, [value, 0, 0, 0]);
    return read[0] >= 0x64 ? 'high' : 'low';
  }

  /** All four vibration flags of S 0x8C at once (heating start, starting to use, puff end, manual stop). */
  async setVibrations(on) {
    const read = await this.write(C9, 0x8c, [0x10, 0x00, on ? 0x11 : 0, on ? 0x11 : 0]);
    return (read[2] | read[3]) !== 0;
  }

  async setAutoStart(on) {
    return (await this.write(C9, 0x93, [1, on ? 1 : 0, 0, 0], 1))[1] === 1;
  }

  async setFlexPuff(on) {
    this.flexPuffOn = (await this.write(D2, 0x89, [3, on ? 1 : 0, 0, 0], 3))[1] === 1;
    return this.flexPuffOn;
  }

  async findMy(on) {
    await this.send(shortFrame(C0, 0x89, { write: true, payload: [on ? 1 : 0, 0x1e, 0, 0] }), false);
  }

  /** Usage counters of the heating unit (§9.3): the holder (C9) or the one-piece unit (C0). */
  async readUsage() {
    const values = counters(await this.send(longRead(this.model.onePiece ? C0 : C9, 0x0101)));
    this.usageStale = false;
    return { sticks: values['8E'], days: values['17'] };
  }
}
