/**
 * One virtual user (docs/artillery.md "Scenario format"): a virtual device of the fleet, run in virtual
 * time by iqsim, and the companion app of its owner talking to the target registration service over
 * real HTTP. Each step is one thing the owner or the app does; refusals of the service are outcomes
 * (counted by their code), not failures; an unreachable or failing service (5xx) fails the user.
 */
import type { ApiResponse, RegistryClient, Rig } from 'iqsim/testing';
import type { Step } from './format.js';
import { METRIC, type Metrics } from './metrics.js';

/** The part of iqsim the engine runs on: the `iqsim/testing` entry. */
export type IqsimTesting = typeof import('iqsim/testing');

/** Everything that makes a virtual user this one. */
export interface UserPlan {
  /** Fleet index (identity.ts `deviceIndex`). */
  readonly index: number;
  /** Simulator seed of the device (identity.ts `deviceSeed`). */
  readonly seed: number;
  readonly model: string;
  readonly country: string;
  /** Base URL of the registration service. */
  readonly target: string;
  /** Keeps the accounts of two runs against one service apart (Artillery's test run id). */
  readonly runTag: string;
}

/** A failure of the user, with the code Artillery counts as `errors.<code>`. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Holder states with the heater on (docs/device.md §11.1). */
const HEATING = new Set(['PREHEAT', 'SESSION_ACTIVE', 'SESSION_WARNING', 'PAUSED']);
const DATE_OF_BIRTH = '1990-05-17';
const DEFAULT_PUFF_EVERY_S = 25;

export interface UserClock {
  /** Real milliseconds, for response times. */
  nowMs(): number;
  /** Waits real milliseconds (`think`). */
  sleep(ms: number): Promise<void>;
}

export class VirtualUser {
  private user: RegistryClient | undefined;
  private accounts = 0;
  private deviceId: string | undefined;
  private readonly anonymous: RegistryClient;

  private constructor(
    private readonly iqsim: IqsimTesting,
    private readonly rig: Rig,
    private readonly plan: UserPlan,
    private readonly metrics: Metrics,
    private readonly clock: UserClock,
  ) {
    this.anonymous = new iqsim.RegistryClient(plan.target.replace(/\/+$/, ''));
  }

  /** Makes the device (fresh, in the charger, a BLE client connected: the owner's phone). */
  static async start(iqsim: IqsimTesting, plan: UserPlan, metrics: Metrics, clock: UserClock) {
    const rig = await iqsim.createRig({ model: plan.model, seed: plan.seed, client: 'ble' });
    return new VirtualUser(iqsim, rig, plan, metrics, clock);
  }

  async run(step: Step): Promise<void> {
    switch (step.kind) {
      case 'signup':
        return this.signup(step.args.country ?? this.plan.country);
      case 'register':
        return this.register(step.args.purchaseDate);
      case 'pair':
        return this.pair();
      case 'heat':
        return this.heat(step.args.puffs, (step.args.everyS ?? DEFAULT_PUFF_EVERY_S) * 1000);
      case 'idle':
        return this.idle(step.args.minutes * 60_000);
      case 'sync':
        return this.sync();
      case 'think':
        return this.clock.sleep(step.args * 1000);
    }
  }

  close(): Promise<void> {
    return this.rig.close();
  }

  /** Sign-up, the verification code from the service's test outbox, login: the app's session. */
  private async signup(country: string): Promise<void> {
    this.accounts += 1;
    this.user = undefined;
    const email = `d${this.plan.index}.${this.accounts}.${this.plan.runTag}@example.com`;
    const password = `iqsim load ${this.plan.runTag} ${this.plan.index}`;
    const body = { email, password, dateOfBirth: DATE_OF_BIRTH, country };
    if (this.refused(await this.request(this.anonymous, 'POST', '/auth/signup', body))) return;
    const query = `/_test/outbox?to=${encodeURIComponent(email)}&template=verify-email`;
    const outbox = await this.request(this.anonymous, 'GET', query);
    const code = Array.isArray(outbox.body) ? (outbox.body.at(-1) as { code?: string })?.code : undefined;
    if (outbox.status !== 200 || code === undefined)
      throw new EngineError(
        'IQSIM_NO_OUTBOX',
        `${this.plan.target}: no verification code in /_test/outbox (is the service in test mode?)`,
      );
    if (this.refused(await this.request(this.anonymous, 'POST', '/auth/verify', { email, code }))) return;
    const login = await this.request(this.anonymous, 'POST', '/auth/login', { email, password });
    if (this.refused(login)) return;
    this.user = this.anonymous.as((login.body as { token: string }).token);
    this.metrics.count(METRIC.accountsCreated);
  }

  /** R-9: the owner types the device ID (read from the device, as printed under the box). */
  private async register(purchaseDate: string | undefined): Promise<void> {
    const user = this.signedIn('register');
    const deviceId = await this.readDeviceId();
    const body = { deviceId, ...(purchaseDate ? { purchaseDate } : {}) };
    this.registered(await this.request(user, 'POST', '/devices', body));
  }

