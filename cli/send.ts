/**
 * `iqsim send <transport> <hex...> [--json] [--window-ms n] [--record file.jsonl]` (issue #5 item 5):
 * `iqsim exchange` over any transport in real time. Each request frame goes out in order, every
 * reply frame arriving within the window after it is collected and decoded. Exit 1 when a request
 * got no reply or the link failed, 2 on a bad spec or frame.
 */
import type { Command } from 'commander';
import type { IqosClient, Scheduler } from '../simulator/index.js';
import type { OpenedTransport } from '../transports/index.js';
import { type FrameExchange, parseRequests, printExchanges, toExchange } from './frames.js';
import { type CliContext, EXIT_FAILED } from './io.js';
import { numericOption, OPTIONS } from './options.js';
import { type LinkFlags, linkOptions, withClient } from './probe.js';

interface Flags extends LinkFlags {
  json?: boolean;
  windowMs: string;
}

export function registerSend(program: Command, { io, setExit }: CliContext): void {
  linkOptions(
    program
      .command('send')
      .description('send raw request frames over a transport (real time) and print the decoded replies')
      .argument(
        '<transport>',
        'sim:<model>[?seed=n&channel=ble|usb], serial:<path>[?baud=n] or ble:<address>',
      )
      .argument(
        '<hex...>',
        'request frames, each quoted: a BLE value (00/01 first), a USB report (3F first) or a logical frame',
      )
      .option('--json', 'print {"ok", "transport", "exchanges": [{"request", "replies"}]}')
      .option('--window-ms <n>', 'how long to collect replies after each request, ms (1..600000)', '300'),
  )
    .addHelpText(
      'after',
      `
Each request and reply is printed as decode --json prints a frame. Exit codes: 0 every request got
a reply, 1 some request got none or the link failed, 2 bad usage, bad hex or a frame over 62 bytes.

Examples:
  iqsim send sim:iluma-i "C0 02 23 C3"
  iqsim send serial:/tmp/ttyIQOS --json "C0 00 01 07" "C0 02 23 C3"`,
    )
    .action(async (spec: string, hex: string[], flags: Flags) => {
      const windowMs = numericOption(OPTIONS.windowMs, flags.windowMs);
      const requests = parseRequests(hex);
      await withClient(spec, flags, io, setExit, async (client, opened) => {
        const exchanges = await sendAll(client, opened, requests, windowMs);
        if (!printExchanges(io, exchanges, flags.json === true, { transport: spec })) setExit(EXIT_FAILED);
      });
    });
}

async function sendAll(
  client: IqosClient,
  opened: OpenedTransport,
  requests: readonly Uint8Array[],
  windowMs: number,
): Promise<FrameExchange[]> {
  const received: Uint8Array[] = [];
  const stop = client.onFrame((frame) => received.push(frame));
  const exchanges: FrameExchange[] = [];
  try {
    for (const request of requests) {
      received.length = 0;
      // Sent without pairing: every reply in the window is shown.
      client.sendFrame(request).catch(() => undefined);
      await sleep(opened.scheduler, windowMs);
      if (opened.lost) throw opened.lost;
      exchanges.push(toExchange(request, received));
    }
  } finally {
    stop();
  }
  return exchanges;
}

function sleep(scheduler: Scheduler, ms: number): Promise<void> {
  return new Promise((resolve) => scheduler.schedule(scheduler.now() + ms, () => resolve()));
}
