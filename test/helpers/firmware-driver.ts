/**
 * A small driver over `Firmware` for tests: one clock, the user gestures as functions, and the
 * events collected with their times.
 */
import {
  Firmware,
  type FirmwareEvent,
  type FirmwareInput,
  type FirmwareOptions,
} from '../../firmware-model/index.js';

export class Driver {
  readonly fw: Firmware;
  readonly events: FirmwareEvent[] = [];
  t: number;

  constructor(modelId: string, options: FirmwareOptions = {}) {
    this.fw = new Firmware(modelId, options);
    this.t = this.fw.nowMs;
    this.collect();
  }

  get holder() {
    return this.fw.state.holder;
  }
  get charger() {
    return this.fw.state.charger;
  }
  get onePiece(): boolean {
    return this.fw.profile.parts === 'one-piece';
  }

  send(input: FirmwareInput, afterMs = 0): this {
    this.t += afterMs;
    this.fw.input(input, this.t);
    this.collect();
    return this;
  }

  wait(ms: number): this {
    this.t += ms;
    this.fw.advanceTo(this.t);
    this.collect();
    return this;
  }

  /** Advances until `predicate` holds, in `stepMs` steps; returns the time it first held. */
  until(predicate: () => boolean, limitMs = 86_400_000, stepMs = 100): number {
    const end = this.t + limitMs;
    while (!predicate()) {
      if (this.t >= end)
        throw new Error(
          `condition not reached within ${limitMs} ms (holder ${this.holder.state}, charger ${this.charger.state})`,
        );
      this.wait(stepMs);
    }
    return this.t;
  }

  /** Holds a button for `holdMs`. */
  hold(unit: 'charger' | 'holder', holdMs: number): this {
    this.send({ type: 'button', unit, action: 'press' });
    this.wait(holdMs);
    return this.send({ type: 'button', unit, action: 'release' });
  }

  undock(): this {
    return this.onePiece ? this : this.send({ type: 'undock' });
  }

  dock(): this {
    return this.onePiece ? this : this.send({ type: 'dock' });
  }

  /**
   * Starts heating the way the model does (docs/device.md §2.1): ILUMA by inserting a stick, blade models by
   * inserting one then holding the button `buttons.startHoldSeconds`. Returns the heating start time.
   */
  startSession(): number {
    if (!this.holder.stickInserted) this.send({ type: 'stick', action: 'insert' });
    if (this.holder.state === 'PREHEAT') return this.t;
    this.send({ type: 'button', unit: 'holder', action: 'press' });
    this.wait(this.fw.params.buttons.startHoldSeconds * 1000);
    const started = this.t;
    this.send({ type: 'button', unit: 'holder', action: 'release' }, 200);
    return started;
  }

  removeStick(): this {
    return this.holder.stickInserted ? this.send({ type: 'stick', action: 'remove' }) : this;
  }

  /** Time of the first event after `fromMs` matching `match`. */
  firstAfter(fromMs: number, match: (e: FirmwareEvent) => boolean): FirmwareEvent | undefined {
    return this.events.find((e) => e.atMs >= fromMs && match(e));
  }

  stateAt(unit: 'holder' | 'charger', to: string, fromMs = 0): number | undefined {
    return this.firstAfter(fromMs, (e) => e.type === 'state' && e.unit === unit && e.to === to)?.atMs;
  }

  private collect(): void {
    for (let e = this.fw.pollEvent(); e; e = this.fw.pollEvent()) this.events.push(e);
  }
}
