/**
 * `iqsim app [--port N] [--registry URL] [--json]`: serves the reference companion web app
 * (examples/companion/, issue #12 item 2) on loopback and prints its URL. The page calls the
 * registration service at `api/…` on its own origin, which this server forwards to `--registry`; with
 * no `--registry` it starts one in-process in test mode (`:memory:`, outbox and clock at `/_test/…`).
 * The server is `startCompanionServer` of iqsim/testing, the fixture's too (docs/companion.md
 * "The reference app").
 */
import type { Command } from 'commander';
import { startCompanionServer } from '../testing/index.js';
import { type CliIo, CliUsageError } from './io.js';

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
      }).catch((error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code !== 'string' || !code.startsWith('E')) throw error;
        throw new CliUsageError(
          'CLI_APP_LISTEN',
          `cannot listen on port ${port}: ${(error as Error).message}`,
        );
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
