/**
 * What the battery and status records carried when they were last notified (docs/protocol.md §3.4,
 * §3.5): a notification is due when the record's values change. Compared value by value after every
 * step, so the check allocates nothing unless a value changed; the text form is what a snapshot keeps
 * (`notified.battery` as `percent/tempC/holderPercent or -`, `notified.status` as the status view's JSON).
 */
import type { Ctx } from './context.js';
import { chargerTempC, type StatusView, statusView } from './views.js';

const STATUS_KEYS: readonly (keyof StatusView)[] = [
  'chargerState',
  'chargerLowBattery',
  'chargerDefect',
  'holderState',
  'holderConnection',
  'holderDefect',
  'chargerErrors',
  'holderErrors',
  'holderWarnings',
  'ambient',
  'holderSystemError',
  'endOfHeatReason',
  'puffs',
  'dutyCycleFault',
  'intensivePuffing',
  'newInformationWasRead',
];

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const BATTERY_TEXT = new RegExp(`^(${NUMBER})/(${NUMBER})/(${NUMBER}|-)$`);

export class NotifiedViews {
  /** Charger %, charger °C (a u8 on the wire, so never below 0), holder % or -1 when the record has none. */
  private chargerPercent = Number.NaN;
  private chargerTempC = Number.NaN;
  private holderPercent = Number.NaN;
  private status: StatusView | undefined;
  /** The snapshot's own text, kept until a value changes (so a snapshot round trip is exact). */
  private batteryText: string | undefined;
  private statusText: string | undefined;

  /** From a snapshot's `notified`; text that does not parse counts as "never notified". */
  load(battery: string, status: string): void {
    this.batteryText = battery;
    this.statusText = status;
    const match = BATTERY_TEXT.exec(battery);
    if (match) {
      this.chargerPercent = Number(match[1]);
      this.chargerTempC = Number(match[2]);
      this.holderPercent = match[3] === '-' ? -1 : Number(match[3]);
    }
    try {
      const parsed: unknown = JSON.parse(status);
      if (typeof parsed === 'object' && parsed !== null) this.status = parsed as StatusView;
    } catch {
      this.status = undefined;
    }
  }

  /** Takes the battery record's values now; true when they differ from the last ones. */
  batteryChanged(ctx: Ctx): boolean {
    const { state, derived } = ctx;
    const chargerPercent = Math.round(state.charger.levelPercent);
    const tempC = Math.max(0, chargerTempC(ctx));
    const holderPercent =
      !derived.onePiece && state.holder.docked ? Math.round(state.holder.levelPercent) : -1;
    if (
      chargerPercent === this.chargerPercent &&
      tempC === this.chargerTempC &&
      holderPercent === this.holderPercent
    )
      return false;
    this.chargerPercent = chargerPercent;
    this.chargerTempC = tempC;
    this.holderPercent = holderPercent;
    this.batteryText = undefined;
    return true;
  }

  /** Takes the status record's values now; true when they differ from the last ones. */
  statusChanged(ctx: Ctx): boolean {
    const status = statusView(ctx);
    if (this.status !== undefined && sameStatus(status, this.status)) return false;
    this.status = status;
    this.statusText = undefined;
    return true;
  }

  toJSON(): { battery: string; status: string } {
    const holder = this.holderPercent === -1 ? '-' : String(this.holderPercent);
    return {
      battery: this.batteryText ?? `${this.chargerPercent}/${this.chargerTempC}/${holder}`,
      status: this.statusText ?? (this.status === undefined ? '' : JSON.stringify(this.status)),
    };
  }
}

function sameStatus(a: StatusView, b: StatusView): boolean {
  for (let i = 0; i < STATUS_KEYS.length; i++) {
    const key = STATUS_KEYS[i] as keyof StatusView;
    if (a[key] !== b[key]) return false;
  }
  return true;
}
