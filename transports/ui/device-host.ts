/**
 * One device the dashboard drives (docs/ui.md): the virtual device on a `VirtualClock` that follows
 * it, the clock either pumped in real time (`startClockPump`, `speed` virtual ms per real ms) or
 * moved only by `advance` (manual time, for tests), a fault injector on the same clock, an optional
 * central of its own (an `IqosClient` over the in-memory link, so the traffic panel has traffic), and
 * what the page is sent: the view, chart samples, device events and decoded traffic. Pages subscribe;
 * changes reach them coalesced, at most one message per turn of the event loop.
 *
 * A fleet's device runs on a clock the fleet serves (docs/ui.md "A fleet"): given a `ServedClock`,
 * the host makes no clock, pump or follower of its own and sends inputs and time steps through it.
 */
import { performance } from 'node:perf_hooks';
import type { FirmwareInput } from '../../firmware-model/index.js';
import {
  type CaptureEvent,
  type DeviceEvent,
  FaultInjector,
  InMemoryLink,
  IqosClient,
  SimulatorError,
  type Transport,
  VirtualClock,
  type VirtualDevice,
} from '../../simulator/index.js';
import { type ClockPump, startClockPump } from '../clock-pump.js';
import { TrafficDecoder, type TrafficRow } from './traffic.js';
import { type ChartSample, chartSample, type DeviceView, deviceView } from './view.js';

/** Real time (`speed` virtual ms per real ms) or time that moves only when told (`advance`). */
export type UiTime = { kind: 'real'; speed: number } | { kind: 'manual' };

/** The clock of a device someone else serves (a fleet's), and how to drive the device on it. */
export interface ServedClock {
  readonly clock: VirtualClock;
  /** Virtual time now (in real time: caught up with the process clock first). */
  now(): number;
  /** Applies a firmware input now (`fleet.input(index, …)`). */
  input(input: FirmwareInput): void;
  /** The device changed from outside (a fault): its next due time is read again. */
  changed(): void;
  /** Manual time: moves the shared clock on by `ms`. */
  advance(ms: number): void;
  /** Runs what is due now on the next turn. */
  kick(): void;
}

/** What a page is sent: everything on subscribing, then what changed. */
export interface HostMessage {
  readonly view: DeviceView;
  readonly samples: readonly ChartSample[];
  readonly events: readonly DeviceEvent[];
  readonly traffic: readonly TrafficRow[];
}

/** How much the host keeps for a page that subscribes late: an hour of 1 Hz samples, the last events. */
const KEEP_SAMPLES = 3600;
const KEEP_EVENTS = 200;
const KEEP_TRAFFIC = 500;
/** Real ms between samples while the clock runs in real time: 10 a second keeps the charts live. */
const SAMPLE_INTERVAL_MS = 100;
/** The longest manual step, ms of virtual time (a day). */
export const MAX_ADVANCE_MS = 86_400_000;

function keepLast<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}

export class DeviceHost {
  readonly clock: VirtualClock;
  private readonly faults: FaultInjector;
  private readonly pump: ClockPump | undefined;
  private readonly unfollow: () => void;
  private readonly samples: ChartSample[] = [];
  private readonly events: DeviceEvent[] = [];
  private readonly traffic: TrafficRow[] = [];
  /** What has not been sent yet, as counts from the end of each list. */
  private fresh = { samples: 0, events: 0, traffic: 0 };
  private readonly listeners = new Set<(message: HostMessage) => void>();
  private readonly subscription: { unsubscribe(): void };
  private readonly sampler: ReturnType<typeof setInterval> | undefined;
  private flushQueued: ReturnType<typeof setImmediate> | undefined;
  private link: InMemoryLink | undefined;
  private client: IqosClient | undefined;
  private closed = false;

  constructor(
    readonly id: string,
    readonly device: VirtualDevice,
    readonly time: UiTime,
    seed: number,
    private readonly onChange: () => void = () => undefined,
    private readonly served?: ServedClock,
  ) {
    this.clock = served?.clock ?? new VirtualClock(device.now);
    // While a central is connected its link follows the device (and drains what it sends); this
    // follower stands aside then, or it would be due first for the same deadline forever.
    this.unfollow = served
      ? () => undefined
      : this.clock.follow({
          nextDeadline: () => (this.link?.open ? undefined : device.nextDeadline()),
          handleTimeout: (nowMs) => {
            device.handleTimeout(Math.max(nowMs, device.now));
            // With no central, nothing reads what the device would send: drop it, as the real-time pump does.
            while (device.pollTransmit());
          },
        });
    this.faults = new FaultInjector({ clock: this.clock, device, seed });
    const decoder = new TrafficDecoder();
    device.captureTo({
      capture: (event: CaptureEvent) => {
        this.traffic.push(decoder.row(event));
        this.fresh.traffic += 1;
        this.flushSoon();
      },
    });
    this.subscription = device.events$.subscribe((event) => {
      this.onChange();
      // A fault's steps run on the shared clock: the fleet learns the device's new due time.
      this.served?.changed();
      if (event.type === 'traffic') return;
      this.events.push(event);
      this.fresh.events += 1;
      if (event.type === 'heater' || event.type === 'battery' || event.type === 'puff') this.sample();
      this.flushSoon();
    });
    this.sample();
    if (time.kind === 'real') {
      const speed = time.speed;
      // The pump follows a scaled process clock: `speed` virtual ms pass per real ms.
      if (!served) this.pump = startClockPump(this.clock, { realNowMs: () => performance.now() * speed });
      this.sampler = setInterval(() => {
        this.pump?.now();
        this.sample();
        this.flushSoon();
      }, SAMPLE_INTERVAL_MS);
    }
  }