  /** R-12: the app bonds with the device and registers it as part of pairing. */
  private async pair(): Promise<void> {
    const user = this.signedIn('pair');
    this.rig.device.bond(this.rig.clock.now());
    const deviceId = await this.readDeviceId();
    const body = { deviceId, model: this.rig.device.model };
    if (this.registered(await this.request(user, 'POST', '/devices/pair', body)))
      this.metrics.count(METRIC.devicesPaired);
  }

  /**
   * One stick, in virtual time: holder out of the charger, stick in (auto-start, or a 1 s press on
   * models without it), `puffs` puffs once ready, then the session runs to its end (profile or puff
   * limit); stick out, holder back in. A device that does not start heating (no use left, locked) is
   * a refused session.
   */
  private async heat(puffs: number, everyMs: number): Promise<void> {
    const { rig } = this;
    const fw = rig.device.firmware;
    const holder = () => fw.state.holder;
    if (holder().docked) rig.input({ type: 'undock' });
    if (!holder().stickInserted) rig.input({ type: 'stick', action: 'insert' });
    if (!HEATING.has(holder().state)) {
      rig.input({ type: 'button', unit: 'holder', action: 'press' });
      rig.advance(fw.params.buttons.startHoldSeconds * 1000);
      rig.input({ type: 'button', unit: 'holder', action: 'release' });
    }
    const startedAtMs = rig.clock.now();
    if (!HEATING.has(holder().state)) {
      this.metrics.count(METRIC.sessionsRefused);
      this.putAway();
      return;
    }
    this.metrics.count(METRIC.sessionsStarted);
    await rig.until(this.iqsim.state('SESSION_ACTIVE'), 120_000);
    for (let i = 0; i < puffs && HEATING.has(holder().state); i++) {
      rig.input({ type: 'puff' });
      rig.advance(everyMs);
    }
    await rig.until(
      this.iqsim.when(() => !HEATING.has(holder().state), 'the end of the session'),
      3_600_000,
    );
    this.metrics.count(METRIC.sessionsCompleted);
    this.metrics.count(METRIC.puffs, holder().lastExperience.puffs);
    this.metrics.histogram(METRIC.sessionVirtualS, (rig.clock.now() - startedAtMs) / 1000);
    this.putAway();
  }

  /** Time passes with the holder in its charger (two-piece models charge it). */
  private async idle(ms: number): Promise<void> {
    this.putAway();
    this.rig.advance(ms);
  }

  /** The app opens: reads the battery over BLE and the account's device list from the service. */
  private async sync(): Promise<void> {
    const user = this.signedIn('sync');
    const deviceId = await this.readDeviceId();
    const client = this.rig.client;
    if (client) this.metrics.histogram(METRIC.batteryPercent, await this.rig.run(client.getBatteryPercent()));
    const answer = await this.request(user, 'GET', '/devices');
    if (this.refused(answer)) return;
    this.metrics.count(METRIC.syncs);
    const listed = Array.isArray(answer.body) && answer.body.some((d) => d?.deviceId === deviceId);
    if (!listed) this.metrics.count(METRIC.syncDeviceMissing);
  }

  private putAway(): void {
    const { rig } = this;
    const holder = rig.device.firmware.state.holder;
    if (holder.stickInserted) rig.input({ type: 'stick', action: 'remove' });
    if (rig.device.firmware.profile.parts === 'holder+charger' && !holder.docked) rig.input({ type: 'dock' });
  }

  private async readDeviceId(): Promise<string> {
    this.deviceId ??= await this.iqsim.readDeviceId(this.rig);
    return this.deviceId;
  }

  private signedIn(step: string): RegistryClient {
    if (this.user) return this.user;
    throw new EngineError(
      'IQSIM_NO_ACCOUNT',
      `${step}: no signed-in account (a signup step first, or it was refused)`,
    );
  }

  /** Counts a registration answer; true when the device is now the account's. */
  private registered(answer: ApiResponse): boolean {
    if (this.refused(answer)) return false;
    const { newlyRegistered } = answer.body as { newlyRegistered?: boolean };
    this.metrics.count(newlyRegistered ? METRIC.devicesRegistered : METRIC.devicesAlreadyYours);
    return true;
  }

  /** A 4xx answer is the service refusing: counted under its problem code. */
  private refused(answer: ApiResponse): boolean {
    if (answer.status < 400) return false;
    const code = (answer.body as { code?: unknown } | undefined)?.code;
    this.metrics.count(`${METRIC.refused}.${typeof code === 'string' ? code : `HTTP_${answer.status}`}`);
    return true;
  }

  /** One HTTP call, timed; a 5xx or no answer at all fails the user. */
  private async request(client: RegistryClient, method: string, path: string, body?: unknown) {
    const startedMs = this.clock.nowMs();
    let answer: ApiResponse;
    try {
      answer = await client.raw(method, path, body);
    } catch (error) {
      throw new EngineError('IQSIM_TARGET_UNREACHABLE', `${method} ${path}: ${(error as Error).message}`);
    }
    this.metrics.histogram(METRIC.httpResponseTime, this.clock.nowMs() - startedMs);
    this.metrics.count(METRIC.httpRequests);
    this.metrics.count(`${METRIC.httpCodes}.${answer.status}`);
    if (answer.status >= 500)
      throw new EngineError(`IQSIM_HTTP_${answer.status}`, `${method} ${path}: ${answer.status}`);
    return answer;
  }
}
