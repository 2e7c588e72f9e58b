/**
 * `iqsim app [--port N] [--registry URL] [--json]`: serves the reference companion web app
 * (examples/companion/, issue #12 item 2) on loopback and prints its URL. The page calls the
 * registration service at `api/…` on its own origin, which this server forwards to `--registry`; with
 * no `--registry` it starts one in-process in test mode (`:memory:`, outbox and clock at `/_test/…`).
 * It also serves the QR decoder the page falls back on, jsQR, from its npm package (docs/companion.md).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { type RegistryServer, startRegistryServer } from '../registration/server/index.js';
import { crossSite, forward, loopbackHosts, SECURITY_HEADERS, sendProblem, upstreamUrl } from './app-http.js';
import { type CliIo, CliUsageError } from './io.js';

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
  readonly registry: RegistryServer | undefined;
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
export function companionRoot(): string {
  for (const up of ['../../examples/companion/', '../examples/companion/']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new CliUsageError('CLI_APP_MISSING', 'examples/companion is not installed with this package');
}

export async function startCompanionServer(options: CompanionServerOptions = {}): Promise<CompanionServer> {
  const root = resolve(options.root ?? companionRoot());
  const jsQrFile = createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js');
  const registry = options.registryUrl ? undefined : await startRegistryServer({ testMode: true });
  const registryUrl = options.registryUrl ?? (registry as RegistryServer).url;
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
    await registry?.close();
    throw new CliUsageError(
      'CLI_APP_LISTEN',
      `cannot listen on port ${options.port}: ${(error as Error).message}`,
    );
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

interface AppFlags {
  port: string;
  registry?: string;
  json?: boolean;
}

/** Runs until SIGINT or SIGTERM, then closes the server (and the registry it started). */
export function registerApp(program: Command, io: CliIo): void {
  program
    .command('app')
    .description(
      'serve the reference companion web app on loopback (with a test-mode registry unless --registry)',
    )
    .option('--port <n>', 'port (0 = any free one)', '0')
    .option('--registry <url>', 'registration service base URL (default: start one in test mode)')
    .option('--json', 'print {"ok": true, "url", "registryUrl"} as one JSON line')
    .addHelpText(
      'after',
      `
Examples:
  iqsim app                                   # app + in-process registry in test mode
  iqsim app --port 8080 --registry http://127.0.0.1:4000`,
    )
    .action(async (flags: AppFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new CliUsageError('CLI_BAD_PORT', 'port must be a whole number from 0 to 65535');
      if (flags.registry !== undefined && !/^https?:\/\/[^/]+/.test(flags.registry))
        throw new CliUsageError('CLI_BAD_URL', 'registry must be an http(s) URL');
      const app = await startCompanionServer({
        port,
        ...(flags.registry ? { registryUrl: flags.registry } : {}),
      });
      if (flags.json) io.out(`${JSON.stringify({ ok: true, url: app.url, registryUrl: app.registryUrl })}\n`);
      else
        io.out(
          `Companion app: ${app.url}\nRegistration service: ${app.registryUrl}${app.registry ? ' (in-process, test mode)' : ''}\n` +
            'Open the app in Chromium under the iqsim Playwright fixture to pair a virtual device (docs/companion.md).\n',
        );
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await app.close();
    });
}