  /** Virtual time now, ms (in real time: advanced to the process clock first). */
  now(): number {
    if (this.served) return this.served.now();
    return this.pump ? this.pump.now() : this.clock.now();
  }

  /** Applies a firmware input now; a refused one throws FIRMWARE_INPUT and changes nothing. */
  input(input: FirmwareInput): void {
    if (this.served) this.served.input(input);
    else this.device.input(input, this.now());
    this.kick();
    this.sample();
    this.flushSoon();
  }

  /** Injects (or, with `clear`, lifts) a fault of docs/faults.md §15 by id or name. */
  fault(ref: string, clear: boolean): void {
    this.now();
    if (clear) this.faults.clear(ref as Parameters<FaultInjector['clear']>[0]);
    else this.faults.inject(ref as Parameters<FaultInjector['inject']>[0]);
    this.served?.changed();
    this.kick();
    this.sample();
    this.flushSoon();
  }

  /** Manual time only: moves virtual time on by `ms`, running everything due. */
  advance(ms: number): void {
    if (this.time.kind !== 'manual')
      throw new SimulatorError('SIM_BAD_INPUT', 'time runs by itself here (start with --manual-time)');
    if (!(Number.isInteger(ms) && ms >= 0 && ms <= MAX_ADVANCE_MS))
      throw new SimulatorError('SIM_BAD_INPUT', `advance by 0..${MAX_ADVANCE_MS} whole ms, got ${ms}`);
    if (this.served) this.served.advance(ms);
    else this.clock.advanceTo(this.clock.now() + ms);
    this.sample();
    this.flushSoon();
  }

  /**
   * Connects the dashboard's own central (docs/protocol.md §3: MTU, discovery, notifications) and
   * reads the device information, battery and status once, so the traffic panel shows a real session.
   * A second call while connected reads again.
   */
  async connectCentral(): Promise<void> {
    // The fleet serves its devices' deadlines itself; a link following one too would serve them twice.
    if (this.served)
      throw new SimulatorError(
        'SIM_BAD_INPUT',
        'a fleet device has no central here: drive it with the inputs',
      );
    if (!this.link?.open) {
      this.link = new InMemoryLink(this.clock, this.device);
      this.faults.attach(this.link);
      const link = this.link;
      const transport: Transport = {
        write: (packet) => {
          link.write(packet);
          this.kick();
        },
        onData: (listener) => link.onData(listener),
        onClose: (listener) => link.onClose(listener),
        close: () => link.close(),
        get open() {
          return link.open;
        },
      };
      this.client = await IqosClient.connect(transport, { scheduler: this.clock });
    }
    const client = this.client as IqosClient;
    await client.readDeviceInformation();
    await client.readBattery();
    await client.readStatus();
    this.flushSoon();
  }

  disconnectCentral(): void {
    this.faults.detach();
    this.link?.close();
    this.link = undefined;
    this.client = undefined;
    this.flushSoon();
  }

  view(): DeviceView {
    const connected = this.link?.open === true;
    return this.served
      ? deviceView(this.id, this.device, connected, Math.max(this.device.now, this.clock.now()))
      : deviceView(this.id, this.device, connected);
  }

  /** Everything kept, for a page that has just subscribed. */
  snapshot(): HostMessage {
    return { view: this.view(), samples: this.samples, events: this.events, traffic: this.traffic };
  }

  subscribe(listener: (message: HostMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.sampler) clearInterval(this.sampler);
    if (this.flushQueued) clearImmediate(this.flushQueued);
    this.subscription.unsubscribe();
    this.disconnectCentral();
    this.faults.stop();
    this.pump?.stop();
    this.unfollow();
    this.device.captureTo(undefined);
    this.listeners.clear();
  }

  /**
   * Runs what is due at the current time on the next turn (a write into the link, a fault's steps):
   * the pump's kick in real time; in manual time an advance to now, which fires zero-latency work
   * without letting time pass.
   */
  private kick(): void {
    if (this.served) this.served.kick();
    else if (this.pump) this.pump.kick();
    else
      setImmediate(() => {
        if (!this.closed) this.clock.advanceTo(this.clock.now());
      });
  }

  private sample(): void {
    const sample = chartSample(this.device);
    const last = this.samples.at(-1);
    // Several changes at one virtual time make one point: the last state at that time.
    if (last && last.tS === sample.tS) this.samples[this.samples.length - 1] = sample;
    else {
      this.samples.push(sample);
      this.fresh.samples += 1;
    }
  }

  private flushSoon(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = setImmediate(() => {
      this.flushQueued = undefined;
      this.flush();
    });
  }

  private flush(): void {
    const tail = <T>(list: T[], n: number): T[] => (n === 0 ? [] : list.slice(-Math.min(n, list.length)));
    // With no page watching, nothing is built: a page that comes later gets `snapshot()`.
    const message: HostMessage | undefined =
      this.listeners.size === 0
        ? undefined
        : {
            view: this.view(),
            samples: tail(this.samples, Math.max(this.fresh.samples, 1)),
            events: tail(this.events, this.fresh.events),
            traffic: tail(this.traffic, this.fresh.traffic),
          };
    this.fresh = { samples: 0, events: 0, traffic: 0 };
    keepLast(this.samples, KEEP_SAMPLES);
    keepLast(this.events, KEEP_EVENTS);
    keepLast(this.traffic, KEEP_TRAFFIC);
    if (message) for (const listener of this.listeners) listener(message);
  }
}
