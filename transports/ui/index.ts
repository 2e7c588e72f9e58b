/**
 * The live dashboard of `iqsim ui` (docs/ui.md): a Fastify server on loopback and the devices it
 * drives. A sub-entry of transports/, loaded only by the command, because it imports Fastify (an
 * optional peer, docs/transports.md "Optional packages").
 */
export {
  DeviceHost,
  type HostMessage,
  MAX_ADVANCE_MS,
  type ServedClock,
  type UiTime,
} from './device-host.js';
export { FleetHost, type FleetPage, type FleetRow, type FleetSummary, MAX_FLEET_PAGE } from './fleet-host.js';
export { startUiServer, type UiServer, type UiServerOptions } from './server.js';
export type { TrafficRow } from './traffic.js';
export type { ChartSample, DeviceView } from './view.js';
