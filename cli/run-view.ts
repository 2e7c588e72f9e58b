/**
 * What `iqsim run` shows without `--json`: one human line per device event (stdin not a TTY), or a
 * live status block redrawn in place with ANSI cursor moves (stdin a TTY).
 */
import type { Light } from '../firmware-model/index.js';
import { END_OF_HEAT_REASONS } from '../protocol/index.js';
import type { DeviceEvent, VirtualDevice } from '../simulator/index.js';

/** The view's width when the terminal does not say: the classic 80 columns (issue 9 item 4). */
export const VIEW_COLUMNS = 80;

/** Virtual time as h:mm:ss.mmm. */
export function formatVirtualTime(ms: number): string {
  const whole = Math.max(0, Math.floor(ms));
  const h = Math.floor(whole / 3_600_000);
  const m = Math.floor(whole / 60_000) % 60;
  const s = Math.floor(whole / 1000) % 60;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${h}:${pad(m)}:${pad(s)}.${pad(whole % 1000, 3)}`;
}

/** A span of virtual time as m:ss (sessions last minutes). */
export function formatMinutes(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * An end-of-heat reason by name, in the words `decode --char status` uses (docs/protocol.md §3.5 last
 * experience).
 */
export function endReasonName(reason: number): string {
  return END_OF_HEAT_REASONS[reason] ?? `reason ${reason}`;
}

export function formatLight(light: Light): string {
  if (light.pattern === 'off' || light.colour === 'none') return 'off';
  return `${light.pattern} ${light.colour}${light.count > 1 ? ` ×${light.count}` : ''}`;
}

/** The event without its time, in a few words. */
function describeEvent(e: DeviceEvent): string {
  switch (e.type) {
    case 'state':
      return `${e.unit} state ${e.from} → ${e.to}`;
    case 'led':
      return `${e.unit} led ${formatLight(e.light)}`;
    case 'vibration':
      return `${e.unit} vibration ${e.reason} ${e.continuous ? 'continuous' : `${e.pulses}×${e.pulseMs} ms`}`;
    case 'vibrationStop':
      return `${e.unit} vibration stop (${e.reason})`;
    case 'notify':
      return `notify ${e.characteristic}`;
    case 'session':
      return `session ${e.phase}, ${e.puffs} puffs${e.reason === undefined ? '' : `: ${endReasonName(e.reason)}`}`;
    case 'puff':
      return `puff ${e.puffs}${e.counted ? '' : ` (not counted: ${e.reason ?? 'not in session'})`}`;
    case 'puffIgnored':
      return `puff ignored (${e.reason})`;
    case 'heater':
      return `heater ${e.tempC.toFixed(1)} °C, ${e.powerW.toFixed(2)} W`;
    case 'battery':
      return `battery charger ${e.chargerPct} %, holder ${e.holderPct} %`;
    case 'bluetooth':
      return `bluetooth ${e.on ? 'on' : 'off'}`;
    case 'pairing':
      return 'pairing mode';
    case 'rejected':
      return `rejected ${e.input}: ${e.reason}`;
    case 'traffic':
      return `${e.channel} ${e.dir} ${e.hex}`;
    case 'connection':
      return e.connected ? 'central connected' : 'central disconnected';
    case 'bond':
      return e.bonded ? 'bonded' : 'bonds forgotten';
    case 'dropped':
      return `${e.channel} dropped (${e.reason}) ${e.hex}`;
    default: {
      const { type, atMs: _atMs, ...rest } = e as { type: string; atMs: number };
      return Object.keys(rest).length > 0 ? `${type} ${JSON.stringify(rest)}` : type;
    }
  }
}

export function formatEvent(e: DeviceEvent): string {
  return `${formatVirtualTime(e.atMs)}  ${describeEvent(e)}`;
}

export interface ViewInfo {
  model: string;
  speed: number;
  statePath?: string;
  /** Buttons held down from the keyboard. */
  held: { holder: boolean; charger: boolean };
  lastEvent?: DeviceEvent;
  message?: string;
  /** Terminal width; every line is cut to it (default `VIEW_COLUMNS`). */
  columns?: number;
}

/** Readings that come every second or so: the view shows them in their own lines, not as "last". */
export function isReading(e: DeviceEvent): boolean {
  return e.type === 'heater' || e.type === 'battery';
}

/**
 * The status block's lines (no trailing newlines), each at most `info.columns` wide: a line that
 * would be longer (a long state path, a long last event) ends in `…` instead of wrapping, which
 * would break the redraw in place.
 */
export function statusLines(device: VirtualDevice, nowMs: number, info: ViewInfo): string[] {
  const { holder, charger } = device.firmware.state;
  const pct = (n: number) => `${Math.round(n)} %`;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const down = (b: boolean) => (b ? 'down' : 'up');
  const width = Math.max(20, info.columns ?? VIEW_COLUMNS);
  const lines = [
    `iqsim run  ${info.model}  speed ${info.speed}×  virtual ${formatVirtualTime(nowMs)}`,
    ...(info.statePath ? [`state    ${info.statePath}`] : []),
    `holder   ${holder.state.padEnd(17)} battery ${pct(holder.levelPercent).padEnd(6)} uses left ${holder.usesLeft}  stick ${yes(holder.stickInserted)}  docked ${yes(holder.docked)}`,
    `charger  ${charger.state.padEnd(17)} battery ${pct(charger.levelPercent).padEnd(6)} usb ${charger.usbPower}`,
    `LEDs     holder ${formatLight(holder.light)}   charger ${formatLight(charger.light)}`,
    `heater   ${device.firmware.heaterTempC().toFixed(1)} °C`,
    `session  ${sessionText(device, nowMs)}`,
    `last     ${info.message ?? (info.lastEvent ? formatEvent(info.lastEvent) : '–')}`,
    `keys     b holder (${down(info.held.holder)})  c charger (${down(info.held.charger)})  s stick  p puff  d dock  u usb  q quit`,
  ];
  return lines.map((line) => clip(line, width));
}

/**
 * Session progress against both limits (docs/device.md §7: about 6 minutes or 14 puffs, whichever
 * comes first; FlexPuff adds `flexPuff.extraPuffs`), or how the last session ended.
 */
function sessionText(device: VirtualDevice, nowMs: number): string {
  const { session, holder, settings } = device.firmware.state;
  const { params, profile } = device.firmware;
  if (session) {
    const flex = settings.flexPuff && profile.capabilities.includes('flexPuff');
    const maxPuffs = params.session.maxPuffs + (flex ? params.flexPuff.extraPuffs : 0);
    const paused = session.pausedAtMs >= 0 ? '  paused' : '';
    return `${formatMinutes(nowMs - session.startMs)} of ${formatMinutes(session.endAtMs - session.startMs)}  puffs ${session.puffs} of ${maxPuffs}${paused}`;
  }
  const last = holder.lastExperience;
  if (!last || last.reason === 0) return 'none yet';
  return `none; the last ended: ${endReasonName(last.reason)} (${last.puffs} puffs)`;
}

/** `line` cut to `width` columns, ending in `…` when cut. */
export function clip(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

const CSI = '\u001b[';

/** Redraws a block of lines in place: up to the block's first line, then each line cleared and rewritten. */
export class LiveView {
  private drawnLines = 0;

  constructor(private readonly write: (text: string) => void) {}

  draw(lines: readonly string[]): void {
    let text = this.drawnLines > 0 ? `${CSI}${this.drawnLines}F` : `${CSI}?25l`;
    for (const line of lines) text += `${CSI}2K${line}\n`;
    this.drawnLines = lines.length;
    this.write(text);
  }

  /** Shows the cursor again (the block stays on screen). */
  close(): void {
    this.write(`${CSI}?25h`);
  }
}
