/**
 * One connected link as the checks see it: an `IqosClient` (which exchanges the MTU, discovers and
 * subscribes over BLE, docs/protocol.md §3.7), plus inboxes that keep every SCP frame and every
 * notification with its arrival time, so a check can send frames back to back and judge the replies
 * itself (order, count, timing) instead of trusting the client's FIFO pairing (docs/protocol.md §6.2).
 */
import { IqosClient } from '../client/client.js';
import type { Scheduler } from '../client/gatt-client.js';
import type { Transport } from '../link.js';

/** The wire a link carries: ATT packets or 64-byte USB reports. */
export type LinkChannel = 'ble' | 'usb';

/** One item that arrived, ms on the target's scheduler. */
export interface Arrival<T = Uint8Array> {
  readonly atMs: number;
  readonly value: T;
}

interface Waiter<T> {
  readonly count: number;
  readonly from: number;
  readonly done: (items: Arrival<T>[]) => void;
}

/** Items in arrival order, and waits for "n more since a mark, or a window". */
export class Inbox<T = Uint8Array> {
  private readonly items: Arrival<T>[] = [];
  private readonly waiters: Waiter<T>[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  push(value: T): void {
    this.items.push({ atMs: this.scheduler.now(), value });
    for (const waiter of [...this.waiters])
      if (this.items.length - waiter.from >= waiter.count) this.settle(waiter);
  }

  /** How many items came so far: a mark for `since` and `await`. */
  get mark(): number {
    return this.items.length;
  }

  since(mark: number): Arrival<T>[] {
    return this.items.slice(mark);
  }

  /** The items after `mark`: once there are `count`, or after `windowMs`. */
  await(mark: number, count: number, windowMs: number): Promise<Arrival<T>[]> {
    if (this.items.length - mark >= count) return Promise.resolve(this.items.slice(mark));
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        count,
        from: mark,
        done: (items) => {
          timer.cancel();
          resolve(items);
        },
      };
      const timer = this.scheduler.schedule(this.scheduler.now() + windowMs, () => this.settle(waiter));
      this.waiters.push(waiter);
    });
  }

  /** Ends every wait now with what has come. */
  flush(): void {
    for (const waiter of [...this.waiters]) this.settle(waiter);
  }

  private settle(waiter: Waiter<T>): void {
    const at = this.waiters.indexOf(waiter);
    if (at < 0) return;
    this.waiters.splice(at, 1);
    waiter.done(this.items.slice(waiter.from));
  }
}

export class Session {
  /** Every SCP frame the device sent on this link (reassembled over BLE, unwrapped over USB). */
  readonly frames: Inbox;
  private readonly inboxes: Inbox[] = [];
  private readonly offs: (() => void)[] = [];

  private constructor(
    readonly client: IqosClient,
    readonly transport: Transport,
    readonly channel: LinkChannel,
    /** The MTU the session asked for (BLE). */
    readonly askedMtu: number,
    readonly scheduler: Scheduler,
  ) {
    this.frames = this.inbox();
    this.offs.push(client.onFrame((frame) => this.frames.push(frame)));
  }

  static async open(
    transport: Transport,
    channel: LinkChannel,
    scheduler: Scheduler,
    mtu: number,
    timeoutMs: number,
  ): Promise<Session> {
    const client = await IqosClient.connect(transport, {
      scheduler,
      channel,
      mtu,
      requestTimeoutMs: timeoutMs,
      attTimeoutMs: Math.max(timeoutMs, 1000),
    });
    return new Session(client, transport, channel, mtu, scheduler);
  }

  get open(): boolean {
    return this.transport.open;
  }

  /** The negotiated ATT MTU (64 over USB, the report size). */
  get mtu(): number {
    return this.client.mtu;
  }

  /** Every notification value of GATT `handle` from now on (BLE). */
  watch(handle: number): Inbox {
    const inbox = this.inbox();
    const gatt = this.client.gattClient;
    if (gatt)
      this.offs.push(
        gatt.onNotification((at, value) => {
          if (at === handle) inbox.push(value);
        }),
      );
    return inbox;
  }

  /** Every packet the transport delivers on `channel` from now on, raw. */
  watchPackets(channel: 'att' | 'usb'): Inbox {
    const inbox = this.inbox();
    this.offs.push(
      this.transport.onData((packet) => {
        if (packet.channel === channel) inbox.push(packet.bytes);
      }),
    );
    return inbox;
  }

  /**
   * Sends `frames` back to back (each once the previous one is written: ATT allows one write
   * request at a time) and resolves with the SCP frames that arrived from the first send on: once
   * `expect` have come, or `windowMs` after the last send (`expect` infinite: listen the whole
   * window, for checks that expect silence). `sentAtMs[i]` is when frame i left. A
   * send that fails (the link went away) ends the sending; the wait still runs.
   */
  async exchange(
    frames: readonly Uint8Array[],
    expect: number,
    windowMs: number,
  ): Promise<{ arrivals: Arrival[]; sentAtMs: number[] }> {
    const mark = this.frames.mark;
    const sentAtMs: number[] = [];
    for (const frame of frames) {
      sentAtMs.push(this.scheduler.now());
      const failed = await this.client.sendFrame(frame).then(
        () => false,
        () => true,
      );
      if (failed) break;
    }
    const arrivals = await this.frames.await(mark, expect, windowMs);
    return { arrivals, sentAtMs };
  }

  /** Sends one frame and resolves with the first frame that came back and how long it took. */
  async request(
    frame: Uint8Array,
    timeoutMs: number,
  ): Promise<{ frame: Uint8Array; latencyMs: number } | undefined> {
    const { arrivals, sentAtMs } = await this.exchange([frame], 1, timeoutMs);
    const first = arrivals[0];
    return first ? { frame: first.value, latencyMs: first.atMs - (sentAtMs[0] ?? first.atMs) } : undefined;
  }

  close(): void {
    for (const off of this.offs) off();
    for (const inbox of this.inboxes) inbox.flush();
    this.client.close();
  }

  private inbox(): Inbox {
    const inbox = new Inbox(this.scheduler);
    this.inboxes.push(inbox);
    return inbox;
  }
}
