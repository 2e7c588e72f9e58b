/**
 * HTTP guards in front of every route (issue 15 item 7): the `Host` check against DNS rebinding and
 * `Cache-Control: no-store` on every answer (sessions, codes and personal data must not be cached).
 *
 * A request is answered only when its `Host` names the address the service is bound to, or a loopback
 * name, with the bound port: `127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>` and
 * `<--host>:<port>`. Anything else (a rebinding attacker's domain; an HTTP/1.0 request without Host)
 * is 421 `REGISTRY_MISDIRECTED`, before any route runs. Node itself answers an HTTP/1.1 request
 * without Host with a bare 400.
 */
import type { AddressInfo } from 'node:net';
import { REGISTRY_ERRORS } from '../index.js';
import type { RegistryApp } from './app-type.js';
import { sendProblem } from './problem.js';

/** The `Host` values a server bound to `bindHost`:`port` answers (lower case). */
export function allowedHosts(bindHost: string, port: number): ReadonlySet<string> {
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h);
  return new Set(
    ['127.0.0.1', 'localhost', '::1', bindHost].map((h) => `${bracket(h.toLowerCase())}:${port}`),
  );
}

export function installGuards(app: RegistryApp, bindHost: string): void {
  let allowed: ReadonlySet<string> | undefined;
  // A callback hook, not an async one: it runs on every request (no promise per request).
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('cache-control', 'no-store');
    allowed ??= allowedHosts(bindHost, (app.server.address() as AddressInfo).port);
    const host = request.headers.host;
    if (host !== undefined && (allowed.has(host) || allowed.has(host.toLowerCase()))) return done();
    sendProblem(
      reply,
      REGISTRY_ERRORS.REGISTRY_MISDIRECTED,
      'REGISTRY_MISDIRECTED',
      'the Host header does not name this service',
    );
  });
}

/**
 * Test routes (state-changing methods) refuse what another web site could send: a body that is not
 * `application/json` (a cross-site form or `text/plain` fetch needs no CORS preflight) is 415, an
 * `Origin` other than the service's own (`http://<Host>`) or a `Sec-Fetch-Site` other than
 * `same-origin`/`none` is 403 `REGISTRY_CROSS_SITE`. Servers bind loopback, where every port is the
 * same *site*: `same-site` is refused too.
 */
export function installSameOrigin(app: RegistryApp): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin?.toLowerCase();
    if (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (origin !== undefined && origin !== `http://${request.headers.host?.toLowerCase()}`)
    )
      return sendProblem(
        reply,
        REGISTRY_ERRORS.REGISTRY_CROSS_SITE,
        'REGISTRY_CROSS_SITE',
        'test controls answer only their own origin',
      );
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json')
      return sendProblem(
        reply,
        REGISTRY_ERRORS.REGISTRY_UNSUPPORTED_MEDIA_TYPE,
        'REGISTRY_UNSUPPORTED_MEDIA_TYPE',
        'test controls take a JSON body (Content-Type: application/json; {} when there is nothing to send)',
      );
  });
}
