/**
 * A fleet against the registration service (docs/fleet.md "Against the registration service"): each
 * device's owner buys it, signs up, registers and pairs it, joins the benefit programme, files a
 * warranty claim when it faults, and some drop it (accidental-damage claims) or sell it on (the buyer
 * tries to register it), at times drawn from (fleet seed, k) and the fleet's own fault events. The
 * service runs in test mode: before each call its clock is set to the fleet's virtual time, so months
 * pass without waiting. The report counts every call by step and what the service refused, by code.
 *
 * The driver does not move the fleet's clock: its runner asks `nextAtMs()`, advances the clock there
 * and awaits `runDue()`, so the same loop that draws progress and hears SIGINT drives it.
 */
import type { Fleet, FleetDevice } from '../simulator/index.js';
import { RegistryClient } from './registry.js';

const DAY_MS = 86_400_000;
/** Where the owners live: a market with the benefit programme (docs/registration.md). */
const COUNTRY = 'DE';
const PASSWORD = 'correct horse 1';

type Step =
  | 'signup'
  | 'verify'
  | 'login'
  | 'register'
  | 'pair'
  | 'program'
  | 'sync'
  | 'warranty'
  | 'accidental'
  | 'resale';

export interface StepCount {
  ok: number;
  refused: Record<string, number>;
}

export interface FleetRegistryReport {
  readonly calls: number;
  readonly ok: number;
  /** Refusals (HTTP ≥ 400) by the problem's `code` (`HTTP_<status>` without one, `NETWORK` when no answer came). */
  readonly refused: Record<string, number>;
  readonly bySteps: Record<string, StepCount>;
  /** Devices whose owner signed in and paired them. */
  readonly paired: number;
}

interface Action {
  readonly atMs: number;
  readonly index: number;
  readonly kind: 'buy' | 'program' | 'sync' | 'warranty' | 'accidental' | 'resale';
}

interface Owner {
  client: RegistryClient;
  readonly email: string;
  paired: boolean;
}

