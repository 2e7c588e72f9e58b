/**
 * The rules the companion server (`iqsim app`, the fixture's `app`) serves by (issue 15 item 7): the
 * `Host` check, the security headers of every answer, the same-origin rule for API calls that change
 * state, and the `api/` proxy, which reaches the registration service only (its origin and base path)
 * and passes on only a few request headers.
 */
import { type IncomingMessage, type OutgoingHttpHeaders, request, type ServerResponse } from 'node:http';

/** On every answer: the page runs its own files only, is never framed, sniffed or cached elsewhere. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** The request headers the proxy passes on; cookies, Host, Origin and the rest stay here. */
const FORWARDED = ['authorization', 'content-type', 'accept', 'content-length'] as const;
/** Hop-by-hop answer headers the proxy does not copy (Node frames the body itself). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

export function sendProblem(res: ServerResponse, status: number, code: string, detail: string): void {
  res
    .writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' })
    .end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }));
}

/** `127.0.0.1:<port>`, `localhost:<port>` and `[::1]:<port>`: the names of a loopback server. */
export function loopbackHosts(port: number): ReadonlySet<string> {
  return new Set(['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`));
}

/**
 * The upstream URL of `rawPath` (`/api/<rest>`, still percent-encoded) and `search`: the registry's
 * origin + its base path + `<rest>`. Undefined when `<rest>` is an absolute URL, starts with or
 * holds `//`, a backslash or a control character, or has a `.`/`..` segment (encoded or not).
 */
export function upstreamUrl(target: URL, rawPath: string, search: string): URL | undefined {
  const rest = rawPath.slice('/api/'.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(decoded) || decoded.startsWith('/') || decoded.includes('//'))
    return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\\\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  if (decoded.split('/').some((segment) => segment === '.' || segment === '..')) return undefined;
  const base = target.pathname.endsWith('/') ? target.pathname : `${target.pathname}/`;
  const url = new URL(`${target.origin}${base}${rest}${search}`);
  return url.origin === target.origin && url.pathname.startsWith(base) ? url : undefined;
}

/** A state-changing request from another origin (or another port of loopback: the same *site*). */
export function crossSite(req: IncomingMessage): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin?.toLowerCase();
  return origin !== undefined && origin !== `http://${req.headers.host?.toLowerCase()}`;
}

export function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
  const call = request(upstream, { method: req.method, headers }, (answer) => {
    const copied: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers))
      if (!HOP_BY_HOP.has(name) && value !== undefined) copied[name] = value;
    res.writeHead(answer.statusCode ?? 502, copied);
    answer.pipe(res);
  });
  // The service down or the connection dropped: the page sees a 502 problem, not a hung request.
  call.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendProblem(res, 502, 'SERVICE_DOWN', 'the registration service cannot be reached');
  });
  req.pipe(call);
}
