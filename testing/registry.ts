/**
 * `createRegistry()` (iqsim/testing): the registration service in-process on a random loopback port
 * with `:memory:` and test mode, a typed client for its API, the outbox, the service clock and
 * `close()`; `pairRig()` reads the device ID from a virtual device rig over BLE, as the app does,
 * and calls the pairing auto-registration (R-12).
 *
 * ```ts
 * const registry = await createRegistry();
 * const user = await registry.newUser({ email: 'ada@example.com', country: 'DE' });
 * const rig = await createRig({ model: 'iluma-i' });
 * const { deviceId } = await registry.pairRig(user, rig);            // R-12 auto-registration
 * await user.activateProgram(deviceId, 'DE');
 * await user.accidentalClaim(deviceId, { replacement: 'complete', description: 'dropped it' });
 * ```
 */
import type { devicesService, Message } from '../registration/index.js';
import type { IqosClient, VirtualDevice } from '../simulator/index.js';
import { loadRegistryServer } from './registry-server.js';
import type { RegistryServerHandle, RegistryServerOptions } from './registry-types.js';

/** A problem+json answer from the API. */
export class RegistryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

type Json = Record<string, unknown>;

/** A device as `GET /devices` and `GET /devices/{deviceId}` return it. */
export type DeviceView = ReturnType<typeof devicesService.deviceView>;

/** A typed client of the registration API; `token` makes it a logged-in user. */
export class RegistryClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  /** Any request; never throws for an HTTP status. */
  async raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** A request whose non-2xx answer throws `RegistryApiError`. */
  async call<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.raw(method, path, body);
    if (r.status >= 400) {
      const p = (r.body ?? {}) as { code?: string; detail?: string };
      throw new RegistryApiError(r.status, p.code ?? 'UNKNOWN', p.detail ?? String(r.body));
    }
    return r.body as T;
  }

  as(token: string): RegistryClient {
    return new RegistryClient(this.url, token);
  }

  signUp(body: {
    email: string;
    password: string;
    dateOfBirth: string;
    country: string;
    mobile?: string;
    firstName?: string;
    lastName?: string;
    marketingOptIn?: boolean;
    deviceId?: string;
  }) {
    return this.call<{ status: string }>('POST', '/auth/signup', body);
  }
  verify(body: { email: string; code: string } | { token: string }) {
    return this.call<{ verified: true; email: string; accountId: string; device?: Json }>(
      'POST',
      '/auth/verify',
      body,
    );
  }
  login(email: string, password: string) {
    return this.call<{ token: string; accountId: string; expiresAt: string }>('POST', '/auth/login', {
      email,
      password,
    });
  }
  requestOtp(mobile: string) {
    return this.call('POST', '/auth/otp/request', { mobile });
  }
  loginByOtp(mobile: string, code: string) {
    return this.call<{ token: string; accountId: string; expiresAt: string }>('POST', '/auth/otp/verify', {
      mobile,
      code,
    });
  }
  me() {
    return this.call('GET', '/me');
  }
  addMobile(mobile: string) {
    return this.call('PUT', '/me/mobile', { mobile });
  }
  verifyMobile(code: string) {
    return this.call('POST', '/me/mobile/verify', { code });
  }
  addAddress(address: Json) {
    return this.call<Json & { id: string }>('POST', '/me/addresses', address);
  }
  deleteAccount() {
    return this.call<{ releasedDevices: string[] }>('DELETE', '/me', { confirm: true });
  }
  devices() {
    return this.call<DeviceView[]>('GET', '/devices');
  }
  registerDevice(deviceId: string, extra: { purchaseDate?: string; purchaseCountry?: string } = {}) {
    return this.call<RegistrationOut>('POST', '/devices', { deviceId, ...extra });
  }
  pairDevice(deviceId: string, model?: string) {
    return this.call<RegistrationOut>('POST', '/devices/pair', { deviceId, ...(model ? { model } : {}) });
  }
  device(deviceId: string) {
    return this.call<DeviceView>('GET', `/devices/${deviceId}`);
  }
  warrantyClaim(
    deviceId: string,
    body: { kind: 'defect' | 'malfunction' | 'cosmetic'; affectsFunction?: boolean; description: string },
  ) {
    return this.call('POST', `/devices/${deviceId}/warranty-claims`, body);
  }
  activateProgram(deviceId: string, country: string) {
    return this.call<DeviceView['program']>('PUT', `/devices/${deviceId}/program`, { country });
  }
  accidentalClaim(deviceId: string, body: { replacement: 'partial' | 'complete'; description: string }) {
    return this.call('POST', `/devices/${deviceId}/accidental-claims`, body);
  }
  internationalAssistance(body: {
    deviceId: string;
    currentCountry: string;
    temporaryAddress: Json;
    problem: string;
  }) {
    return this.call('POST', '/international-assistance', body);
  }
  inquiry(text: string, diagnostics?: unknown) {
    return this.call<Json & { status: string; dueAt?: string }>('POST', '/care/inquiries', {
      text,
      ...(diagnostics === undefined ? {} : { diagnostics }),
    });
  }
}