/** 32-bit draw of (seed, k, purpose): the fleet's own hashing is internal, so a small one here. */
function unit(seed: number, k: number, purpose: number): number {
  let h = (seed ^ Math.imul(k + 1, 0x9e37_79b9) ^ Math.imul(purpose, 0x85eb_ca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb_352d);
  h = Math.imul(h ^ (h >>> 15), 0x846c_a68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4_294_967_296;
}

export class FleetRegistryDriver {
  private readonly api: RegistryClient;
  private readonly queue: Action[] = [];
  private readonly owners = new Map<number, Owner>();
  private readonly counts = new Map<Step, StepCount>();
  private epochMs = 0;
  private clockAtMs = Number.NaN;
  private endMs = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly fleet: Fleet,
    url: string,
    private readonly durationMs: number,
  ) {
    this.api = new RegistryClient(url.replace(/\/$/, ''));
  }

  /**
   * Reads the service clock (the epoch: fleet time 0) and plans every device's life. Throws
   * `RegistryApiError` when the service has no test routes (start it with --test-mode).
   */
  async start(): Promise<void> {
    const clock = await this.api.call<{ nowMs: number }>('GET', '/_test/clock');
    this.epochMs = clock.nowMs - this.fleet.clock.now();
    const t0 = this.fleet.clock.now();
    this.endMs = t0 + this.durationMs;
    const { seed } = this.fleet;
    for (const d of this.fleet.devices) {
      const k = d.index;
      const buyAtMs = t0 + Math.floor(unit(seed, k, 1) * Math.min(this.durationMs, DAY_MS));
      this.plan(buyAtMs, k, 'buy');
      this.plan(buyAtMs + DAY_MS + Math.floor(unit(seed, k, 2) * 6 * DAY_MS), k, 'program');
      for (let month = 1; month * 30 * DAY_MS < this.durationMs; month++)
        this.plan(buyAtMs + month * 30 * DAY_MS, k, 'sync');
      const later =
        buyAtMs + 30 * DAY_MS + Math.floor(unit(seed, k, 3) * Math.max(0, this.durationMs - 30 * DAY_MS));
      if (unit(seed, k, 4) < 0.1) this.plan(later, k, 'accidental');
      if (unit(seed, k, 5) < 0.05) this.plan(later + DAY_MS, k, 'resale');
    }
    this.unsubscribe = this.fleet.subscribe((e) => {
      if (e.type === 'fault') this.plan(e.atMs + DAY_MS, e.index, 'warranty');
    });
  }

  /** Virtual time of the next planned call within the run, or undefined. */
  nextAtMs(): number | undefined {
    const next = this.queue[0];
    return next && next.atMs <= this.endMs ? next.atMs : undefined;
  }

  /** Makes every call due at the fleet's time now, in time and index order. */
  async runDue(): Promise<void> {
    const nowMs = this.fleet.clock.now();
    while (this.queue[0] && this.queue[0].atMs <= nowMs) {
      const action = this.queue.shift() as Action;
      const device = this.fleet.devices.find((d) => d.index === action.index);
      if (device) await this.act(action, device);
    }
  }

  report(): FleetRegistryReport {
    const refused: Record<string, number> = {};
    let calls = 0;
    let ok = 0;
    for (const count of this.counts.values()) {
      ok += count.ok;
      calls += count.ok;
      for (const [code, n] of Object.entries(count.refused)) {
        refused[code] = (refused[code] ?? 0) + n;
        calls += n;
      }
    }
    const paired = [...this.owners.values()].filter((o) => o.paired).length;
    return { calls, ok, refused, bySteps: Object.fromEntries(this.counts), paired };
  }

  dispose(): void {
    this.unsubscribe?.();
  }

  private plan(atMs: number, index: number, kind: Action['kind']): void {
    const action = { atMs, index, kind };
    let at = this.queue.length;
    while (at > 0 && (this.queue[at - 1] as Action).atMs > atMs) at--;
    this.queue.splice(at, 0, action);
  }

  private async act(action: Action, device: FleetDevice): Promise<void> {
    await this.setClock(action.atMs);
    const owner = this.owners.get(device.index);
    const id = device.serial;
    const date = new Date(this.epochMs + action.atMs).toISOString().slice(0, 10);
    if (action.kind === 'buy') {
      await this.buy(device, date);
      return;
    }
    if (action.kind === 'resale') {
      const buyer = await this.signIn(`resale-${this.fleet.seed}-${device.index}@fleet.example`);
      if (buyer)
        await this.call('resale', buyer, 'POST', '/devices', { deviceId: id, purchaseCountry: COUNTRY });
      return;
    }
    if (!owner?.paired) return;
    const c = (step: Step, method: string, path: string, body?: unknown) =>
      this.ownerCall(owner, step, method, path, body);
    if (action.kind === 'program') await c('program', 'PUT', `/devices/${id}/program`, { country: COUNTRY });
    if (action.kind === 'sync') await c('sync', 'GET', '/devices');
    if (action.kind === 'warranty')
      await c('warranty', 'POST', `/devices/${id}/warranty-claims`, {
        kind: 'defect',
        affectsFunction: true,
        description: `${device.fault ?? 'fault'} reported by the fleet`,
      });
    if (action.kind === 'accidental')
      for (let claim = 0; claim < 2; claim++)
        await c('accidental', 'POST', `/devices/${id}/accidental-claims`, {
          replacement: 'partial',
          description: 'dropped it',
        });
  }

  /** Sign-up, verification, login; half the owners type the ID in first, then every one pairs. */
  private async buy(device: FleetDevice, purchaseDate: string): Promise<void> {
    const email = `owner-${this.fleet.seed}-${device.index}@fleet.example`;
    const client = await this.signIn(email);
    if (!client) return;
    const owner: Owner = { client, email, paired: false };
    this.owners.set(device.index, owner);
    if (unit(this.fleet.seed, device.index, 6) < 0.5)
      await this.call('register', client, 'POST', '/devices', {
        deviceId: device.serial,
        purchaseDate,
        purchaseCountry: COUNTRY,
      });
    owner.paired = await this.call('pair', client, 'POST', '/devices/pair', {
      deviceId: device.serial,
      model: device.model,
    });
  }

  private async signIn(email: string): Promise<RegistryClient | undefined> {
    const body = { email, password: PASSWORD, dateOfBirth: '1990-05-17', country: COUNTRY };
    if (!(await this.call('signup', this.api, 'POST', '/auth/signup', body))) return undefined;
    const sent = await this.api.raw(
      'GET',
      `/_test/outbox?to=${encodeURIComponent(email)}&template=verify-email`,
    );
    const code = Array.isArray(sent.body)
      ? (sent.body.at(-1) as { code?: string } | undefined)?.code
      : undefined;
    if (!(await this.call('verify', this.api, 'POST', '/auth/verify', { email, code: code ?? '' })))
      return undefined;
    return this.login(email);
  }

  private async login(email: string): Promise<RegistryClient | undefined> {
    const session = await this.api.raw('POST', '/auth/login', { email, password: PASSWORD });
    this.count('login', session.status, session.body);
    const token = (session.body as { token?: string } | undefined)?.token;
    return session.status < 400 && token ? this.api.as(token) : undefined;
  }

  /**
   * An owner's call; a session that has expired (they last 30 days) is refused, counted, and the
   * owner logs in again and retries once, as the app does.
   */
  private async ownerCall(owner: Owner, step: Step, method: string, path: string, body?: unknown) {
    try {
      const first = await owner.client.raw(method, path, body);
      this.count(step, first.status, first.body);
      if ((first.body as { code?: unknown } | undefined)?.code !== 'REGISTRY_UNAUTHENTICATED') return;
    } catch {
      this.tally(step, 'NETWORK');
      return;
    }
    const again = await this.login(owner.email);
    if (!again) return;
    owner.client = again;
    await this.call(step, again, method, path, body);
  }

  private async setClock(atMs: number): Promise<void> {
    if (atMs === this.clockAtMs) return;
    this.clockAtMs = atMs;
    await this.api.call('PUT', '/_test/clock', { now: new Date(this.epochMs + atMs).toISOString() });
  }

  /** One call, counted; true when the service said yes. */
  private async call(step: Step, client: RegistryClient, method: string, path: string, body?: unknown) {
    try {
      const r = await client.raw(method, path, body);
      this.count(step, r.status, r.body);
      return r.status < 400;
    } catch {
      this.tally(step, 'NETWORK');
      return false;
    }
  }

  private count(step: Step, status: number, body: unknown): void {
    if (status < 400) {
      this.entry(step).ok++;
      return;
    }
    const code = (body as { code?: unknown } | undefined)?.code;
    this.tally(step, typeof code === 'string' ? code : `HTTP_${status}`);
  }

  private tally(step: Step, code: string): void {
    const entry = this.entry(step);
    entry.refused[code] = (entry.refused[code] ?? 0) + 1;
  }

  private entry(step: Step): StepCount {
    let entry = this.counts.get(step);
    if (!entry) {
      entry = { ok: 0, refused: {} };
      this.counts.set(step, entry);
    }
    return entry;
  }
}
