/**
 * The metrics a virtual user emits (docs/artillery.md "Metrics"), through the event emitter Artillery
 * hands to `createScenario`: `counter` (name, n), `histogram` (name, value), `error` (code). Artillery
 * adds them to its report under these names (errors as `errors.<code>`).
 */

/** What the engine needs of Artillery's scenario event emitter. */
export interface ScenarioEvents {
  emit(event: string, ...args: unknown[]): unknown;
}

export const METRIC = {
  accountsCreated: 'iqsim.accounts.created',
  devicesRegistered: 'iqsim.devices.registered',
  devicesAlreadyYours: 'iqsim.devices.already_yours',
  devicesPaired: 'iqsim.devices.paired',
  /** Followed by `.<REGISTRY_* code>` of the service's refusal. */
  refused: 'iqsim.refused',
  sessionsStarted: 'iqsim.sessions.started',
  sessionsCompleted: 'iqsim.sessions.completed',
  sessionsRefused: 'iqsim.sessions.refused',
  puffs: 'iqsim.puffs',
  syncs: 'iqsim.syncs',
  syncDeviceMissing: 'iqsim.sync.device_missing',
  httpRequests: 'iqsim.http.requests',
  /** Followed by `.<status>`. */
  httpCodes: 'iqsim.http.codes',
  httpResponseTime: 'iqsim.http.response_time',
  sessionVirtualS: 'iqsim.session.virtual_s',
  batteryPercent: 'iqsim.device.battery_percent',
} as const;

export class Metrics {
  constructor(private readonly ee: ScenarioEvents) {}

  count(name: string, value = 1): void {
    this.ee.emit('counter', name, value);
  }

  histogram(name: string, value: number): void {
    this.ee.emit('histogram', name, value);
  }
}
