/**
 * `startUiServer` (docs/ui.md): the live dashboard of `iqsim ui` on loopback, over Fastify. The page
 * and its files are served by name; the API under `/api/` drives the devices and streams their
 * changes as server-sent events (one-way is all the page needs: its inputs are plain POSTs, and
 * EventSource reconnects by itself, docs/decisions.md "Live dashboard (issue 20 item 3)").
 *
 * Who may drive a device (docs/security.md "The dashboard"): every request must name this server in
 * `Host` (421 otherwise, against DNS rebinding), and everything but the static files needs the
 * random per-run token of the printed URL (`?token=`, or the `x-iqsim-token` header): 403 without
 * it, so another local page cannot read or drive the device. Changes also need a JSON body and a
 * same-origin `Sec-Fetch-Site`.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { FirmwareError, type FirmwareInput } from '../../firmware-model/index.js';
import {
  type CaptureEvent,
  checkFirmwareInputValue,
  DEVICE_FAULTS,
  FAULT_GUIDE,
  LINK_FAULTS,
  SimulatorError,
} from '../../simulator/index.js';
import { loadAssets } from './assets.js';
import type { DeviceHost } from './device-host.js';
import type { FleetHost } from './fleet-host.js';
import { fetchRegistry } from './registry.js';
import { TrafficDecoder, type TrafficRow } from './traffic.js';

export interface UiServerOptions {
  /** The devices the page drives (one for `iqsim ui`, N with `--count`); may be empty with a capture. */
  readonly hosts: readonly DeviceHost[];
  /** A fleet to page through; the device the page opens gets a host of its own (docs/ui.md "A fleet"). */
  readonly fleet?: FleetHost;
  /** A capture file's events to scrub through, and where it came from. */
  readonly capture?: {
    readonly path: string;
    readonly format: string;
    readonly events: readonly CaptureEvent[];
  };
  /** The registration service to list accounts and devices of (its test-mode routes). */
  readonly registryUrl?: string;
  /** Loopback port; 0 = any free one (default). */
  readonly port?: number;
  /** The token (default: 24 random bytes as hex); tests pass their own. */
  readonly token?: string;
}

