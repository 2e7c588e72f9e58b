/**
 * `startCompanionServer()` (iqsim/testing): serves a companion web app, by default the reference
 * app of examples/companion/ (issue #12 item 2), on loopback, and forwards its `api/…` calls to a
 * registration service: `registryUrl`, or one it starts in-process in test mode (`:memory:`, outbox
 * and clock at `/_test/…`). It also serves the QR decoder the page falls back on, jsQR, from its npm
 * package. `iqsim app` and the Playwright fixture's `app` run it (docs/companion.md "The fixture").
 * Its rules (Host check, headers, the proxy): ./app-http.ts.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossSite, forward, loopbackHosts, SECURITY_HEADERS, sendProblem, upstreamUrl } from './app-http.js';
import { loadRegistryServer } from './registry-server.js';
import type { RegistryServerHandle } from './registry-types.js';

export interface CompanionServerOptions {
  /** Registration service base URL; default: start one in test mode. */
  registryUrl?: string;
  /** Loopback port, 0 = any free one (default). */
  port?: number;
  /** The app's files (default: examples/companion of this package). */
  root?: string;
}

export interface CompanionServer {
  /** The app, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly registryUrl: string;
  /** The in-process registry, when this server started it. */
  readonly registry: RegistryServerHandle | undefined;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** examples/companion beside dist/ (installed package) or beside cli/ (sources). */
function companionRoot(): string {
  for (const up of ['../../examples/companion/', '../examples/companion/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new Error('examples/companion is not installed with this package');
}

export async function startCompanionServer(options: CompanionServerOptions = {}): Promise<CompanionServer> {
  const root = resolve(options.root ?? companionRoot());
  const jsQrFile = createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js');
  const registry = options.registryUrl
    ? undefined
    : await (await loadRegistryServer()).startRegistryServer({ testMode: true });
  const registryUrl = options.registryUrl ?? (registry as RegistryServerHandle).url;
  const target = new URL(registryUrl.endsWith('/') ? registryUrl : `${registryUrl}/`);

  let hosts: ReadonlySet<string> = new Set();
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!hosts.has(req.headers.host?.toLowerCase() ?? '')) {
      sendProblem(res, 421, 'APP_MISDIRECTED', 'the Host header does not name this server');
      return;
    }
    const raw = req.url ?? '/';
    const query = raw.indexOf('?');
    const rawPath = query < 0 ? raw : raw.slice(0, query);
    if (rawPath.startsWith('/api/')) {
      const upstream = upstreamUrl(target, rawPath, query < 0 ? '' : raw.slice(query));
      if (!upstream) sendProblem(res, 400, 'APP_BAD_PATH', 'api/ takes a path of the registration service');
      else if (crossSite(req)) sendProblem(res, 403, 'APP_CROSS_SITE', 'api/ answers this origin only');
      else forward(upstream, req, res);
      return;
    }
    if (req.method !== 'GET') {
      sendProblem(res, 405, 'APP_METHOD_NOT_ALLOWED', 'the app serves its files to GET');
      return;
    }
    const url = new URL(raw, 'http://x');
    let file: string;
    try {
      const path = decodeURIComponent(url.pathname);
      file =
        path === '/vendor/jsQR.js'
          ? jsQrFile
          : resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    } catch {
      sendProblem(res, 400, 'APP_BAD_PATH', 'the path is not percent-encoded UTF-8');
      return;
    }
    if (file !== jsQrFile && !file.startsWith(root + sep)) {
      sendProblem(res, 403, 'APP_OUTSIDE_ROOT', 'the path leaves the app');
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
            'cache-control': 'no-store',
          })
          .end(body),
      () => sendProblem(res, 404, 'APP_NOT_FOUND', 'no such file'),
    );
  });
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => done());
    });
  } catch (error) {
    // Node's own error (`code` EADDRINUSE, EACCES …): `iqsim app` says CLI_APP_LISTEN.
    await registry?.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  hosts = loopbackHosts(port);
  return {
    url: `http://127.0.0.1:${port}/`,
    registryUrl,
    registry,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await registry?.close();
    },
  };
}