export interface RegistrationOut {
  deviceId: string;
  newlyRegistered: boolean;
  source: string;
  offer: { granted: boolean; reason?: string };
}

export interface Registry {
  readonly url: string;
  /** The service itself: `store.query(sql)` reads its database directly. */
  readonly server: RegistryServerHandle;
  /** Not logged in. */
  readonly client: RegistryClient;
  readonly outbox: {
    all(): readonly Message[];
    /** The code of the newest message to `to` (optionally of one template); throws when none. */
    lastCode(to: string, template?: string): string;
    clear(): void;
  };
  readonly clock: {
    nowMs(): number;
    set(iso: string | number): void;
    advance(ms: number): void;
  };
  /** Sign-up, verification by the outboxed code and login, in one call: a logged-in client. */
  newUser(options?: Partial<Parameters<RegistryClient['signUp']>[0]>): Promise<RegistryUser>;
  /** R-12: reads the charger product number from the rig over BLE and calls the pairing registration. */
  pairRig(user: RegistryClient, rig: PairableRig): Promise<RegistrationOut>;
  close(): Promise<void>;
}

/** A verified, logged-in user: its API client (`token` is the session), email and password. */
export type RegistryUser = RegistryClient & { readonly email: string; readonly password: string };

/** What `pairRig` needs of a rig (`createRig`'s result has it); structural, so this file does not import the rig's. */
export interface PairableRig {
  readonly client?: IqosClient | undefined;
  readonly device: Pick<VirtualDevice, 'model'>;
  run<T>(promise: Promise<T>): Promise<T>;
}

/** The device ID a virtual device reports (D-R4: the main unit's product number, C0). */
export async function readDeviceId(rig: PairableRig): Promise<string> {
  if (!rig.client) throw new Error('the rig has no client: create it with client: "ble" or "usb"');
  const frame = await rig.run(rig.client.call('get-product-number', { unit: 'charger' }));
  return String(frame.fields.productNumber).replace(/\0+$/, '');
}

let users = 0;

export async function createRegistry(options: RegistryServerOptions = {}): Promise<Registry> {
  // Many users per test share one loopback address: a generous default limit (tests of the limit pass their own).
  // Loaded here, not at import: iqsim/testing users without a registry never load fastify or libsql
  // (and need not install them).
  const { startRegistryServer } = await loadRegistryServer();
  const server = await startRegistryServer({
    db: ':memory:',
    testMode: true,
    rateLimit: { max: 10_000, timeWindowMs: 60_000 },
    ...options,
  });
  const client = new RegistryClient(server.url);
  const outbox: Registry['outbox'] = {
    all: () => server.outbox.messages,
    lastCode(to, template) {
      const found = server.outbox.messages
        .filter((m) => m.to === to.toLowerCase() || m.to === to)
        .filter((m) => !template || m.template === template)
        .at(-1);
      if (!found?.code) throw new Error(`no message with a code to ${to}${template ? ` (${template})` : ''}`);
      return found.code;
    },
    clear: () => server.outbox.clear(),
  };
  return {
    url: server.url,
    server,
    client,
    outbox,
    clock: {
      nowMs: () => server.clock.nowMs(),
      set: (at) => server.clock.set(typeof at === 'number' ? at : new Date(at).getTime()),
      advance: (ms) => server.clock.advance(ms),
    },
    async newUser(over = {}) {
      users += 1;
      const body = {
        email: `user${users}@example.com`,
        password: 'correct horse 1',
        dateOfBirth: '1990-05-17',
        country: 'DE',
        ...over,
      };
      await client.signUp(body);
      await client.verify({ email: body.email, code: outbox.lastCode(body.email, 'verify-email') });
      const session = await client.login(body.email, body.password);
      return Object.assign(client.as(session.token), { email: body.email, password: body.password });
    },
    async pairRig(user, rig) {
      return user.pairDevice(await readDeviceId(rig), rig.device.model);
    },
    close: () => server.close(),
  };
}