export interface UiServer {
  /** The page with its token: what `iqsim ui` prints. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function problem(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).type('application/json').send({ ok: false, error: { code, message } });
}

/** Fault ids the page offers: device faults with steps, link faults the injector supports. */
function faultList() {
  const guide = FAULT_GUIDE as Readonly<Record<string, { name: string; device: string }>>;
  return [...DEVICE_FAULTS, ...LINK_FAULTS]
    .filter((f) => ('supported' in f ? f.supported : f.steps !== undefined))
    .map((f) => ({
      id: f.id,
      name: guide[f.id]?.name ?? f.name,
      title: f.name,
      link: LINK_FAULTS.some((l) => l.id === f.id),
      clearable: 'clear' in f ? f.clear !== undefined : true,
    }));
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const tokenBytes = Buffer.from(token);
  const assets = loadAssets();
  const hosts = new Map(options.hosts.map((h) => [h.id, h]));
  let captureRows: TrafficRow[] | undefined;
  if (options.capture) {
    const decoder = new TrafficDecoder(options.capture.events[0]?.tUs ?? 0);
    captureRows = options.capture.events.map((e) => decoder.row(e));
  }
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 16_384 });
  let allowed: ReadonlySet<string> = new Set();

  const tokenOk = (request: FastifyRequest): boolean => {
    const given = (request.query as { token?: unknown }).token ?? request.headers['x-iqsim-token'];
    if (typeof given !== 'string') return false;
    const bytes = Buffer.from(given);
    return bytes.length === tokenBytes.length && timingSafeEqual(bytes, tokenBytes);
  };

  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    const host = request.headers.host?.toLowerCase();
    if (host === undefined || !allowed.has(host)) {
      problem(reply, 421, 'UI_MISDIRECTED', 'the Host header does not name this server');
      return;
    }
    if (request.url.startsWith('/assets/')) return done();
    if (!tokenOk(request)) {
      problem(reply, 403, 'UI_BAD_TOKEN', 'open the URL iqsim ui printed, with its token');
      return;
    }
    const site = request.headers['sec-fetch-site'];
    if (request.method !== 'GET' && site !== undefined && site !== 'same-origin' && site !== 'none') {
      problem(reply, 403, 'UI_CROSS_SITE', 'changes come from the dashboard page only');
      return;
    }
    done();
  });

  const page = (name: string, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) return problem(reply, 404, 'UI_NOT_FOUND', 'no such file');
    return reply.type(asset.type).send(asset.body);
  };
  app.get('/', (_request, reply) => page('index.html', reply));
  app.get<{ Params: { name: string } }>('/assets/:name', (request, reply) =>
    page(request.params.name, reply),
  );

  const hostOf = (id: string, reply: FastifyReply): DeviceHost | undefined => {
    const host = hosts.get(id) ?? options.fleet?.host(id);
    if (!host) problem(reply, 404, 'UI_NO_DEVICE', `no device '${id}'`);
    return host;
  };

  app.get('/api/info', () => ({
    devices: [...hosts.values()].map((h) => ({ id: h.id, model: h.device.model })),
    time: options.fleet?.time ?? options.hosts[0]?.time ?? { kind: 'real', speed: 1 },
    fleet: options.fleet
      ? { count: options.fleet.fleet.count, devices: options.fleet.fleet.devices.length }
      : null,
    capture: options.capture ? { path: options.capture.path, format: options.capture.format } : null,
    registry: options.registryUrl ?? null,
    faults: faultList(),
  }));

  // The fleet list: each device's model and both state machines, for the list and its drill-down.
  app.get('/api/devices', () =>
    [...hosts.values()].map((h) => {
      const view = h.view();
      return {
        id: h.id,
        model: view.model,
        displayName: view.displayName,
        holder: view.holder.state,
        charger: view.charger.state,
      };
    }),
  );

  // A fleet: its figures, and its devices a page at a time (`?offset=&limit=&state=`).
  app.get('/api/fleet', (_request, reply) =>
    options.fleet
      ? options.fleet.summary()
      : problem(reply, 404, 'UI_NO_FLEET', 'start iqsim ui with --fleet'),
  );
  app.get<{ Querystring: { offset?: string; limit?: string; state?: string } }>(
    '/api/fleet/devices',
    (request, reply) => {
      if (!options.fleet) return problem(reply, 404, 'UI_NO_FLEET', 'start iqsim ui with --fleet');
      const { offset = '0', limit = '20', state } = request.query;
      const count = (text: string) => (/^\d{1,9}$/.test(text) ? Number(text) : Number.NaN);
      const [from, size] = [count(offset), count(limit)];
      if (Number.isNaN(from) || !(size >= 1))
        return problem(reply, 400, 'UI_BAD_INPUT', 'offset is a whole number ≥ 0, limit one ≥ 1');
      return options.fleet.page(from, size, state || undefined);
    },
  );

  app.get<{ Params: { id: string } }>('/api/devices/:id/events', (request, reply) => {
    const host = hostOf(request.params.id, reply);
    if (!host) return reply;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    const send = (kind: string, data: unknown) =>
      raw.write(`event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`);
    send('hello', host.snapshot());
    const unsubscribe = host.subscribe((message) => send('update', message));
    request.raw.on('close', unsubscribe);
    return reply;
  });

  const action = async (reply: FastifyReply, run: () => unknown) => {
    try {
      const result = await run();
      return { ok: true, ...(result === undefined ? {} : { result }) };
    } catch (error) {
      if (error instanceof FirmwareError || error instanceof SimulatorError)
        return problem(reply, 400, error.code, error.message);
      throw error;
    }
  };

  app.post<{ Params: { id: string }; Body: unknown }>('/api/devices/:id/input', (request, reply) => {
    const host = hostOf(request.params.id, reply);
    if (!host) return reply;
    const issue = checkFirmwareInputValue(request.body)[0];
    if (issue) return problem(reply, 400, 'UI_BAD_INPUT', `${issue.pointer || '/'}: ${issue.message}`);
    return action(reply, () => host.input(request.body as FirmwareInput));
  });

  app.post<{ Params: { id: string }; Body: { id?: unknown; clear?: unknown } }>(
    '/api/devices/:id/fault',
    (request, reply) => {
      const host = hostOf(request.params.id, reply);
      if (!host) return reply;
      const { id, clear } = request.body ?? {};
      if (typeof id !== 'string') return problem(reply, 400, 'UI_BAD_INPUT', 'a fault id such as F-02');
      return action(reply, () => host.fault(id, clear === true));
    },
  );

  app.post<{ Params: { id: string }; Body: { ms?: unknown } }>(
    '/api/devices/:id/advance',
    (request, reply) => {
      const host = hostOf(request.params.id, reply);
      if (!host) return reply;
      return action(reply, () => host.advance(Number(request.body?.ms)));
    },
  );

  app.post<{ Params: { id: string }; Body: { connect?: unknown } }>(
    '/api/devices/:id/central',
    (request, reply) => {
      const host = hostOf(request.params.id, reply);
      if (!host) return reply;
      return action(reply, () =>
        request.body?.connect === false ? host.disconnectCentral() : host.connectCentral(),
      );
    },
  );

  app.get('/api/capture', (_request, reply) => {
    if (!options.capture || !captureRows)
      return problem(reply, 404, 'UI_NO_CAPTURE', 'start iqsim ui with --capture FILE');
    return { path: options.capture.path, format: options.capture.format, rows: captureRows };
  });

  app.get('/api/registry', async (_request, reply) => {
    if (!options.registryUrl)
      return problem(reply, 404, 'UI_NO_REGISTRY', 'start iqsim ui with --registry URL');
    const answer = await fetchRegistry(options.registryUrl);
    return answer.ok ? answer.value : problem(reply, 502, answer.code, answer.message);
  });

  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  allowed = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    async close() {
      for (const host of options.hosts) host.close();
      options.fleet?.close();
      await app.close();
    },
  };
}
